/**
 * Clients that hold connections instead of exporting: slowloris over OTLP/HTTP (headers or a body
 * dribbled a byte at a time), gRPC connections that never finish the HTTP/2 preface, and HTTP/2
 * framing garbage on the gRPC port. Real exports must go on being answered meanwhile, and the
 * receiver must end each bad connection itself. Every client here stops itself: it is destroyed at
 * its end or after STALL_MS, which only a receiver that never answers reaches.
 */
import { connect as connectHttp2 } from 'node:http2';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { LogRecord, Span } from '../../src/model/index.js';
import { seededRandom } from '../support/seeded-random.js';
import { grpcExport, post, startReceiver, type RunningReceiver } from './receiver-harness.js';
import { sdkTraceBodies } from './sdk-payloads.js';

/** The bound: no export waits longer than an SDK exporter's 10 s timeout. */
const STALL_MS = 10_000;
const SEED = Number(process.env.HOSTILE_SEED ?? 20261206);
const PROTOBUF = { 'content-type': 'application/x-protobuf' };

let running: RunningReceiver | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await running?.close();
  running = undefined;
});

interface Ending {
  /** What the receiver sent before the connection ended. */
  received: Buffer;
  /** False when the client gave up at STALL_MS: the receiver never ended the connection. */
  endedByReceiver: boolean;
}

/**
 * Connects, writes `at once`, then `bytes` one at a time every `everyMs`, until the receiver ends
 * the connection.
 */
function dribble(port: number, bytes: Buffer, everyMs: number, atOnce = Buffer.alloc(0)): Promise<Ending> {
  return new Promise((done) => {
    const socket = connect(port, '127.0.0.1');
    sockets.push(socket);
    if (atOnce.length > 0) socket.write(atOnce);
    let received = Buffer.alloc(0);
    let sent = 0;
    const finish = (endedByReceiver: boolean) => {
      clearInterval(drip);
      clearTimeout(giveUp);
      socket.destroy();
      done({ received, endedByReceiver });
    };
    const drip = setInterval(() => {
      if (sent < bytes.length && socket.writable) socket.write(bytes.subarray(sent, ++sent));
    }, everyMs);
    const giveUp = setTimeout(() => finish(false), STALL_MS);
    socket.on('data', (data) => (received = Buffer.concat([received, data])));
    socket.on('error', () => undefined);
    socket.on('close', () => finish(true));
  });
}

/** Good exports over OTLP/HTTP, one after another, each bounded; resolves with their statuses. */
async function exportsOverHttp(url: string, count: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i++) {
    const reply = await fetch(`${url}/v1/traces`, {
      method: 'POST',
      headers: PROTOBUF,
      body: sdkTraceBodies().protobuf,
      signal: AbortSignal.timeout(STALL_MS),
    });
    statuses.push(reply.status);
  }
  return statuses;
}

describe('slowloris over OTLP/HTTP', () => {
  it('keeps answering exports while clients dribble headers and bodies, and cuts each dribbler off with 408', async () => {
    running = await startReceiver({ httpRequestTimeoutMs: 1_500 });
    const port = Number(new URL(running.httpUrl).port);
    const body = Buffer.from(sdkTraceBodies().protobuf);
    const head = (length: number) =>
      `POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/x-protobuf\r\nContent-Length: ${length}\r\n\r\n`;
    // Headers a byte every 50 ms take ~6 s, past the headers timeout; the body would take longer still.
    const headerDribblers = Array.from({ length: 10 }, () =>
      dribble(port, Buffer.concat([Buffer.from(head(body.length)), body]), 50),
    );
    const bodyDribblers = Array.from({ length: 10 }, () =>
      dribble(port, body, 50, Buffer.from(head(body.length))),
    );
    const statuses = await exportsOverHttp(running.httpUrl, 20);
    expect(statuses).toEqual(Array(20).fill(200));
    for (const ending of await Promise.all([...headerDribblers, ...bodyDribblers])) {
      expect(ending.endedByReceiver).toBe(true);
      expect(ending.received.toString('latin1')).toMatch(/^HTTP\/1\.1 408/);
    }
    expect(running.sink.spans.length).toBeGreaterThan(0);
  }, 30_000);

  it('answers a client whose body stops short with 408 at the request timeout, never keeping the connection', async () => {
    running = await startReceiver({ httpRequestTimeoutMs: 1_500 });
    const port = Number(new URL(running.httpUrl).port);
    const body = Buffer.from(sdkTraceBodies().protobuf);
    const request = Buffer.from(
      `POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/x-protobuf\r\nContent-Length: ${body.length + 1000}\r\n\r\n`,
    );
    const ending = await dribble(port, Buffer.concat([request, body]), 1);
    expect(ending.endedByReceiver).toBe(true);
    expect(ending.received.toString('latin1')).toMatch(/^HTTP\/1\.1 408/);
  }, 30_000);
});

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n');
const SETTINGS = frame(4, 0, 0, Buffer.alloc(0));

