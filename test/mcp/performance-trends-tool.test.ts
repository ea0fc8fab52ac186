import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTrends, rowsFromSummaries } from '../../src/analysis/index.js';
import { createEmbeddedBackend } from '../../src/backends/embedded/embedded-backend.js';
import type { Span } from '../../src/model/index.js';
import { TRACE_START_NANOS, buildTrace, movedToNow } from '../support/trace-builder.js';
import { startHarness, type Harness } from '../support/mcp-harness.js';
import { expectCursorPagesEveryRow } from '../support/cursor-paging.js';
import { seededRandom } from '../support/seeded-random.js';

const HOUR = 3_600_000;

describe('analyze_performance_trends through a real MCP client', () => {
  let harness: Harness;
  // A multiple of 6 hours, so the buckets of '24h' (1h, or 3h when asked) line up with the generated traffic.
  const now = new Date(Math.floor(Date.now() / (6 * HOUR)) * 6 * HOUR);
  const firstMs = now.getTime() - 24 * HOUR;

  /** 12 spans an hour for 24 h; GET /slow goes from 100 to 250 ms 12 hours in, 20 more operations hold still. */
  function traffic(): Span[][] {
    const next = seededRandom(9);
    const batches: Span[][] = [];
    const shift = BigInt(firstMs) * 1_000_000n - TRACE_START_NANOS;
    for (let hour = 0; hour < 24; hour += 1) {
      const batch: Span[] = [];
      const operations = [
        'GET /slow',
        'GET /fine',
        ...Array.from({ length: 20 }, (_, index) => `job-${index}`),
      ];
      for (const name of operations) {
        for (let index = 0; index < 12; index += 1) {
          const level = name === 'GET /slow' && hour >= 12 ? 250 : name === 'GET /fine' ? 50 : 100;
          const trace = buildTrace({
            name,
            service: 'shop',
            kind: 'server',
            startMs: hour * HOUR + index * 60_000 + 1000,
            durationMs: level * (0.95 + next() * 0.1),
          });
          batch.push(
            ...trace.spans.map((span) => ({
              ...span,
              startTimeUnixNano: span.startTimeUnixNano + shift,
              endTimeUnixNano: span.endTimeUnixNano + shift,
            })),
          );
        }
      }
      batches.push(batch);
    }
    return batches;
  }

  beforeAll(async () => {
    harness = await startHarness({ now: () => now });
    for (const batch of traffic()) await harness.app.writeSpans(batch);
  });
  afterAll(async () => harness?.close());

  it('reads the operation that slowed down as rising, first, with its buckets and where to look next', async () => {
    const result = await harness.call('analyze_performance_trends', {
      service_name: 'shop',
      time_period: '24h',
    });
    expect(result.isError, result.text).toBe(false);
    const out = result.structured;
    expect(out).toMatchObject({
      source: 'rollups',
      bucket: '1h',
      bucket_count: 24,
      operations_total: 22,
    });
    expect(out.operations).toHaveLength(22);
    const slow = out.operations[0];
    expect(slow).toMatchObject({ operation: 'GET /slow', latency: 'rising', span_count: 288 });
    expect(Math.abs(slow.change.from_ms - 100)).toBeLessThan(6);
    expect(Math.abs(slow.change.to_ms - 250)).toBeLessThan(13);
    expect(slow.change.since).toBe(`${new Date(firstMs + 12 * HOUR).toISOString().slice(0, 16)}Z`);
    // The buckets list starts with the operation read first, all 24 of its buckets in time order.
    const slowBuckets = out.buckets.slice(0, 24);
    expect(slowBuckets.every((bucket: { operation: string }) => bucket.operation === 'GET /slow')).toBe(true);
    expect(slowBuckets[0]).toMatchObject({ count: 12, per_min: 0.2, error_rate: 0 });
    expect(result.text).toMatch(/ {2}GET \/slow \d{4}-\d\d-\d\dT\d\d:\d\dZ: 12 \(0\.2\/min\), /);
    expect(
      out.operations.filter((operation: { latency: string }) => operation.latency === 'stable'),
    ).toHaveLength(21);
    expect(result.text).toContain('1 with a notable trend (a rise, a fall, errors or gaps), listed first:');
    expect(result.text).toMatch(/GET \/slow \(server\): p50 rising from \d+ to \d+ ms since/);
    expect(out.next_steps[0]).toMatch(
      /^search_traces query=\{service_name: 'shop', operation_name: 'GET \/slow', min_duration_ms: /,
    );
  });

  it('cuts the buckets of stable operations before any operation under a small budget, and its cursor pages them', async () => {
    const args = { service_name: 'shop', time_period: '24h' };
    const result = await harness.call('analyze_performance_trends', { ...args, budget_tokens: 2500 });
    expect(result.isError, result.text).toBe(false);
    const out = result.structured;
    expect(out.operations[0].operation).toBe('GET /slow');
    expect(out.buckets[0].operation).toBe('GET /slow');
    // Operations get most of the room: the page reads more operations than it shows buckets of.
    const withBuckets = new Set(out.buckets.map((bucket: { operation: string }) => bucket.operation)).size;
    expect(out.operations.length).toBeGreaterThan(withBuckets);
    expect(out.truncated).toEqual({
      operations: 22 - out.operations.length,
      buckets: 22 * 24 - out.buckets.length,
    });
    expect(result.text).toContain(
      `Cut for size: ${22 - out.operations.length} operations, ${22 * 24 - out.buckets.length} buckets.`,
    );
    expect(JSON.stringify(out).length + result.text.length).toBeLessThan(2500 * 3.5 * 1.2);
    // 6-hour buckets keep the walk to a few dozen pages: 22 operations and 88 buckets.
    const coarse = { ...args, bucket: '6h' };
    expect(
      await expectCursorPagesEveryRow(harness, 'analyze_performance_trends', coarse, [
        'operations',
        'buckets',
      ]),
    ).toBeGreaterThan(1);
  });

  it('reads one operation when asked, in the bucket size asked for', async () => {
    const result = await harness.call('analyze_performance_trends', {
      service_name: 'shop',
      time_period: '24h',
      bucket: '3h',
      operation: 'GET /fine',
    });
    expect(result.structured).toMatchObject({ bucket: '3h', bucket_count: 8, operations_total: 1 });
    expect(result.structured.operations[0]).toMatchObject({ operation: 'GET /fine', latency: 'stable' });
  });

  it('names the closest services for an unknown one', async () => {
    const result = await harness.call('analyze_performance_trends', { service_name: 'shopp' });
    expect(result.isError).toBe(true);
    expect(result.text).toContain("no service 'shopp'");
    expect(result.text).toContain('did you mean shop');
    // A name that differs only in case is the service, as the backend spells it.
    const cased = await harness.call('analyze_performance_trends', {
      service_name: 'SHOP',
      time_period: '1h',
    });
    expect(cased.isError, cased.text).toBe(false);
    expect(cased.structured.service_name).toBe('shop');
  });

  it('refuses buckets under a minute, too many buckets, and a period in the future, saying what is accepted', async () => {
    const seconds = await harness.call('analyze_performance_trends', { service_name: 'shop', bucket: '30s' });
    expect(seconds.isError).toBe(true);
    expect(seconds.text).toMatch(/whole number of minutes.*'1m' or more/s);
    const many = await harness.call('analyze_performance_trends', {
      service_name: 'shop',
      time_period: '30d',
      bucket: '1m',
    });
    expect(many.isError).toBe(true);
    expect(many.text).toMatch(/43200 buckets.*at most 500.*at least 2h/s);
    const future = await harness.call('analyze_performance_trends', {
      service_name: 'shop',
      time_period: { start: new Date(now.getTime() + HOUR).toISOString() },
    });
    expect(future.isError).toBe(true);
    expect(future.text).toMatch(/in the future/);
  });

  it('reads the same trend from trace summaries, as it does for backends without rollups', async () => {
    // The backend path of the tool: findTraces summaries → root-operation rows → the same trend reading.
    const backend = createEmbeddedBackend(harness.app.store);
    const window = {
      startUnixNano: BigInt(firstMs) * 1_000_000n,
      endUnixNano: BigInt(now.getTime()) * 1_000_000n,
    };
    const summaries = await backend.findTraces({
      serviceName: 'shop',
      operationName: 'GET /slow',
      window,
      limit: 1000,
    });
    const { rows, used } = rowsFromSummaries(summaries, 'shop', HOUR);
    expect(used).toBe(288);
    const trends = readTrends(rows, { startMs: firstMs, endMs: now.getTime(), bucketMs: HOUR });
    expect(trends[0]!.series.operation).toBe('GET /slow');
    expect(trends[0]!.reading.latency).toBe('rising');
  });
});

describe('analyze_performance_trends on the few runs of a development loop', () => {
  let harness: Harness;
  const MINUTE = 60_000;

  beforeAll(async () => {
    harness = await startHarness();
    // Three runs 40 to 30 minutes ago: 36 queries in two bursts and one member lookup.
    const spans: Span[] = [];
    const add = (name: string, ageMs: number, durationMs: number): void => {
      const trace = movedToNow(buildTrace({ name, service: 'loans', kind: 'server', durationMs }), ageMs);
      spans.push(...trace.spans);
    };
    for (let index = 0; index < 12; index += 1) add('SELECT', 40 * MINUTE - index * 1000, 0.1);
    for (let index = 0; index < 24; index += 1) add('SELECT', 35 * MINUTE - index * 1000, 0.1);
    add('GET /members', 30 * MINUTE, 1.4);
    await harness.app.writeSpans(spans);
  });
  afterAll(async () => harness?.close());

  it('summarizes each run of empty buckets in one row instead of listing them one by one', async () => {
    const result = await harness.call('analyze_performance_trends', { service_name: 'loans' });
    expect(result.isError, result.text).toBe(false);
    const out = result.structured;
    expect(out).toMatchObject({ bucket: '6h', operations_total: 2 });
    expect(out.bucket_count).toBeGreaterThan(25);
    // Per operation: the empty run before the runs, one or two buckets with spans, perhaps an empty end.
    for (const operation of ['SELECT', 'GET /members']) {
      const rows = out.buckets.filter((bucket: { operation: string }) => bucket.operation === operation);
      expect(rows.length, operation).toBeLessThanOrEqual(4);
    }
    const empty = out.buckets.filter((bucket: { count: number }) => bucket.count === 0);
    expect(empty.every((bucket: { empty_buckets?: number }) => bucket.empty_buckets !== undefined)).toBe(
      true,
    );
    expect(result.text).not.toContain(': 0 (0/min)');
    expect(result.text).toMatch(/\n {2}SELECT \S+Z to \S+Z: no spans \(2\d buckets\)\n/);
  });

  it('does not present an operation with too few spans as a notable trend, and says why nothing was read', async () => {
    const week = await harness.call('analyze_performance_trends', { service_name: 'loans' });
    expect(week.text).toContain(
      'No operation shows a notable trend; both have too few spans to judge latency.',
    );
    expect(week.structured.next_steps[0]).toMatch(/^too few spans for a trend: detect_regressions/);
    // detect_regressions compares kind by kind: the count is per kind of trace, not over all traces.
    expect(week.structured.next_steps[0]).toContain('8 spans a side, in traces with the same root operation');
    // Over the last hour the one member lookup, 30 minutes ago, is not "no traffic since".
    const hour = await harness.call('analyze_performance_trends', {
      service_name: 'loans',
      time_period: '1h',
    });
    expect(hour.isError, hour.text).toBe(false);
    const members = hour.structured.operations.find(
      (operation: { operation: string }) => operation.operation === 'GET /members',
    );
    expect(members.reading).toBe('too few spans to say (1 span; ≥ 30 needed, ≥ 5 a bucket early and late)');
    expect(hour.text).toContain('  GET /members (server): too few spans to say (1 span;');
    expect(hour.text).toContain('[1 span, p95');
  });
});
