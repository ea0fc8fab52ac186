import { describe, expect, it } from 'vitest';
import {
  chooseBucketMs,
  formatInstant,
  readTrends,
  rowsFromSummaries,
  type TrendRow,
} from '../../../src/analysis/index.js';
import { PERCENTILE_RELATIVE_ERROR, addTo, binOf } from '../../../src/model/duration-histogram.js';
import { seededRandom } from '../../support/seeded-random.js';

const HOUR = 3_600_000;
const START = Date.UTC(2026, 10, 17, 0, 0); // 7 days before END
const END = START + 7 * 24 * HOUR;
const BUCKET = 6 * HOUR;
const window = { startMs: START, endMs: END, bucketMs: BUCKET };

function row(operation: string, bucketStartMs: number, durationsMs: number[], errors = 0): TrendRow {
  const histogram = new Map<number, number>();
  const ns = durationsMs.map((ms) => ms * 1e6);
  for (const value of ns) addTo(histogram, binOf(value));
  return {
    operation,
    bucketStartMs,
    spanCount: ns.length,
    errorCount: errors,
    durationSumNs: ns.reduce((a, b) => a + b, 0),
    durationMinNs: Math.min(...ns),
    durationMaxNs: Math.max(...ns),
    histogram,
  };
}

/** One row per 6h bucket of the 7 days (28), `perBucket` spans around `levelMs(index)` with ±`noise`. */
function generated(
  operation: string,
  levelMs: (index: number) => number,
  options: { perBucket?: number; noise?: number; errors?: (index: number) => number; seed?: number } = {},
): TrendRow[] {
  const next = seededRandom(options.seed ?? 1);
  const rows: TrendRow[] = [];
  for (let index = 0; index < 28; index += 1) {
    const durations = Array.from(
      { length: options.perBucket ?? 40 },
      () => levelMs(index) * (1 + (next() * 2 - 1) * (options.noise ?? 0.1)),
    );
    rows.push(row(operation, START + index * BUCKET, durations, options.errors?.(index) ?? 0));
  }
  return rows;
}

const near = (value: number | undefined, exact: number) =>
  Math.abs((value ?? Number.NaN) - exact) / exact <= PERCENTILE_RELATIVE_ERROR + 0.01;