/** One HTTP/2 frame; `length` may lie about the payload. */
function frame(
  type: number,
  flags: number,
  stream: number,
  payload: Buffer,
  length = payload.length,
): Buffer {
  const header = Buffer.alloc(9);
  header.writeUIntBE(length, 0, 3);
  header[3] = type;
  header[4] = flags;
  header.writeUInt32BE(stream, 5);
  return Buffer.concat([header, payload]);
}

/** The error code of the first GOAWAY frame the server sent, if any. */
function goawayCode(received: Buffer): number | undefined {
  for (let offset = 0; offset + 9 <= received.length;) {
    const length = received.readUIntBE(offset, 3);
    if (received[offset + 3] === 7 && offset + 17 <= received.length)
      return received.readUInt32BE(offset + 13);
    offset += 9 + length;
  }
  return undefined;
}

/** Sends `bytes` at once; resolves when the server sends GOAWAY or closes (or at STALL_MS). */
function sendGarbage(port: number, bytes: Buffer): Promise<{ goaway?: number; answered: boolean }> {
  return new Promise((done) => {
    const socket = connect(port, '127.0.0.1');
    sockets.push(socket);
    let received = Buffer.alloc(0);
    const finish = (answered: boolean) => {
      clearTimeout(giveUp);
      socket.destroy();
      const goaway = goawayCode(received);
      done({ ...(goaway !== undefined ? { goaway } : {}), answered });
    };
    const giveUp = setTimeout(() => finish(false), STALL_MS);
    socket.on('data', (data) => {
      received = Buffer.concat([received, data]);
      if (goawayCode(received) !== undefined) finish(true);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => finish(true));
    socket.write(bytes);
  });
}

/** HTTP/2 error codes (RFC 9113 §7). */
const PROTOCOL_ERROR = 1;
const FRAME_SIZE_ERROR = 6;
const COMPRESSION_ERROR = 9;

describe('the gRPC port', () => {
  it('answers HTTP/2 protocol violations with GOAWAY naming the error, and still takes a real export', async () => {
    running = await startReceiver();
    const port = Number(running.grpcAddress.split(':')[1]);
    const cases: [string, Buffer, number][] = [
      // Longer than the 16 KiB maximum frame size every HTTP/2 peer starts with.
      [
        'a 16 MiB frame',
        Buffer.concat([PREFACE, SETTINGS, frame(0, 0, 1, Buffer.alloc(64), 0xffffff)]),
        FRAME_SIZE_ERROR,
      ],
      [
        'DATA on stream 0',
        Buffer.concat([PREFACE, SETTINGS, frame(0, 0, 0, Buffer.alloc(10))]),
        PROTOCOL_ERROR,
      ],
      [
        'a SETTINGS frame of 5 bytes',
        Buffer.concat([PREFACE, frame(4, 0, 0, Buffer.alloc(5))]),
        FRAME_SIZE_ERROR,
      ],
      [
        'headers that are not HPACK',
        Buffer.concat([PREFACE, SETTINGS, frame(1, 4, 1, Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]))]),
        COMPRESSION_ERROR,
      ],
    ];
    for (const [name, bytes, code] of cases) {
      expect(await sendGarbage(port, bytes), name).toEqual({ goaway: code, answered: true });
    }
    const body = sdkTraceBodies();
    expect((await grpcExport(running.grpcAddress, 'trace', body.protobuf)).error).toBeUndefined();
    expect(running.sink.spans.filter((span) => span.traceId === body.traceId)).toHaveLength(body.spanCount);
  }, 60_000);

  it(`ends each of 200 connections of seeded garbage (seed ${SEED}) and bad prefaces, answering real exports in between`, async () => {
    // Frames that happen to be valid leave a connection with no call: the idle limit ends those.
    running = await startReceiver({ grpcIdleTimeoutMs: 1_000 });
    const port = Number(running.grpcAddress.split(':')[1]);
    const random = seededRandom(SEED);
    const garbage = (length: number) => Buffer.from(Array.from({ length }, () => Math.floor(random() * 256)));
    const inputs = Array.from({ length: 200 }, (_, i) => {
      const kind = i % 4;
      if (kind === 0) return garbage(1 + Math.floor(random() * 200));
      if (kind === 1)
        return Buffer.from(`POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc`);
      // A real preface, then frames of random type, flags, stream and payload.
      const frames = Array.from({ length: 1 + Math.floor(random() * 4) }, () =>
        frame(
          Math.floor(random() * 12),
          Math.floor(random() * 256),
          Math.floor(random() * 4),
          garbage(Math.floor(random() * 40)),
        ),
      );
      return Buffer.concat([PREFACE, ...(kind === 2 ? [SETTINGS] : []), ...frames]);
    });
    const results: { answered: boolean }[] = [];
    for (let i = 0; i < inputs.length; i += 20) {
      const batch = inputs.slice(i, i + 20).map((bytes) => sendGarbage(port, bytes));
      const body = sdkTraceBodies();
      expect((await grpcExport(running.grpcAddress, 'trace', body.protobuf)).error).toBeUndefined();
      results.push(...(await Promise.all(batch)));
    }
    expect(running.lines.filter((line) => line.includes('unexpected failure'))).toEqual([]);
    expect((await post(`${running.httpUrl}/v1/traces`, sdkTraceBodies().protobuf, PROTOBUF)).status).toBe(
      200,
    );
    expect(results.filter((result) => !result.answered)).toEqual([]);
  }, 120_000);

  it('closes connections that never finish the preface or send no call, at the idle limit, while serving real exports', async () => {
    running = await startReceiver({ grpcIdleTimeoutMs: 1_000 });
    const port = Number(running.grpcAddress.split(':')[1]);
    // 24 bytes at one per 200 ms: ~5 s for the preface, far past the 1 s idle limit.
    const slow = Array.from({ length: 10 }, () => dribble(port, PREFACE, 200));
    const idle = Array.from({ length: 10 }, () => dribble(port, Buffer.concat([PREFACE, SETTINGS]), 1));
    for (let i = 0; i < 5; i++) {
      expect(
        (await grpcExport(running.grpcAddress, 'trace', sdkTraceBodies().protobuf)).error,
      ).toBeUndefined();
    }
    for (const ending of await Promise.all([...slow, ...idle])) expect(ending.endedByReceiver).toBe(true);
  }, 30_000);

  it('answers a call whose request is dribbled DEADLINE_EXCEEDED at the request limit, stores none of it, and goes on taking exports', async () => {
    running = await startReceiver({ grpcRequestTimeoutMs: 1_000 });
    const body = sdkTraceBodies();
    // The whole call would take ~50 s at a byte per 20 ms; the limit answers it after 1 s.
    const dribbled = await dribbleCall(running.grpcAddress, body.protobuf, 20);
    expect(dribbled).toEqual({
      status: '4',
      message: 'the request did not arrive whole within 1 s of its headers; send it again',
    });
    expect(running.sink.spans.filter((span) => span.traceId === body.traceId)).toEqual([]);
    // A call sent in two halves well within the limit is taken whole.
    const split = sdkTraceBodies();
    expect(await dribbleCall(running.grpcAddress, split.protobuf, 300, 2)).toMatchObject({ status: '0' });
    expect(running.sink.spans.filter((span) => span.traceId === split.traceId)).toHaveLength(split.spanCount);
    // The whole message but no end of stream: grpc-js would not run the handler, so the limit answers.
    const unended = sdkTraceBodies();
    expect(await dribbleCall(running.grpcAddress, unended.protobuf, 10, 1, false)).toMatchObject({
      status: '4',
    });
    expect(running.sink.spans.filter((span) => span.traceId === unended.traceId)).toEqual([]);
    expect((await grpcExport(running.grpcAddress, 'trace', sdkTraceBodies().protobuf)).error).toBeUndefined();
  }, 30_000);

  it('lets an export that arrived whole take longer than the request limit to be written', async () => {
    const slow = await startReceiver({ grpcRequestTimeoutMs: 300 }, new SlowSink(1_000));
    try {
      const body = sdkTraceBodies();
      expect((await grpcExport(slow.grpcAddress, 'trace', body.protobuf)).error).toBeUndefined();
      expect(slow.sink.spans.filter((span) => span.traceId === body.traceId)).toHaveLength(body.spanCount);
    } finally {
      await slow.close();
    }
  }, 30_000);
});

