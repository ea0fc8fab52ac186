/** Collections: pass rate, verdicts per trace, failures by entry, coverage, duration percentiles. */
import { describe, expect, it } from 'vitest';
import {
  compareTraceToSpec,
  parseTraceSpec,
  percentile,
  summarizeCollection,
} from '../../src/tracespec/index.js';
import { errorOriginsOf } from '../../src/workflow/error-origins.js';
import { buildTrace, type SpanSketch } from '../support/trace-builder.js';

const spec = parseTraceSpec({
  name: 'checkout',
  expected_spans: [
    {
      operation_name: 'POST /checkout',
      children: [
        { operation_name: 'pay', expected_duration_ms: { max: 50 } },
        { operation_name: 'coupon.apply', count: { min: 0 } },
      ],
    },
  ],
});

const run = (payMs: number | undefined, coupon = false): SpanSketch => ({
  name: 'POST /checkout',
  durationMs: 200,
  children: [
    ...(payMs === undefined ? [] : [{ name: 'pay', durationMs: payMs }]),
    ...(coupon ? [{ name: 'coupon.apply', startMs: 1 }] : []),
  ],
});

describe('summarizeCollection', () => {
  const traces = [run(10), run(20, true), run(30), run(80), run(undefined)].map((sketch) =>
    buildTrace(sketch),
  );
  const items = traces.map((trace) => ({ traceId: trace.traceId, result: compareTraceToSpec(trace, spec) }));
  const summary = summarizeCollection(items, spec);

  it('counts verdicts and the pass rate', () => {
    expect(summary).toMatchObject({
      spec_name: 'checkout',
      trace_count: 5,
      passed: 3,
      failed: 2,
      pass_rate: 0.6,
    });
    expect(summary.traces.map((trace) => trace.matches)).toEqual([true, true, true, false, false]);
    expect(summary.traces[3]?.first_violation).toBe(
      'POST /checkout > pay: `pay` (test-service) took 80 ms against a 50 ms max',
    );
  });

  it('says which entries failed, in how many traces, and how', () => {
    expect(summary.failures).toEqual([
      {
        path: 'POST /checkout > pay',
        failed_traces: 2,
        kinds: { duration: 1, missing: 1 },
        example: '`pay` (test-service) took 80 ms against a 50 ms max',
      },
    ]);
  });

  it('reports coverage of every entry, including those no trace exercised', () => {
    expect(summary.coverage).toEqual([
      { path: 'POST /checkout', exercised_traces: 5, rate: 1, spans: 5 },
      { path: 'POST /checkout > pay', exercised_traces: 4, rate: 0.8, spans: 4 },
      { path: 'POST /checkout > coupon.apply', exercised_traces: 1, rate: 0.2, spans: 1 },
    ]);
    const none = summarizeCollection([items[0] as (typeof items)[number]], spec);
    expect(none.unexercised).toEqual(['POST /checkout > coupon.apply']);
  });

  it('gives nearest-rank duration percentiles per entry', () => {
    expect(summary.durations.find((duration) => duration.path === 'POST /checkout > pay')).toEqual({
      path: 'POST /checkout > pay',
      samples: 4,
      p50_ms: 20,
      p95_ms: 80,
      p99_ms: 80,
      max_ms: 80,
    });
  });

  it('counts every span of an entry in its percentiles when the comparisons give them all: past the listed matches and over its count', () => {
    const loopSpec = parseTraceSpec({
      name: 'loop',
      expected_spans: [
        { operation_name: 'GET /items', children: [{ operation_name: 'SELECT item', count: { max: 2 } }] },
      ],
    });
    // 60 queries a trace: more than the 50 matches a comparison lists, and 58 over the count.
    const loop = (ms: number) =>
      buildTrace({
        name: 'GET /items',
        durationMs: 5_000,
        children: Array.from({ length: 60 }, (_, i) => ({
          name: 'SELECT item',
          startMs: i,
          durationMs: i < 59 ? ms : 900,
        })),
      });
    const traces = [loop(10), loop(20)];
    const query = 'GET /items > SELECT item';
    const all = summarizeCollection(
      traces.map((trace) => ({
        traceId: trace.traceId,
        result: compareTraceToSpec(trace, loopSpec, { allDurations: true }),
      })),
      loopSpec,
    );
    expect(all.durations.find((duration) => duration.path === query)).toMatchObject({
      samples: 120,
      max_ms: 900,
    });
    // Without them, only the spans the count allowed are sampled: the slow last query of each is missed.
    const listed = summarizeCollection(
      traces.map((trace) => ({ traceId: trace.traceId, result: compareTraceToSpec(trace, loopSpec) })),
      loopSpec,
    );
    expect(listed.durations.find((duration) => duration.path === query)).toMatchObject({
      samples: 4,
      max_ms: 20,
    });
  });

  it('counts an error chain where it started: a span that only passed the failure on is not an entry failing of its own', () => {
    const failing = buildTrace({
      name: 'POST /checkout',
      durationMs: 200,
      status: 'error',
      children: [{ name: 'pay', durationMs: 10, status: 'error', statusMessage: 'card declined' }],
    });
    const result = compareTraceToSpec(failing, spec, { errorOrigins: errorOriginsOf(failing) });
    expect(result.violations.filter((violation) => violation.kind === 'unexpected_error')).toHaveLength(2);
    const chained = summarizeCollection([{ traceId: failing.traceId, result }], spec);
    expect(chained.failures.map((failure) => failure.path)).toEqual(['POST /checkout > pay']);
    expect(chained.traces[0]?.first_violation).toMatch(
      /^POST \/checkout > pay: `pay` .* ERROR: card declined/,
    );
  });

  it('lists a trace of another flow (a health check) without counting it, but counts a near miss as failing', () => {
    const health = buildTrace({ name: 'GET /health', durationMs: 1 });
    const elsewhere = buildTrace({ ...run(10), name: 'POST /checkouts' });
    const withOthers = summarizeCollection(
      [...items, health, elsewhere].map((item) =>
        'result' in item ? item : { traceId: item.traceId, result: compareTraceToSpec(item, spec) },
      ),
      spec,
    );
    expect(withOthers).toMatchObject({
      trace_count: 7,
      not_exercising: 1,
      passed: 3,
      failed: 3,
      pass_rate: 0.5,
    });
    expect(withOthers.traces.find((trace) => trace.trace_id === health.traceId)?.exercised).toBe(false);
    expect(withOthers.failures.find((failure) => failure.path === 'POST /checkout')?.failed_traces).toBe(1);
  });

  it('does not count a health check whose span has the spec’s generic name but another route', () => {
    // Go's otelhttp.NewHandler(mux, "server") names every server span alike: the route tells them apart.
    const generic = parseTraceSpec({
      name: 'loans',
      expected_spans: [
        {
          operation_name: 'server',
          required_tags: { 'http.route': '/loans' },
          children: [{ operation_name: 'db.insert' }],
        },
      ],
    });
    const loan = buildTrace({
      name: 'server',
      attributes: { 'http.route': '/loans' },
      children: [{ name: 'db.insert' }],
    });
    const health = buildTrace({ name: 'server', attributes: { 'http.route': '/health' } });
    const summary = summarizeCollection(
      [loan, health].map((trace) => ({ traceId: trace.traceId, result: compareTraceToSpec(trace, generic) })),
      generic,
    );
    expect(summary).toMatchObject({ trace_count: 2, not_exercising: 1, passed: 1, failed: 0 });
  });

  it('counts a forbidden span that is present as exercising its count-0 entry, with its span', () => {
    const forbidding = parseTraceSpec({
      name: 'checkout',
      expected_spans: [
        { operation_name: 'POST /checkout', children: [{ operation_name: 'inventory.call', count: 0 }] },
      ],
    });
    const clean = buildTrace({ name: 'POST /checkout' });
    const calling = buildTrace({ name: 'POST /checkout', children: [{ name: 'inventory.call' }] });
    const summary = summarizeCollection(
      [clean, calling].map((trace) => ({
        traceId: trace.traceId,
        result: compareTraceToSpec(trace, forbidding),
      })),
      forbidding,
    );
    expect(summary.failures.map((failure) => [failure.path, failure.failed_traces])).toEqual([
      ['POST /checkout > inventory.call', 1],
    ]);
    // The entry that failed in a trace was exercised there: never both "failed" and "never exercised".
    expect(summary.unexercised).toEqual([]);
    expect(summary.coverage[1]).toEqual({
      path: 'POST /checkout > inventory.call',
      exercised_traces: 1,
      rate: 0.5,
      spans: 1,
    });
  });

  it('counts the spans an entry has beneath its parent’s near miss and over its count', () => {
    const nested = parseTraceSpec({
      name: 'reserve',
      expected_spans: [
        {
          operation_name: 'inventory.reserve',
          service_name: 'inventory-service',
          children: [{ operation_name: 'SELECT inventory', count: { min: 1, max: 2 } }],
        },
      ],
    });
    const select = { name: 'SELECT inventory', service: 'inventory-service' };
    const placed = buildTrace({
      name: 'inventory.reserve',
      service: 'inventory-service',
      children: [select],
    });
    // inventory.reserve in another service (a near miss): its SELECT is there, beneath it.
    const misplaced = buildTrace({ name: 'inventory.reserve', service: 'order-service', children: [select] });
    const loop = buildTrace({
      name: 'inventory.reserve',
      service: 'inventory-service',
      children: [select, select, select, select, select],
    });
    const summary = summarizeCollection(
      [placed, misplaced, loop].map((trace) => ({
        traceId: trace.traceId,
        result: compareTraceToSpec(trace, nested),
      })),
      nested,
    );
    expect(summary.coverage[1]).toEqual({
      path: 'inventory.reserve > SELECT inventory',
      exercised_traces: 3,
      rate: 1,
      spans: 7,
    });
  });

  it('summarizes an empty collection without dividing by zero', () => {
    expect(summarizeCollection([], spec)).toMatchObject({
      trace_count: 0,
      pass_rate: 0,
      mean_score: 0,
      durations: [],
    });
  });

  it('computes nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, index) => index + 1);
    expect([
      percentile(values, 50),
      percentile(values, 95),
      percentile(values, 99),
      percentile([], 50),
    ]).toEqual([50, 95, 99, 0]);
  });
});
