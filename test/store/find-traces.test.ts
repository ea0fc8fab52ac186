import { describe, expect, it } from 'vitest';
import type { TraceQuery } from '../../src/model/index.js';
import type { TraceStore } from '../../src/store/index.js';
import { TRACE_START_NANOS, buildTrace } from '../support/trace-builder.js';
import { openTestStore } from './store-fixture.js';

const id = (n: number): string => n.toString(16).padStart(32, '0');
const T1 = id(1);
const T2 = id(2);
const T3 = id(3);
const T4 = id(4);
const T5 = id(5);
const LONG_STATEMENT = `SELECT ${Array.from({ length: 40 }, (_, index) => `column_${index}`).join(', ')} FROM orders`;

/** Five traces one second apart, T1 oldest; each filter below singles out some of them. */
function writeTraces(store: TraceStore): void {
  const traces = [
    buildTrace(
      {
        name: 'POST /checkout',
        service: 'frontend',
        kind: 'server',
        durationMs: 300,
        attributes: { 'http.request.method': 'POST', 'http.response.status_code': 500 },
        children: [
          {
            name: 'charge',
            service: 'payment',
            kind: 'server',
            startMs: 10,
            durationMs: 250,
            status: 'error',
            attributes: { 'http.response.status_code': 500, 'payment.retry': true },
          },
        ],
      },
      T1,
    ),
    buildTrace(
      {
        name: 'GET /cart',
        service: 'frontend',
        startMs: 1000,
        durationMs: 40,
        children: [
          {
            name: 'cart.get',
            service: 'cart',
            startMs: 1005,
            durationMs: 30,
            attributes: { 'http.response.status_code': '200', 'user.id': 'u-1', 'cart.items': 3 },
          },
        ],
      },
      T2,
    ),
    buildTrace(
      {
        name: 'POST /checkout',
        service: 'frontend',
        kind: 'server',
        startMs: 2000,
        durationMs: 120,
        attributes: { 'http.response.status_code': 200 },
        children: [
          {
            name: 'charge',
            service: 'payment',
            startMs: 2010,
            durationMs: 50,
            status: 'ok',
            attributes: { 'payment.retry': 'true' },
          },
        ],
      },
      T3,
    ),
    buildTrace(
      {
        name: 'reserve',
        service: 'inventory',
        startMs: 3000,
        durationMs: 15,
        resourceAttributes: { 'deployment.environment': 'staging' },
        attributes: { 'db.statement': LONG_STATEMENT },
        children: [
          {
            name: 'db.query',
            startMs: 3002,
            durationMs: 5,
            resourceAttributes: { 'deployment.environment': 'staging' },
            attributes: { 'deployment.environment': 'prod' },
          },
        ],
      },
      T4,
    ),
    buildTrace({ name: 'GET /cart', service: 'frontend', startMs: 4000, durationMs: 10 }, T5),
  ];
  // Newest first, one batch per trace: arrival order must not be what orders the answer.
  for (const trace of traces.reverse()) store.writeSpans(trace.spans);
}

const at = (ms: number): bigint => TRACE_START_NANOS + BigInt(ms) * 1_000_000n;

