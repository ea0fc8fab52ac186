/**
 * A bounded, seeded hostile-input run against the real receiver on a real store: 10,000 exports made
 * from real SDK bodies (traces, logs, metrics) spoiled at random, sent over OTLP/HTTP (protobuf and
 * JSON, wrong content types, gzip, small gzip bombs), over OTLP/gRPC, and as raw HTTP with bad
 * framing. Each must get a client-error or success answer, never a 5xx or INTERNAL/UNAVAILABLE, and
 * never a stall; afterwards a good export over each path is still stored whole.
 *
 * A failure names the seed and the case; rerun it with HOSTILE_SEED=<seed> npx vitest run <this file>.
 */
import { Client, credentials, Metadata, status as GrpcStatus, type ServiceError } from '@grpc/grpc-js';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { expect, it } from 'vitest';
import { createOtlpReceiver, type OtlpReceiver } from '../../src/receiver/otlp-receiver.js';
import { openTestStore } from '../store/store-fixture.js';
import { seededRandom } from '../support/seeded-random.js';
import { int, mutateBytes, mutateJson, pick, type Mutated, type Random } from './hostile-mutations.js';
import { sdkLogBodies, sdkMetricBodies, sdkTraceBodies, type SdkBodies } from './sdk-payloads.js';

const SEED = Number(process.env.HOSTILE_SEED ?? 20261205);
const CASES = 10_000;
/** Requests in flight at once: enough to overlap the round trips, few enough for 2 shared cores. */
const CONCURRENCY = 8;
/** Far beyond any real answer (milliseconds); only a request the receiver never answers reaches it. */
const STALL_MS = 10_000;
/** Small, so gzip bombs and oversized bodies hit the limit without costly inflating. */
const MAX_BODY = 256 * 1024;

type Signal = 'traces' | 'logs' | 'metrics';
const GRPC_SERVICE: Record<Signal, string> = {
  traces: 'opentelemetry.proto.collector.trace.v1.TraceService',
  logs: 'opentelemetry.proto.collector.logs.v1.LogsService',
  metrics: 'opentelemetry.proto.collector.metrics.v1.MetricsService',
};
/** gRPC answers that mean the receiver, not the client, failed, or never answered. */
const SERVER_FAULTS = new Set([
  GrpcStatus.UNKNOWN,
  GrpcStatus.DEADLINE_EXCEEDED,
  GrpcStatus.INTERNAL,
  GrpcStatus.UNAVAILABLE,
  GrpcStatus.DATA_LOSS,
]);
const CONTENT_TYPES = ['application/x-protobuf', 'application/json'];
const HOSTILE_CONTENT_TYPES = [
  'text/plain',
  '',
  'application/json; charset=utf-16',
  'application/x-protobuf;;;',
  'multipart/form-data; boundary=x',
  'APPLICATION/JSON',
];
/** Gunzipped, each is several times MAX_BODY: the receiver must stop inflating at the limit. */
const GZIP_BOMBS = [gzipSync(Buffer.alloc(4 * MAX_BODY)), gzipSync(Buffer.alloc(16 * MAX_BODY, 'a'))];

interface Fixtures {
  traces: SdkBodies;
  logs: SdkBodies;
  metrics: SdkBodies;
}

interface Case {
  describe: string;
  run(): Promise<string | undefined>;
}

interface Target {
  httpUrl: string;
  httpPort: number;
  grpc: Client;
  grpcCompressed: Client;
}

function mutate(random: Random, format: 'protobuf' | 'json', body: Uint8Array): Mutated {
  if (random() < 0.1) return { body, how: 'unchanged' };
  return format === 'json' && random() < 0.7 ? mutateJson(random, body) : mutateBytes(random, body);
}

