import { describe, expect, it } from 'vitest';
import { serverHalfSpanId, spansFromZipkin } from '../../../src/backends/zipkin/zipkin-mapping.js';
import type { ZipkinSpan } from '../../../src/backends/zipkin/zipkin-span.js';

const TRACE = 'a'.repeat(32);
const base: ZipkinSpan = {
  traceId: TRACE,
  id: '0000000000000001',
  name: 'get',
  timestamp: 1_700_000_000_000_123,
  duration: 2500,
  localEndpoint: { serviceName: 'web' },
};

describe('Zipkin spans mapped into the model', () => {
  it('turns microseconds into exact nanoseconds and pads a 64-bit trace id', () => {
    const [span] = spansFromZipkin([{ ...base, traceId: 'b'.repeat(16) }]);
    expect(span!.traceId).toBe(`${'0'.repeat(16)}${'b'.repeat(16)}`);
    expect(span!.startTimeUnixNano).toBe(1_700_000_000_000_123_000n);
    expect(span!.endTimeUnixNano).toBe(1_700_000_000_002_623_000n);
  });

  it('reads status from otel.status_code and the error tag, and does not keep them as attributes', () => {
    const [failed, ok, legacy] = spansFromZipkin([
      { ...base, tags: { 'otel.status_code': 'ERROR', error: 'card declined', 'http.route': '/pay' } },
      { ...base, id: '0000000000000002', tags: { 'otel.status_code': 'OK' } },
      { ...base, id: '0000000000000003', tags: { error: 'true' } },
    ]);
    expect(failed!.status).toEqual({ code: 'error', message: 'card declined' });
    expect(failed!.attributes).toEqual({ 'http.route': '/pay' });
    expect(ok!.status).toEqual({ code: 'ok' });
    expect(legacy!.status).toEqual({ code: 'error' });
  });

  it('keeps tags named __proto__ and constructor as attributes', () => {
    const tags = JSON.parse('{"__proto__": "x", "constructor": "c"}') as Record<string, string>;
    const [span] = spansFromZipkin([{ ...base, tags }]);
    expect(Object.entries(span!.attributes)).toEqual([
      ['__proto__', 'x'],
      ['constructor', 'c'],
    ]);
  });

  it('takes a span without kind as internal and the scope from otel.scope tags', () => {
    const [span] = spansFromZipkin([
      { ...base, tags: { 'otel.scope.name': 'lib', 'otel.scope.version': '2.0' } },
    ]);
    expect(span!.kind).toBe('internal');
    expect(span!.scope).toMatchObject({ name: 'lib', version: '2.0' });
  });

  it('names the remote endpoint by the side of the call', () => {
    const [client, server] = spansFromZipkin([
      { ...base, kind: 'CLIENT', remoteEndpoint: { serviceName: 'db', ipv4: '10.0.0.9', port: 5432 } },
      { ...base, id: '0000000000000002', kind: 'SERVER', remoteEndpoint: { ipv6: '::1', port: 50000 } },
    ]);
    expect(client!.attributes).toEqual({
      'peer.service': 'db',
      'server.address': '10.0.0.9',
      'server.port': 5432,
    });
    expect(server!.attributes).toEqual({ 'client.address': '::1', 'client.port': 50000 });
  });

  it('splits an annotation written as "name": {attributes} back into an event with attributes', () => {
    const [span] = spansFromZipkin([
      {
        ...base,
        annotations: [
          { timestamp: 1_700_000_000_000_200, value: '"exception": {"exception.type":"Boom","retries":2}' },
          { timestamp: 1_700_000_000_000_300, value: 'ws' },
        ],
      },
    ]);
    expect(span!.events).toEqual([
      {
        timeUnixNano: 1_700_000_000_000_200_000n,
        name: 'exception',
        attributes: { 'exception.type': 'Boom', retries: 2 },
        droppedAttributesCount: 0,
      },
      { timeUnixNano: 1_700_000_000_000_300_000n, name: 'ws', attributes: {}, droppedAttributesCount: 0 },
    ]);
  });

  it('gives the server half of a shared span its own id under the client half, moving its own children along', () => {
    const spans = spansFromZipkin([
      {
        ...base,
        id: '00000000000000c1',
        parentId: '0000000000000001',
        kind: 'CLIENT',
        localEndpoint: { serviceName: 'web' },
      },
      {
        ...base,
        id: '00000000000000c1',
        parentId: '0000000000000001',
        kind: 'SERVER',
        shared: true,
        localEndpoint: { serviceName: 'api' },
      },
      {
        ...base,
        id: '00000000000000d1',
        parentId: '00000000000000c1',
        localEndpoint: { serviceName: 'api' },
      },
    ]);
    const serverId = serverHalfSpanId(TRACE, '00000000000000c1');
    expect(spans.map((span) => [span.spanId, span.parentSpanId])).toEqual([
      ['00000000000000c1', '0000000000000001'],
      [serverId, '00000000000000c1'],
      ['00000000000000d1', serverId],
    ]);
  });
});