const CASES: [string, Omit<TraceQuery, 'limit'> & { limit?: number }, string[]][] = [
  ['returns every trace, most recent first', {}, [T5, T4, T3, T2, T1]],
  ['stops at the limit, keeping the most recent', { limit: 2 }, [T5, T4]],
  ['finds the traces with a span of a service', { serviceName: 'payment' }, [T3, T1]],
  ['finds the traces with a span of an operation', { operationName: 'charge' }, [T3, T1]],
  ['needs service and operation on the same span', { serviceName: 'frontend', operationName: 'charge' }, []],
  [
    'matches an attribute number with a string value (200 finds "200")',
    { attributes: [{ key: 'http.response.status_code', value: 200 }] },
    [T3, T2],
  ],
  [
    'matches an attribute string with a number value ("200" finds 200)',
    { attributes: [{ key: 'http.response.status_code', value: '200' }] },
    [T3, T2],
  ],
  [
    'matches a decimal string with the integer it denotes ("3.0" finds 3)',
    { attributes: [{ key: 'cart.items', value: '3.0' }] },
    [T2],
  ],
  [
    'matches booleans and their text both ways',
    { attributes: [{ key: 'payment.retry', value: true }] },
    [T3, T1],
  ],
  ['matches the text of a boolean', { attributes: [{ key: 'payment.retry', value: 'true' }] }, [T3, T1]],
  [
    'combines service and attribute on one span',
    { serviceName: 'payment', attributes: [{ key: 'http.response.status_code', value: 500 }] },
    [T1],
  ],
  ['finds an attribute by presence alone', { attributes: [{ key: 'user.id' }] }, [T2]],
  [
    'needs every filter satisfied by the same span',
    { serviceName: 'frontend', attributes: [{ key: 'user.id' }] },
    [],
  ],
  ['answers nothing for a key no span has', { attributes: [{ key: 'no.such.key' }] }, []],
  ['answers nothing for a value no span has', { attributes: [{ key: 'user.id', value: 'u-2' }] }, []],
  ['bounds span duration from below', { minDurationMs: 100 }, [T3, T1]],
  ['bounds span duration from above', { maxDurationMs: 12 }, [T5, T4]],
  ['bounds span duration on both sides, inclusively', { minDurationMs: 120, maxDurationMs: 120 }, [T3]],
  [
    'applies duration bounds to the span of the service',
    { serviceName: 'payment', minDurationMs: 100 },
    [T1],
  ],
  ['finds traces with an error span', { status: 'error' }, [T1]],
  ['finds traces without an error span', { status: 'ok' }, [T5, T4, T3, T2]],
  ['combines a span filter with the error status', { serviceName: 'frontend', status: 'error' }, [T1]],
  [
    'keeps traces that start inside the window',
    { window: { startUnixNano: at(1000), endUnixNano: at(3000) } },
    [T4, T3, T2],
  ],
  [
    'combines the window with a span filter',
    { serviceName: 'frontend', window: { startUnixNano: at(1000), endUnixNano: at(3000) } },
    [T3, T2],
  ],
  [
    'excludes a trace whose start is before the window even when a span is inside',
    { serviceName: 'payment', window: { startUnixNano: at(5), endUnixNano: at(9000) } },
    [T3],
  ],
  [
    'matches a resource attribute when the span lacks it',
    { attributes: [{ key: 'deployment.environment', value: 'staging' }] },
    [T4],
  ],
  [
    'lets the span attribute override the resource one',
    { operationName: 'db.query', attributes: [{ key: 'deployment.environment', value: 'staging' }] },
    [],
  ],
  [
    'matches the overriding span attribute',
    { operationName: 'db.query', attributes: [{ key: 'deployment.environment', value: 'prod' }] },
    [T4],
  ],
  [
    'matches service.name as a resource attribute',
    { attributes: [{ key: 'service.name', value: 'payment' }] },
    [T3, T1],
  ],
  [
    'matches a string longer than the index keeps',
    { attributes: [{ key: 'db.statement', value: LONG_STATEMENT }] },
    [T4],
  ],
  [
    'does not match another long string',
    { attributes: [{ key: 'db.statement', value: `${LONG_STATEMENT} ` }] },
    [],
  ],
  ['finds a long-valued attribute by presence', { attributes: [{ key: 'db.statement' }] }, [T4]],
];

describe.each([
  ['collecting candidate spans, spans in the open bucket (judged from their JSON)', 5_000, false],
  ['walking traces newest first, spans in the open bucket', 0, false],
  ['collecting candidate spans, spans in closed buckets (found through the attribute postings)', 5_000, true],
  ['walking traces newest first, spans in closed buckets', 0, true],
] as const)('findTraces, %s', (_, searchCandidateLimit, sealed) => {
  it.each(CASES)('%s', (_name, query, expected) => {
    const { store } = openTestStore({ searchCandidateLimit });
    writeTraces(store);
    if (sealed) store.sealOpenBucket();
    const found = store.findTraces({ limit: 10, ...query });
    expect(found.map((summary) => summary.traceId)).toEqual(expected);
    const plan = store.lastSearchPlan().strategy;
    if (searchCandidateLimit === 0) expect(['walk', 'recent', 'empty']).toContain(plan);
    else expect(['collect', 'recent', 'empty']).toContain(plan);
  });
});

describe('findTraces results', () => {
  it('returns complete summaries with exact start times', () => {
    const { store } = openTestStore();
    writeTraces(store);
    expect(store.findTraces({ limit: 1, serviceName: 'payment', status: 'error' })).toEqual([
      {
        traceId: T1,
        rootServiceName: 'frontend',
        rootName: 'POST /checkout',
        startTimeUnixNano: TRACE_START_NANOS,
        durationMs: 300,
        spanCount: 2,
        errorCount: 1,
        services: ['frontend', 'payment'],
      },
    ]);
  });

  it('orders traces that start at the same nanosecond the same way every time', () => {
    const { store } = openTestStore();
    const ids = [id(11), id(12), id(13)];
    for (const traceId of ids) store.writeSpans(buildTrace({ name: 'same-start' }, traceId).spans);
    const first = store.findTraces({ limit: 10 }).map((summary) => summary.traceId);
    expect([...first].sort()).toEqual(ids);
    expect(
      store.findTraces({ limit: 10, operationName: 'same-start' }).map((summary) => summary.traceId),
    ).toEqual(first);
  });
});
