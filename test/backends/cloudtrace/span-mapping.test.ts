import { describe, expect, it } from 'vitest';
import {
  rfc3339ToNanos,
  spanFromV1,
  spansFromTraces,
} from '../../../src/backends/cloudtrace/span-mapping.js';
import { spanIdFromDecimal, spanIdToDecimal } from '../../../src/backends/cloudtrace/trace-v1.js';

const TRACE_ID = '0123456789abcdef0123456789abcdef';

describe('Cloud Trace v1 spans as model spans', () => {
  it('turns decimal uint64 span ids into 16 hex digits exactly, above 2^53 too', () => {
    expect(spanIdFromDecimal('18446744073709551615')).toBe('ffffffffffffffff');
    expect(spanIdFromDecimal('1')).toBe('0000000000000001');
    expect(spanIdToDecimal('f34b60a6c9e93527')).toBe('17531212243938129191');
    expect(spanIdFromDecimal(spanIdToDecimal('f34b60a6c9e93527'))).toBe('f34b60a6c9e93527');
  });

  it('reads RFC 3339 times to the nanosecond, with any number of digits and an offset', () => {
    expect(rfc3339ToNanos('2026-12-05T10:38:52.459000456Z')).toBe(1796467132459000456n);
    expect(rfc3339ToNanos('2026-12-05T10:38:52.5Z')).toBe(1796467132500000000n);
    expect(rfc3339ToNanos('2026-12-05T10:38:52Z')).toBe(1796467132000000000n);
    expect(rfc3339ToNanos('2026-12-05T11:38:52.000000001+01:00')).toBe(1796467132000000001n);
    expect(() => rfc3339ToNanos('yesterday')).toThrow(/not RFC 3339/);
  });

  it('maps the two RPC kinds and reads every other kind as INTERNAL', () => {
    const kind = (v1Kind?: string) => spanFromV1(TRACE_ID, { spanId: '1', kind: v1Kind }).kind;
    expect(kind('RPC_SERVER')).toBe('server');
    expect(kind('RPC_CLIENT')).toBe('client');
    expect(kind('SPAN_KIND_UNSPECIFIED')).toBe('internal');
    expect(kind(undefined)).toBe('internal');
  });

  it('gives a root span no parent, whether parentSpanId is absent or "0"', () => {
    expect(spanFromV1(TRACE_ID, { spanId: '1', parentSpanId: '0' }).parentSpanId).toBeUndefined();
    expect(spanFromV1(TRACE_ID, { spanId: '2', parentSpanId: '1' }).parentSpanId).toBe('0000000000000001');
  });

  it('builds a whole span: name, service, times, status, attributes, nothing v1 cannot hold', () => {
    const [span] = spansFromTraces([
      {
        traceId: TRACE_ID.toUpperCase(),
        spans: [
          {
            spanId: '5245831353435564977',
            kind: 'RPC_SERVER',
            name: 'POST /pay',
            startTime: '2026-12-05T10:38:52.454000456Z',
            endTime: '2026-12-05T10:38:52.504000456Z',
            parentSpanId: '13013102414422138443',
            labels: {
              '/http/route': '/pay',
              'service.name': 'payments',
              'g.co/status/code': '2',
              'g.co/status/message': 'card declined',
            },
          },
        ],
      },
    ]);
    expect(span).toEqual({
      traceId: TRACE_ID,
      spanId: '48ccefd285222bb1',
      parentSpanId: 'b497d3b31568de4b',
      name: 'POST /pay',
      kind: 'server',
      serviceName: 'payments',
      startTimeUnixNano: 1796467132454000456n,
      endTimeUnixNano: 1796467132504000456n,
      status: { code: 'error', message: 'card declined' },
      attributes: { 'http.route': '/pay' },
      droppedAttributesCount: 0,
      events: [],
      droppedEventsCount: 0,
      links: [],
      droppedLinksCount: 0,
      resource: { attributes: { 'service.name': 'payments' }, droppedAttributesCount: 0 },
      scope: { name: '', attributes: {}, droppedAttributesCount: 0 },
    });
  });

  it('ends a span without an end time where it starts', () => {
    const span = spanFromV1(TRACE_ID, { spanId: '1', startTime: '2026-12-05T10:38:52Z' });
    expect(span.endTimeUnixNano).toBe(span.startTimeUnixNano);
  });
});
