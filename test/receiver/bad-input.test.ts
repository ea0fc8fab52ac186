/**
 * Every kind of bad export gets its documented answer (status, google.rpc.Status body in the request's
 * encoding), and the receiver still accepts a good export afterwards.
 */
import { status as GrpcStatus } from '@grpc/grpc-js';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OtelMcpError } from '../../src/model/index.js';
import { decodeOtlp, encodeOtlp, hex, toOtlpJson } from '../otlp/otlp-proto-schema.js';
import { grpcExport, post, startReceiver, type RunningReceiver } from './receiver-harness.js';

const PROTOBUF = { 'content-type': 'application/x-protobuf' };
const JSON_TYPE = { 'content-type': 'application/json' };
const MAX_BODY = 64 * 1024;

let nextSpanId = 1;

function traceRequest(spans: Record<string, unknown>[] = [goodSpan()]): Record<string, unknown> {
  return {
    resource_spans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { string_value: 'svc' } }] },
        scope_spans: [{ scope: { name: 's' }, spans }],
      },
    ],
  };
}

function goodSpan(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    trace_id: hex('4bf92f3577b34da6a3ce929d0e0e4736'),
    span_id: hex((nextSpanId++).toString(16).padStart(16, '0')),
    name: 'good',
    start_time_unix_nano: '1764000000000000000',
    end_time_unix_nano: '1764000000001000000',
    ...overrides,
  };
}

const protobufBody = (request = traceRequest()) => encodeOtlp('ExportTraceServiceRequest', request);
const jsonBody = (request = traceRequest()) => JSON.stringify(toOtlpJson(request));
const statusOf = (body: Buffer) => decodeOtlp('Status2', body) as { code: number; message: string };