describe('performance trends', () => {
  it('reads a step from 100 to 200 ms as rising, with both levels and the time it changed', () => {
    const [trend] = readTrends(
      generated('GET /orders', (index) => (index < 16 ? 100 : 200), { noise: 0.05 }),
      window,
    );
    const change = trend!.reading.latencyChange!;
    expect(trend!.reading.latency).toBe('rising');
    expect(change.percentile).toBe('p50');
    expect(near(change.from, 100) && near(change.to, 200)).toBe(true);
    expect(change.sinceMs).toBe(START + 16 * BUCKET);
    expect(trend!.reading.line).toMatch(
      new RegExp(`^p50 rising from 1\\d\\d to [12]\\d\\d ms since ${formatInstant(START + 16 * BUCKET)}$`),
    );
  });

  it('reads a latency that climbs steadily from 100 to 200 ms over the week as rising', () => {
    const [trend] = readTrends(
      generated('GET /orders', (index) => 100 + (100 * index) / 27),
      window,
    );
    const change = trend!.reading.latencyChange!;
    expect(change.direction).toBe('rising');
    expect(change.from).toBeGreaterThan(100);
    expect(change.from).toBeLessThan(125);
    expect(change.to).toBeGreaterThan(175);
    expect(change.to).toBeLessThan(205);
  });

  it('reads a flat but noisy latency as stable', () => {
    const [trend] = readTrends(
      generated('GET /health', () => 120, { noise: 0.4, perBucket: 12, seed: 5 }),
      window,
    );
    expect(trend!.reading.latency).toBe('stable');
    expect(trend!.reading.errorRate).toBe('stable');
    expect(trend!.reading.notable).toBe(false);
    expect(trend!.reading.line).toMatch(/^stable at ~1[01]\d ms p50$/);
  });

  it('reads a rising error rate, and ranks that operation first', () => {
    const rows = [
      ...generated('GET /busy', () => 50, { perBucket: 100, seed: 2 }),
      ...generated('POST /pay', () => 80, { errors: (index) => (index < 14 ? 0 : 8), seed: 3 }),
    ];
    const trends = readTrends(rows, window);
    expect(trends.map((trend) => trend.series.operation)).toEqual(['POST /pay', 'GET /busy']);
    const reading = trends[0]!.reading;
    expect(reading.errorRate).toBe('rising');
    expect(reading.errorChange).toMatchObject({ from: 0, to: 0.2, sinceMs: START + 14 * BUCKET });
    expect(reading.line).toContain(
      `error rate rising from 0% to 20% since ${formatInstant(START + 14 * BUCKET)}`,
    );
  });

  it('says there are too few spans to read a trend', () => {
    const [trend] = readTrends(
      [row('GET /rare', START, [10, 12, 11]), row('GET /rare', END - BUCKET, [40, 41])],
      window,
    );
    expect(trend!.reading.latency).toBe('too_few_spans');
    expect(trend!.reading.line).toMatch(/^too few spans to say \(5 spans;/);
  });

  it('reports gaps in traffic and an operation that went silent', () => {
    const rows = generated('GET /orders', () => 100).filter(
      (_, index) => index < 8 || (index >= 12 && index < 24),
    );
    const reading = readTrends(rows, window)[0]!.reading;
    expect(reading.gaps).toEqual([{ fromMs: START + 8 * BUCKET, toMs: START + 12 * BUCKET, buckets: 4 }]);
    expect(reading.silentSinceMs).toBe(START + 24 * BUCKET);
    expect(reading.line).toContain(`no traffic since ${formatInstant(START + 24 * BUCKET)}`);
    expect(reading.line).toContain(
      `no traffic ${formatInstant(START + 8 * BUCKET)}–${formatInstant(START + 12 * BUCKET)}`,
    );
  });

  it('reports a silence after buckets of 4 spans once it is long enough not to be chance', () => {
    // 4 spans every 6 h for 4.5 days, then nothing for the last 2.5 days: e^-(4·10) by chance.
    const steady = Array.from({ length: 18 }, (_, index) =>
      row('POST /sync', START + index * BUCKET, [100, 110, 105, 102]),
    );
    const reading = readTrends(steady, window)[0]!.reading;
    expect(reading.silentSinceMs).toBe(START + 18 * BUCKET);
    expect(reading.notable).toBe(true);
    expect(reading.line).toContain(`no traffic since ${formatInstant(START + 18 * BUCKET)}`);
  });

  it('reports a gap in buckets of 3 spans only from two empty buckets on, where 3 × 2 reaches 5', () => {
    const spans = [50, 51, 52];
    const withGap = (empty: number[]) =>
      Array.from({ length: 28 }, (_, index) => index)
        .filter((index) => !empty.includes(index))
        .map((index) => row('GET /cart', START + index * BUCKET, spans));
    expect(readTrends(withGap([10]), window)[0]!.reading.gaps).toEqual([]);
    expect(readTrends(withGap([10, 11]), window)[0]!.reading.gaps).toEqual([
      { fromMs: START + 10 * BUCKET, toMs: START + 12 * BUCKET, buckets: 2 },
    ]);
  });

  it('does not call the empty buckets around a few spans gaps or a silence, nor the operation notable', () => {
    // A few test runs over a week: 3 spans early, 2 late, 1 in the middle and nothing after it;
    // three runs of 3 spans on Monday, Wednesday and Sunday.
    const trends = readTrends(
      [
        row('GET /rare', START, [10, 12, 11]),
        row('GET /rare', END - BUCKET, [40, 41]),
        row('GET /members', START + 10 * BUCKET, [1.4]),
        ...[0, 12, 26].map((index) => row('GET /runs', START + index * BUCKET, [5, 6, 7])),
      ],
      window,
    );
    const byName = (name: string) => trends.find((trend) => trend.series.operation === name)!;
    expect(trends).toHaveLength(3);
    for (const trend of trends) {
      expect(trend.reading.gaps, trend.series.operation).toEqual([]);
      expect(trend.reading.silentSinceMs, trend.series.operation).toBeUndefined();
      expect(trend.reading.notable, trend.series.operation).toBe(false);
      expect(trend.reading.line, trend.series.operation).not.toContain('no traffic');
    }
    expect(byName('GET /members').reading.line).toMatch(/^too few spans to say \(1 span;/);
  });

  it('chooses about 12 to 30 buckets from the period', () => {
    expect(chooseBucketMs(HOUR)).toBe(5 * 60_000);
    expect(chooseBucketMs(24 * HOUR)).toBe(HOUR);
    expect(chooseBucketMs(7 * 24 * HOUR)).toBe(6 * HOUR);
    expect(chooseBucketMs(30 * 24 * HOUR)).toBe(24 * HOUR);
  });

  it('builds root-operation rows from trace summaries, leaving out traces rooted in another service', () => {
    const summary = (minute: number, durationMs: number, root = 'api', errorCount = 0) => ({
      traceId: 'a'.repeat(32),
      rootServiceName: root,
      rootName: 'GET /orders',
      startTimeUnixNano: BigInt(START + minute * 60_000) * 1_000_000n,
      durationMs,
      spanCount: 3,
      errorCount,
      services: [root],
    });
    const result = rowsFromSummaries(
      [summary(1, 100), summary(2, 300, 'api', 1), summary(3, 50, 'web')],
      'api',
      HOUR,
    );
    expect(result).toMatchObject({ used: 2, otherRoots: 1 });
    expect(result.rows).toHaveLength(1);
    expect(result.rows[0]).toMatchObject({
      operation: 'GET /orders',
      bucketStartMs: START,
      spanCount: 2,
      errorCount: 1,
      durationMinNs: 100e6,
      durationMaxNs: 300e6,
    });
  });
});