function httpCase(random: Random, target: Target, signal: Signal, fixtures: Fixtures): Case {
  const format = random() < 0.5 ? 'protobuf' : 'json';
  let { body, how } = mutate(random, format, fixtures[signal][format]);
  let contentType = CONTENT_TYPES[format === 'protobuf' ? 0 : 1]!;
  if (random() < 0.15) contentType = pick(random, [...CONTENT_TYPES, ...HOSTILE_CONTENT_TYPES]);
  const headers: Record<string, string> = contentType ? { 'content-type': contentType } : {};
  const encoding = random();
  if (encoding < 0.1) {
    body = gzipSync(body);
    headers['content-encoding'] = 'gzip';
    how += ', gzipped';
  } else if (encoding < 0.13) {
    body = pick(random, GZIP_BOMBS);
    headers['content-encoding'] = 'gzip';
    how = 'gzip bomb';
  } else if (encoding < 0.15) {
    headers['content-encoding'] = pick(random, ['gzip', 'br', 'gzip, gzip']);
    how += `, claims ${headers['content-encoding']}`;
  }
  const path =
    random() < 0.97 ? `/v1/${signal}` : pick(random, ['/v1/traces/', '/v1/%00', '/', '/v1/traces?x=1']);
  return {
    describe: `HTTP POST ${path} ${contentType || '(no type)'} ${format} body, ${how}`,
    async run() {
      let response: Response;
      try {
        response = await fetch(`${target.httpUrl}${path}`, {
          method: 'POST',
          headers,
          body,
          signal: AbortSignal.timeout(STALL_MS),
        });
      } catch (error) {
        return `no answer: ${(error as Error).message}`;
      }
      const text = await response.text();
      return response.status >= 500 ? `answered ${response.status}: ${text.slice(0, 300)}` : undefined;
    },
  };
}

function grpcCase(random: Random, target: Target, signal: Signal, fixtures: Fixtures): Case {
  const compressed = random() < 0.15;
  const { body, how } =
    random() < 0.03
      ? { body: Buffer.alloc(4 * MAX_BODY), how: 'oversized message' }
      : mutate(random, 'protobuf', fixtures[signal].protobuf);
  return {
    describe: `gRPC ${signal} Export${compressed ? ' (gzip)' : ''}, ${how}`,
    run: () =>
      new Promise((resolve) => {
        (compressed ? target.grpcCompressed : target.grpc).makeUnaryRequest(
          `/${GRPC_SERVICE[signal]}/Export`,
          (bytes: Buffer) => bytes,
          (bytes: Buffer) => bytes,
          Buffer.from(body),
          new Metadata(),
          { deadline: Date.now() + STALL_MS },
          (error: ServiceError | null) => {
            resolve(
              error && SERVER_FAULTS.has(error.code)
                ? `answered ${GrpcStatus[error.code]}: ${error.details}`
                : undefined,
            );
          },
        );
      }),
  };
}

/** Raw HTTP with framing no fetch would send: short or bogus lengths, bad chunks, both framings. */
function rawCase(random: Random, target: Target, fixtures: Fixtures): Case {
  const { body, how } = mutate(random, 'protobuf', fixtures.traces.protobuf);
  const start = 'POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-protobuf\r\n';
  const chunked = (parts: Buffer[]) =>
    Buffer.concat([
      ...parts.flatMap((part) => [Buffer.from(`${part.length.toString(16)}\r\n`), part, Buffer.from('\r\n')]),
      Buffer.from('0\r\n\r\n'),
    ]);
  const split = int(random, body.length + 1);
  const framings: [string, () => Buffer][] = [
    [
      'Content-Length shorter than the body',
      () =>
        Buffer.concat([Buffer.from(`${start}Content-Length: ${split}\r\nConnection: close\r\n\r\n`), body]),
    ],
    [
      'Content-Length not a number',
      () => Buffer.concat([Buffer.from(`${start}Content-Length: 1e3\r\n\r\n`), body]),
    ],
    ['negative Content-Length', () => Buffer.from(`${start}Content-Length: -1\r\n\r\n`)],
    [
      'Content-Length and chunked together',
      () =>
        Buffer.concat([
          Buffer.from(`${start}Content-Length: ${body.length}\r\nTransfer-Encoding: chunked\r\n\r\n`),
          chunked([Buffer.from(body)]),
        ]),
    ],
    [
      'a chunk size that is not hex',
      () => Buffer.concat([Buffer.from(`${start}Transfer-Encoding: chunked\r\n\r\nzz\r\n`), body]),
    ],
    [
      'a chunk larger than announced',
      () =>
        Buffer.concat([
          Buffer.from(`${start}Transfer-Encoding: chunked\r\n\r\n1\r\n`),
          body,
          Buffer.from('\r\n0\r\n\r\n'),
        ]),
    ],
    [
      'valid chunks split at random',
      () =>
        Buffer.concat([
          Buffer.from(`${start}Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n`),
          chunked(
            [Buffer.from(body.subarray(0, split)), Buffer.from(body.subarray(split))].filter(
              (part) => part.length > 0,
            ),
          ),
        ]),
    ],
  ];
  const [framing, request] = pick(random, framings);
  return {
    describe: `raw HTTP with ${framing}, ${how}`,
    run: () =>
      new Promise((resolve) => {
        const socket = connect(target.httpPort, '127.0.0.1');
        let received = '';
        const finish = (problem: string | undefined) => {
          clearTimeout(timer);
          socket.destroy();
          resolve(problem);
        };
        const timer = setTimeout(() => finish('no answer: stalled'), STALL_MS);
        socket.on('error', () => finish(received ? undefined : 'connection failed without an answer'));
        socket.on('data', (data) => {
          received += data.toString('latin1');
          const status = /^HTTP\/1\.1 (\d{3})/.exec(received);
          if (status) finish(Number(status[1]) >= 500 ? `answered ${received.slice(0, 300)}` : undefined);
        });
        socket.on('close', () => finish(received ? undefined : 'closed without an answer'));
        socket.end(request());
      }),
  };
}

