import { describe, expect, it } from 'vitest';
import { OtelMcpError, type Span, type TraceQuery } from '../../src/model/index.js';
import { buildTrace } from '../support/trace-builder.js';
import { openTestStore } from './store-fixture.js';

/** The call fails with INVALID_ARGUMENT and a message naming `mentions`, never with an SQLite or type error. */
function expectInvalid(call: () => unknown, mentions: RegExp): void {
  let thrown: unknown;
  try {
    call();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(OtelMcpError);
  expect((thrown as OtelMcpError).code).toBe('INVALID_ARGUMENT');
  expect((thrown as OtelMcpError).message).toMatch(mentions);
}

describe('trace id prefixes', () => {
  const ids = ['ab12' + '0'.repeat(27) + '1', 'ab12' + 'f'.repeat(28), 'ab13' + '0'.repeat(27) + '1'];

  it('lists the stored ids that start with a prefix, so a caller can report an ambiguous one', () => {
    const { store } = openTestStore();
    for (const traceId of ids) store.writeSpans(buildTrace({ name: 'op' }, traceId).spans);
    expect(store.resolveTraceIdPrefix('ab12', 10)).toEqual([ids[0], ids[1]]);
    expect(store.resolveTraceIdPrefix('ab1', 10)).toEqual(ids);
    expect(store.resolveTraceIdPrefix('ab1', 2)).toEqual([ids[0], ids[1]]);
    expect(store.resolveTraceIdPrefix('AB13', 10)).toEqual([ids[2]]);
    expect(store.resolveTraceIdPrefix(ids[1] as string, 10)).toEqual([ids[1]]);
    expect(store.resolveTraceIdPrefix('cd', 10)).toEqual([]);
  });

  it('refuses a prefix that is not hex, or a limit out of range', () => {
    const { store } = openTestStore();
    expectInvalid(() => store.resolveTraceIdPrefix('xyz', 10), /xyz/);
    expectInvalid(() => store.resolveTraceIdPrefix('', 10), /prefix/);
    expectInvalid(() => store.resolveTraceIdPrefix('a'.repeat(33), 10), /prefix/);
    expectInvalid(() => store.resolveTraceIdPrefix('ab', 0), /limit/);
  });
});

describe('bad input', () => {
  it('refuses a trace id of the wrong shape with a message naming it', () => {
    const { store } = openTestStore();
    expectInvalid(() => store.getTrace('not-a-trace-id'), /not-a-trace-id/);
    expectInvalid(() => store.getTrace('abc'), /'abc'/);
    expectInvalid(() => store.getTrace('0'.repeat(32)), /0{32}/);
    expectInvalid(() => store.getTrace("' OR 1=1 --"), /OR 1=1/);
    expectInvalid(() => store.getTrace(42 as unknown as string), /42/);
    expectInvalid(() => store.getSpan('a'.repeat(32), 'short'), /short/);
    expectInvalid(() => store.getLogs({ traceId: 'nope', limit: 5 }), /nope/);
  });

  it('accepts a pasted id with surrounding space and capitals', () => {
    const { store } = openTestStore();
    const trace = buildTrace({ name: 'op' });
    store.writeSpans(trace.spans);
    expect(store.getTrace(`  ${trace.traceId.toUpperCase()}\n`)).toEqual(trace);
  });

  it('refuses a whole batch when one span is malformed, storing none of it', () => {
    const { store } = openTestStore();
    const trace = buildTrace({ name: 'root', children: [{ name: 'child' }] });
    const bad: Span = { ...(trace.spans[1] as Span), spanId: 'XYZ' };
    expectInvalid(() => store.writeSpans([trace.spans[0] as Span, bad]), /span #1 \('child'/);
    expect(store.stats().spanCount).toBe(0);
    expect(store.getTrace(trace.traceId)).toBeUndefined();
  });

  it('refuses times SQLite cannot hold exactly, and times that are not bigints', () => {
    const { store } = openTestStore();
    const span = buildTrace({ name: 'op' }).spans[0] as Span;
    expectInvalid(() => store.writeSpans([{ ...span, endTimeUnixNano: 1n << 63n }]), /end time/);
    expectInvalid(
      () => store.writeSpans([{ ...span, startTimeUnixNano: 1_764_000_000_000 as unknown as bigint }]),
      /start time/,
    );
    expectInvalid(() => store.writeSpans([{ ...span, parentSpanId: '' }]), /parent span id/);
    expectInvalid(() => store.writeSpans([{ ...span, traceId: span.traceId.toUpperCase() }]), /trace id/);
    expectInvalid(
      () => store.writeSpans([{ ...span, resource: undefined as unknown as Span['resource'] }]),
      /resource/,
    );
  });

  it('refuses what a span message cannot hold: a link to an invalid id, a count outside 32 bits', () => {
    const { store } = openTestStore();
    const span = buildTrace({ name: 'op' }).spans[0] as Span;
    const link = { traceId: 'ABC', spanId: span.spanId, attributes: {}, droppedAttributesCount: 0 };
    expectInvalid(() => store.writeSpans([{ ...span, links: [link] }]), /link #0 points to trace 'ABC'/);
    expectInvalid(() => store.writeSpans([{ ...span, droppedAttributesCount: -3 }]), /dropped count/);
    expectInvalid(() => store.writeSpans([{ ...span, flags: 2 ** 32 }]), /flags value/);
    expect(store.stats().spanCount).toBe(0);
  });

  it('stores and reads back a span that ends before it starts, which only a receiver refuses', () => {
    const { store } = openTestStore();
    const span = buildTrace({ name: 'op' }).spans[0] as Span;
    const backwards = { ...span, endTimeUnixNano: span.startTimeUnixNano - 1_000n };
    store.writeSpans([backwards]);
    expect(store.getTrace(span.traceId)?.spans).toStrictEqual([backwards]);
  });

  it('refuses a malformed log record', () => {
    const { store } = openTestStore();
    const log = {
      timeUnixNano: -1n,
      observedTimeUnixNano: 0n,
      severityNumber: 9,
      body: 'x',
      attributes: {},
      droppedAttributesCount: 0,
      serviceName: 's',
      resource: { attributes: {}, droppedAttributesCount: 0 },
      scope: { name: '', attributes: {}, droppedAttributesCount: 0 },
    };
    expectInvalid(() => store.writeLogs([log]), /log record #0 time/);
    expectInvalid(() => store.writeLogs([{ ...log, timeUnixNano: 0n, spanId: 'zz' }]), /span id 'zz'/);
  });

  const badQueries: [string, unknown, RegExp][] = [
    ['a limit of 0', { limit: 0 }, /limit 0/],
    ['a fractional limit', { limit: 2.5 }, /limit 2.5/],
    ['a missing limit', {}, /limit undefined/],
    [
      'a list as attribute value',
      { limit: 5, attributes: [{ key: 'k', value: [1, 2] }] },
      /'k' has a list value/,
    ],
    [
      'null as attribute value',
      { limit: 5, attributes: [{ key: 'k', value: null }] },
      /'k' has a null value/,
    ],
    ['an attribute filter without key', { limit: 5, attributes: [{ value: 1 }] }, /#0 has no key/],
    ['attributes that are not a list', { limit: 5, attributes: { key: 'k' } }, /not a list/],
    ['a negative duration', { limit: 5, minDurationMs: -1 }, /minDurationMs -1/],
    ['a duration that is not a number', { limit: 5, maxDurationMs: '5ms' }, /maxDurationMs 5ms/],
    ['crossed duration bounds', { limit: 5, minDurationMs: 10, maxDurationMs: 5 }, /exceeds/],
    ['an unknown status', { limit: 5, status: 'failed' }, /status 'failed'/],
    ['a window in numbers', { limit: 5, window: { startUnixNano: 1, endUnixNano: 2 } }, /window/],
    ['a reversed window', { limit: 5, window: { startUnixNano: 2n, endUnixNano: 1n } }, /window/],
    ['a service that is not a string', { limit: 5, serviceName: 7 }, /serviceName/],
  ];

  it.each(badQueries)('refuses a search with %s', (_, query, mentions) => {
    const { store } = openTestStore();
    expectInvalid(() => store.findTraces(query as TraceQuery), mentions);
  });

  it('answers a window beyond what int64 holds as if it were clamped', () => {
    const { store } = openTestStore();
    const trace = buildTrace({ name: 'op' });
    store.writeSpans(trace.spans);
    const found = store.findTraces({
      limit: 5,
      operationName: 'op',
      window: { startUnixNano: -(1n << 70n), endUnixNano: 1n << 70n },
    });
    expect(found.map((summary) => summary.traceId)).toEqual([trace.traceId]);
  });

  it('refuses writes on a read-only store, and reading a data dir that does not exist', () => {
    const { open } = openTestStore();
    const reader = open({ readOnly: true });
    expect(() => reader.writeSpans([])).toThrow(
      expect.objectContaining({ code: 'UNSUPPORTED', message: expect.stringMatching(/read-only/) }),
    );
    expect(() => open({ readOnly: true, dataDir: '/nonexistent/otel-mcp-data' })).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND', message: expect.stringMatching(/nonexistent/) }),
    );
  });

  it('refuses calls after close with a clear error', () => {
    const { store } = openTestStore();
    store.close();
    expect(() => store.getTrace('a'.repeat(32))).toThrow(
      expect.objectContaining({ code: 'BACKEND_UNAVAILABLE', message: expect.stringMatching(/closed/) }),
    );
  });
});