describe('the OTLP/HTTP listener answering bad input', () => {
  let running: RunningReceiver;
  let url: string;

  beforeAll(async () => {
    running = await startReceiver({ maxBodyBytes: MAX_BODY });
    url = `${running.httpUrl}/v1/traces`;
  });

  afterAll(async () => {
    // Whatever came before, a good export is still accepted.
    const before = running.sink.spans.length;
    const reply = await post(url, protobufBody(), PROTOBUF);
    expect(reply.status).toBe(200);
    expect(running.sink.spans.length).toBe(before + 1);
    await running.close();
  });

  it('acknowledges a good protobuf export with an empty ExportTraceServiceResponse', async () => {
    const reply = await post(url, protobufBody(), PROTOBUF);
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toBe('application/x-protobuf');
    expect(reply.body.length).toBe(0);
  });

  it('acknowledges a good JSON export with {} in JSON', async () => {
    const reply = await post(url, jsonBody(), { 'content-type': 'application/json; charset=utf-8' });
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toBe('application/json');
    expect(JSON.parse(reply.body.toString())).toEqual({});
  });

  it('answers malformed protobuf with 400 and a google.rpc.Status saying where it broke', async () => {
    const body = protobufBody();
    const reply = await post(url, body.subarray(0, body.length - 5), PROTOBUF);
    expect(reply.status).toBe(400);
    expect(reply.headers.get('content-type')).toBe('application/x-protobuf');
    const status = statusOf(reply.body);
    expect(status.code).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(status.message).toMatch(
      /^invalid protobuf ExportTraceServiceRequest: truncated buffer at byte \d+ of field resource_spans\[0\]/,
    );
  });

  it('answers malformed JSON with 400 and a JSON status naming the problem', async () => {
    const reply = await post(url, '{"resourceSpans": [{"scopeSpans": 7}]}', JSON_TYPE);
    expect(reply.status).toBe(400);
    expect(JSON.parse(reply.body.toString())).toEqual({
      code: GrpcStatus.INVALID_ARGUMENT,
      message: expect.stringContaining(
        'resourceSpans[0].scopeSpans: expected an array, got number 7',
      ) as string,
    });
    const notJson = await post(url, 'this is not json', JSON_TYPE);
    expect(notJson.status).toBe(400);
    expect(notJson.body.toString()).toContain('invalid JSON in ExportTraceServiceRequest');
  });

  it('keeps the valid spans of a batch and reports the invalid ones in partialSuccess (protobuf)', async () => {
    const before = running.sink.spans.length;
    const request = traceRequest([goodSpan({ name: 'bad', trace_id: Buffer.alloc(16) }), goodSpan()]);
    const reply = await post(url, protobufBody(request), PROTOBUF);
    expect(reply.status).toBe(200);
    expect(decodeOtlp('ExportTraceServiceResponse', reply.body)).toEqual({
      partial_success: {
        rejected_spans: '1',
        error_message: expect.stringContaining('span "bad"') as string,
      },
    });
    expect(running.sink.spans.length).toBe(before + 1);
  });

  it('reports invalid spans in partialSuccess in JSON too', async () => {
    const request = traceRequest([goodSpan({ name: 'bad', span_id: hex('0102') })]);
    const reply = await post(url, jsonBody(request), JSON_TYPE);
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body.toString())).toEqual({
      partialSuccess: {
        rejectedSpans: '1',
        errorMessage: 'span "bad" (span id 0102) rejected: span id has 2 bytes, expected 8',
      },
    });
  });

  it('answers a body over the limit with 413, whether announced by Content-Length or streamed', async () => {
    const big = Buffer.alloc(MAX_BODY + 1);
    const announced = await post(url, big, PROTOBUF);
    expect(announced.status).toBe(413);
    expect(statusOf(announced.body)).toEqual({
      code: GrpcStatus.RESOURCE_EXHAUSTED,
      message: expect.stringContaining("exceeds the receiver's limit of 64 KiB") as string,
    });

    const chunks = [Buffer.alloc(MAX_BODY / 2), Buffer.alloc(MAX_BODY / 2), Buffer.alloc(1024)];
    const streamed = await fetch(url, {
      method: 'POST',
      headers: PROTOBUF,
      body: new ReadableStream({
        pull(controller) {
          const chunk = chunks.shift();
          if (chunk) controller.enqueue(chunk);
          else controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
  });

  it('answers a gzip bomb with 413 once the inflated body passes the limit', async () => {
    const bomb = gzipSync(Buffer.alloc(8 * 1024 * 1024)); // inflates to 128× the limit
    expect(bomb.length).toBeLessThan(MAX_BODY);
    const reply = await post(url, bomb, { ...PROTOBUF, 'content-encoding': 'gzip' });
    expect(reply.status).toBe(413);
    expect(statusOf(reply.body).message).toContain('the gunzipped request body exceeds');
  });

  it('accepts a gzipped body, and answers a corrupt one with 400', async () => {
    const good = await post(url, gzipSync(protobufBody()), { ...PROTOBUF, 'content-encoding': 'gzip' });
    expect(good.status).toBe(200);
    const corrupt = await post(url, Buffer.from('not gzip at all'), {
      ...PROTOBUF,
      'content-encoding': 'gzip',
    });
    expect(corrupt.status).toBe(400);
    expect(statusOf(corrupt.body).message).toContain('the body is not valid gzip');
  });

  it('answers an unsupported Content-Encoding with 415 naming the accepted ones', async () => {
    const reply = await post(url, protobufBody(), { ...PROTOBUF, 'content-encoding': 'br' });
    expect(reply.status).toBe(415);
    expect(statusOf(reply.body).message).toBe(
      'unsupported Content-Encoding "br": accepted are gzip, identity',
    );
  });

  it('answers a wrong or missing Content-Type with 415 naming the accepted types', async () => {
    const reply = await post(url, 'hello', { 'content-type': 'text/plain' });
    expect(reply.status).toBe(415);
    expect(JSON.parse(reply.body.toString()).message).toBe(
      'unsupported Content-Type text/plain on /v1/traces: accepted are application/x-protobuf and application/json',
    );
    const missing = await post(url, new Uint8Array([1, 2, 3]));
    expect(missing.status).toBe(415);
  });

  it('answers an unknown path with 404 listing the OTLP paths', async () => {
    const reply = await post(`${running.httpUrl}/v1/profiles`, protobufBody(), PROTOBUF);
    expect(reply.status).toBe(404);
    expect(statusOf(reply.body).message).toBe(
      'no OTLP endpoint at /v1/profiles: POST to /v1/traces, /v1/logs, /v1/metrics',
    );
  });

  it('answers a method other than POST with 405 and Allow: POST', async () => {
    const reply = await fetch(url);
    expect(reply.status).toBe(405);
    expect(reply.headers.get('allow')).toBe('POST');
  });

  it('shrugs off a client that disconnects halfway through its body', async () => {
    const socket = connect(Number(new URL(running.httpUrl).port), '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    socket.write(
      'POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\nContent-Length: 1000\r\n\r\n',
    );
    socket.write(Buffer.alloc(10));
    socket.destroy();
    await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    expect((await post(url, protobufBody(), PROTOBUF)).status).toBe(200);
    expect(running.lines.filter((line) => line.includes('unexpected failure'))).toEqual([]);
  });

  it('counts refused exports and remembers the last reason', () => {
    const stats = running.receiver.stats();
    expect(stats.exportsFailed).toBeGreaterThanOrEqual(8);
    expect(stats.spansRejected).toBe(2);
    expect(stats.lastError).toBeDefined();
  });
});

describe('the OTLP/gRPC listener answering bad input', () => {
  let running: RunningReceiver;

  beforeAll(async () => {
    running = await startReceiver({ maxBodyBytes: MAX_BODY });
  });

  afterAll(async () => {
    const reply = await grpcExport(running.grpcAddress, 'trace', protobufBody());
    expect(reply.error).toBeUndefined();
    await running.close();
  });

  it('acknowledges a good export with an empty response', async () => {
    const reply = await grpcExport(running.grpcAddress, 'trace', protobufBody());
    expect(reply.error).toBeUndefined();
    expect(reply.response?.length).toBe(0);
  });

  it('answers malformed protobuf with INVALID_ARGUMENT saying where it broke', async () => {
    const body = protobufBody();
    const reply = await grpcExport(running.grpcAddress, 'trace', body.subarray(0, body.length - 5));
    expect(reply.error?.code).toBe(GrpcStatus.INVALID_ARGUMENT);
    expect(reply.error?.details).toMatch(/truncated buffer at byte \d+ of field resource_spans\[0\]/);
  });

  it('reports invalid spans in partialSuccess and keeps the rest', async () => {
    const before = running.sink.spans.length;
    const reply = await grpcExport(
      running.grpcAddress,
      'trace',
      protobufBody(traceRequest([goodSpan({ name: 'bad', span_id: Buffer.alloc(8) }), goodSpan()])),
    );
    expect(decodeOtlp('ExportTraceServiceResponse', reply.response!)).toMatchObject({
      partial_success: { rejected_spans: '1' },
    });
    expect(running.sink.spans.length).toBe(before + 1);
  });

  it('answers a message over the limit with RESOURCE_EXHAUSTED, compressed or not', async () => {
    const plain = await grpcExport(running.grpcAddress, 'trace', Buffer.alloc(MAX_BODY + 1));
    expect(plain.error?.code).toBe(GrpcStatus.RESOURCE_EXHAUSTED);
    const bomb = await grpcExport(running.grpcAddress, 'trace', Buffer.alloc(8 * 1024 * 1024), {
      compress: true,
    });
    expect(bomb.error?.code).toBe(GrpcStatus.RESOURCE_EXHAUSTED);
  });

  it('accepts a gzip-compressed export', async () => {
    const before = running.sink.spans.length;
    const reply = await grpcExport(running.grpcAddress, 'trace', protobufBody(), { compress: true });
    expect(reply.error).toBeUndefined();
    expect(running.sink.spans.length).toBe(before + 1);
  });
});

describe('a sink that fails', () => {
  it('answers a batch the sink refuses as invalid with 400, which an SDK does not retry', async () => {
    const running = await startReceiver();
    try {
      running.sink.failure = new OtelMcpError(
        'INVALID_ARGUMENT',
        'span #0 has a value the store cannot hold',
      );
      const reply = await post(`${running.httpUrl}/v1/traces`, protobufBody(), PROTOBUF);
      expect(reply.status).toBe(400);
      expect(reply.headers.get('retry-after')).toBeNull();
      expect(statusOf(reply.body).message).toBe('span #0 has a value the store cannot hold');
      const grpcReply = await grpcExport(running.grpcAddress, 'trace', protobufBody());
      expect(grpcReply.error?.code).toBe(GrpcStatus.INVALID_ARGUMENT);
    } finally {
      await running.close();
    }
  });

  it('makes the export fail with a retryable 503 / UNAVAILABLE carrying the reason', async () => {
    const running = await startReceiver();
    try {
      running.sink.failure = new Error('database is locked');
      const reply = await post(`${running.httpUrl}/v1/traces`, protobufBody(), PROTOBUF);
      expect(reply.status).toBe(503);
      expect(reply.headers.get('retry-after')).toBe('1');
      expect(statusOf(reply.body)).toEqual({
        code: GrpcStatus.UNAVAILABLE,
        message: 'could not store 1 spans: database is locked (the export can be retried)',
      });
      const grpcReply = await grpcExport(running.grpcAddress, 'trace', protobufBody());
      expect(grpcReply.error?.code).toBe(GrpcStatus.UNAVAILABLE);
      expect(grpcReply.error?.details).toContain('database is locked');

      running.sink.failure = undefined;
      expect((await post(`${running.httpUrl}/v1/traces`, protobufBody(), PROTOBUF)).status).toBe(200);
      expect(running.lines.some((line) => line.includes('database is locked'))).toBe(true);
    } finally {
      await running.close();
    }
  });
});

describe('a client that sends less than it announced', () => {
  it('is cut off at the request timeout instead of holding the connection, and the receiver still answers others', async () => {
    const running = await startReceiver({ httpRequestTimeoutMs: 600 });
    try {
      const { port } = new URL(running.httpUrl);
      const socket = connect(Number(port), '127.0.0.1');
      socket.write(
        `POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/x-protobuf\r\nContent-Length: 1000\r\n\r\n0123456789`,
      );
      let answer = '';
      socket.on('data', (chunk) => (answer += chunk.toString()));
      // Resolves when the server ends the connection; the test timeout fails a server that never does.
      await new Promise((done) => socket.on('close', done));
      expect(answer).toMatch(/^HTTP\/1\.1 408/);
      const reply = await post(`${running.httpUrl}/v1/traces`, protobufBody(), PROTOBUF);
      expect(reply.status).toBe(200);
    } finally {
      await running.close();
    }
  }, 20_000);
});