function nextCase(random: Random, target: Target, fixtures: Fixtures): Case {
  const roll = random();
  const signal: Signal = roll < 0.7 ? 'traces' : roll < 0.85 ? 'logs' : 'metrics';
  const transport = random();
  if (transport < 0.75) return httpCase(random, target, signal, fixtures);
  if (transport < 0.95) return grpcCase(random, target, signal, fixtures);
  return rawCase(random, target, fixtures);
}

it(`answers ${CASES} hostile exports (seed ${SEED}) with no 5xx and no stall, and still stores good ones`, async () => {
  const { store } = openTestStore();
  const lines: string[] = [];
  const receiver: OtlpReceiver = createOtlpReceiver(store, {
    host: '127.0.0.1',
    httpPort: 0,
    grpcPort: 0,
    maxBodyBytes: MAX_BODY,
    log: (line) => lines.push(line),
  });
  const [http, grpc] = await receiver.start();
  const address = `127.0.0.1:${grpc!.port}`;
  const channel = { 'grpc.max_send_message_length': -1 };
  const target: Target = {
    httpUrl: http!.endpoint!,
    httpPort: http!.port!,
    grpc: new Client(address, credentials.createInsecure(), channel),
    grpcCompressed: new Client(address, credentials.createInsecure(), {
      ...channel,
      'grpc.default_compression_algorithm': 2,
      'grpc.default_compression_level': 2,
    }),
  };
  try {
    const fixtures: Fixtures = {
      traces: sdkTraceBodies(),
      logs: await sdkLogBodies(),
      metrics: await sdkMetricBodies(),
    };
    const random = seededRandom(SEED);
    const failures: string[] = [];
    let next = 0;
    // Cases are drawn in index order from the one generator, so the seed fixes every body.
    const worker = async () => {
      while (next < CASES) {
        const index = next++;
        const hostile = nextCase(random, target, fixtures);
        const problem = await hostile.run();
        if (problem) failures.push(`case ${index} (seed ${SEED}): ${hostile.describe}: ${problem}`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    expect(failures.slice(0, 20), `${failures.length} of ${CASES} failed`).toEqual([]);
    expect(lines.filter((line) => line.includes('unexpected failure'))).toEqual([]);

    // Afterwards every path still takes a good export whole.
    const overHttp = sdkTraceBodies();
    const overJson = sdkTraceBodies();
    const overGrpc = sdkTraceBodies();
    const protobufReply = await fetch(`${target.httpUrl}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body: overHttp.protobuf,
    });
    expect(protobufReply.status).toBe(200);
    const jsonReply = await fetch(`${target.httpUrl}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: overJson.json,
    });
    expect(jsonReply.status).toBe(200);
    const grpcError = await new Promise<ServiceError | null>((resolve) =>
      target.grpc.makeUnaryRequest(
        `/${GRPC_SERVICE.traces}/Export`,
        (bytes: Buffer) => bytes,
        (bytes: Buffer) => bytes,
        Buffer.from(overGrpc.protobuf),
        new Metadata(),
        { deadline: Date.now() + STALL_MS },
        resolve,
      ),
    );
    expect(grpcError).toBeNull();
    for (const good of [overHttp, overJson, overGrpc]) {
      expect(store.getTrace(good.traceId)?.spans).toHaveLength(good.spanCount);
    }
  } finally {
    target.grpc.close();
    target.grpcCompressed.close();
    await receiver.close();
  }
}, 120_000);
