/**
 * What one large legal export costs everyone else: the built server (dist/cli/main.js) takes the
 * largest OTLP/HTTP protobuf export its default body limit allows — minimal SDK spans, the most spans
 * per byte — while a small export (8 spans) is sent 200 ms after it starts. Prints how long the small
 * export waited for its first answer (a 503 + Retry-After while the writer is behind), how long until
 * it was stored when retried as an exporter would, against the same small export sent to the idle
 * server (the baseline), and how long the large one took. The hardening issue's bound: no request waits past an exporter's 10 s timeout.
 *
 *   node --import tsx bench/large-export-stall.ts [spans, default 480000 (~31.6 MiB)]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { freePort } from '../test/support/free-port.js';
import { postTraces } from './otlp-http-post.js';

function statusOf(port: number, body: Buffer): Promise<number> {
  return new Promise((done, fail) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path: '/v1/traces',
        method: 'POST',
        headers: { ...PROTOBUF, 'content-length': body.length },
      },
      (res) => {
        res.resume();
        res.on('end', () => done(res.statusCode ?? 0));
      },
    );
    req.on('error', fail);
    req.end(body);
  });
}

const SPANS = Number(process.argv[2] ?? 480_000);
const PROTOBUF = { 'content-type': 'application/x-protobuf' };

const exporter = new InMemorySpanExporter();
const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).getTracer(
  'large-export',
);
const body = (count: number, name: string): Buffer => {
  exporter.reset();
  for (let index = 0; index < count; index += 1) tracer.startSpan(name).end();
  return Buffer.from(ProtobufTraceSerializer.serializeRequest(exporter.getFinishedSpans())!);
};
const large = body(SPANS, 's');
const small = () => body(8, 'small');

const port = await freePort();
const dataDir = mkdtempSync(join(tmpdir(), 'otel-mcp-large-export-'));
const server = spawn(
  process.execPath,
  [
    resolve('dist/cli/main.js'),
    'serve',
    '--data-dir',
    dataDir,
    '--otlp-http-port',
    String(port),
    '--otlp-grpc-port',
    '0',
  ],
  { stdio: ['pipe', 'ignore', 'ignore'] },
);
try {
  const send = async (bytes: Buffer): Promise<number> => {
    const started = performance.now();
    await postTraces(new Agent(), port, bytes, PROTOBUF);
    return performance.now() - started;
  };
  for (let attempt = 0; ; attempt += 1) {
    try {
      await send(small());
      break;
    } catch (error) {
      if (attempt > 100) throw error;
      await new Promise((done) => setTimeout(done, 100));
    }
  }
  const idle: number[] = [];
  for (let run = 0; run < 5; run += 1) idle.push(await send(small()));
  const baseline = idle.sort((a, b) => a - b)[2] as number;
  const largeTook = send(large);
  await new Promise((done) => setTimeout(done, 200));
  // As an exporter does: a 503 is retried after its Retry-After. The first answer is what the
  // exporter waits on; acceptance is when its spans are stored.
  const bytes = small();
  const started = performance.now();
  let firstAnswer: number | undefined;
  let refusals = 0;
  for (;;) {
    const status = await statusOf(port, bytes);
    firstAnswer ??= performance.now() - started;
    if (status === 200) break;
    if (status !== 503) throw new Error(`small export answered ${status}`);
    refusals += 1;
    await new Promise((done) => setTimeout(done, 1_000));
  }
  const accepted = performance.now() - started;
  console.log(
    `large export: ${(large.length / 1048576).toFixed(1)} MiB, ${SPANS} spans, answered in ${(await largeTook).toFixed(0)} ms`,
  );
  console.log(
    `a small export sent 200 ms in: first answer after ${firstAnswer.toFixed(0)} ms (${(firstAnswer / baseline).toFixed(0)}× the idle ${baseline.toFixed(1)} ms), ` +
      `${refusals} × 503 + Retry-After before it was stored, ${accepted.toFixed(0)} ms after it was first sent`,
  );
} finally {
  server.kill('SIGTERM');
  await new Promise((done) => server.once('exit', done));
  rmSync(dataDir, { recursive: true, force: true });
}
