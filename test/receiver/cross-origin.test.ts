/**
 * A browser page on another origin cannot export to the OTLP/HTTP receiver unless its origin is listed;
 * a listed origin gets the CORS answers a browser OTLP exporter needs; SDKs (no Origin) are unaffected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeOtlp, hex } from '../otlp/otlp-proto-schema.js';
import { post, startReceiver, type RunningReceiver } from './receiver-harness.js';

const LISTED = 'http://localhost:5173';
const PROTOBUF = { 'content-type': 'application/x-protobuf' };

const exportBody = () =>
  encodeOtlp('ExportTraceServiceRequest', {
    resource_spans: [
      {
        scope_spans: [
          {
            spans: [
              {
                trace_id: hex('4bf92f3577b34da6a3ce929d0e0e4736'),
                span_id: hex('00f067aa0ba902b7'),
                name: 'from a page',
                start_time_unix_nano: '1764000000000000000',
                end_time_unix_nano: '1764000000001000000',
              },
            ],
          },
        ],
      },
    ],
  });

function preflight(url: string, origin: string): Promise<Response> {
  return fetch(url, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type,content-encoding',
    },
  });
}

describe('cross-origin requests to the OTLP/HTTP receiver', () => {
  let running: RunningReceiver;
  let url: string;

  beforeAll(async () => {
    running = await startReceiver({ allowedOrigins: [LISTED] });
    url = `${running.httpUrl}/v1/traces`;
  });

  afterAll(async () => {
    await running.close();
  });

  it('refuses a POST from an unlisted origin with 403 saying how to allow it, and stores nothing', async () => {
    const reply = await post(url, exportBody(), { ...PROTOBUF, origin: 'http://evil.com' });
    expect(reply.status).toBe(403);
    expect(reply.headers.get('access-control-allow-origin')).toBeNull();
    expect(reply.body.toString()).toContain('cross-origin request from "http://evil.com" refused');
    expect(reply.body.toString()).toContain('receiver.allowed_origins');
    expect(running.sink.spans).toHaveLength(0);
  });

  it('does not grant a preflight from an unlisted origin', async () => {
    const reply = await preflight(url, 'http://evil.com');
    expect(reply.status).toBe(403);
    expect(reply.headers.get('access-control-allow-origin')).toBeNull();
    expect(reply.headers.get('access-control-allow-methods')).toBeNull();
  });

  it('grants a listed origin its preflight and accepts its export with CORS headers', async () => {
    const granted = await preflight(url, LISTED);
    expect(granted.status).toBe(204);
    expect(granted.headers.get('access-control-allow-origin')).toBe(LISTED);
    expect(granted.headers.get('access-control-allow-methods')).toBe('POST');
    expect(granted.headers.get('access-control-allow-headers')).toBe('content-type,content-encoding');
    const reply = await post(url, exportBody(), { ...PROTOBUF, origin: LISTED });
    expect(reply.status).toBe(200);
    expect(reply.headers.get('access-control-allow-origin')).toBe(LISTED);
    expect(reply.headers.get('vary')).toBe('Origin');
    expect(running.sink.spans.map((span) => span.name)).toEqual(['from a page']);
  });

  it('refuses every origin when none is configured, and still serves SDKs that send no Origin', async () => {
    const closed = await startReceiver();
    try {
      const refused = await post(`${closed.httpUrl}/v1/traces`, exportBody(), {
        ...PROTOBUF,
        origin: LISTED,
      });
      expect(refused.status).toBe(403);
      const sdk = await post(`${closed.httpUrl}/v1/traces`, exportBody(), PROTOBUF);
      expect(sdk.status).toBe(200);
      expect(sdk.headers.get('access-control-allow-origin')).toBeNull();
      expect(closed.sink.spans).toHaveLength(1);
    } finally {
      await closed.close();
    }
  });
});