/** A sink whose writes take `delayMs`, as the writer thread's do under load. */
class SlowSink {
  readonly spans: Span[] = [];
  constructor(private readonly delayMs: number) {}
  async writeSpans(spans: Span[]): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    this.spans.push(...spans);
  }
  async writeLogs(_logs: LogRecord[]): Promise<void> {}
}

/**
 * One OTLP/gRPC trace export whose framed request is written in `pieces` equal parts (one byte each
 * by default), one every `everyMs`, then the stream ended (unless `endStream` is false). Resolves with the grpc-status the server answered, or at
 * STALL_MS with none: a server that waits for the bytes forever.
 */
function dribbleCall(
  address: string,
  request: Uint8Array,
  everyMs: number,
  pieces?: number,
  endStream = true,
): Promise<{ status?: string; message?: string }> {
  const framed = Buffer.alloc(5 + request.length);
  framed.writeUInt32BE(request.length, 1);
  framed.set(request, 5);
  const size = pieces === undefined ? 1 : Math.ceil(framed.length / pieces);
  return new Promise((done) => {
    const session = connectHttp2(`http://${address}`);
    session.on('error', () => undefined);
    const stream = session.request({
      ':method': 'POST',
      ':path': '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
      'content-type': 'application/grpc',
      te: 'trailers',
    });
    stream.on('error', () => undefined);
    let sent = 0;
    const answer: { status?: string; message?: string } = {};
    const finish = () => {
      clearInterval(drip);
      clearTimeout(giveUp);
      stream.destroy();
      session.destroy();
      done(answer);
    };
    const read = (headers: Record<string, unknown>) => {
      if (headers['grpc-status'] !== undefined) answer.status = String(headers['grpc-status']);
      if (headers['grpc-message'] !== undefined)
        answer.message = decodeURIComponent(String(headers['grpc-message']));
      if (answer.status !== undefined) finish();
    };
    stream.on('response', read);
    stream.on('trailers', read);
    stream.on('data', () => undefined);
    const drip = setInterval(() => {
      if (sent >= framed.length) return;
      const end = Math.min(framed.length, sent + size);
      stream.write(framed.subarray(sent, end));
      sent = end;
      if (sent === framed.length && endStream) stream.end();
    }, everyMs);
    const giveUp = setTimeout(finish, STALL_MS);
  });
}
