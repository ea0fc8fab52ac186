import { describe, expect, it } from 'vitest';
import type { Span, StatusCode } from '../../src/model/index.js';
import { PERCENTILE_RELATIVE_ERROR, quantileNs } from '../../src/model/duration-histogram.js';
import { MIGRATIONS } from '../../src/store/index.js';
import { TRACE_START_NANOS, buildTrace } from '../support/trace-builder.js';
import { downgradeToPerSpanAttributeIndex, openTestStore } from './store-fixture.js';

const START_MS = Number(TRACE_START_NANOS / 1_000_000n); // a whole minute
const MINUTE = 60_000;

/** One single-span trace of `service`/`name` starting `offsetMs` after START_MS. */
function span(
  name: string,
  offsetMs: number,
  durationMs: number,
  status: StatusCode = 'unset',
  service = 'api',
): Span {
  const [only] = buildTrace({ name, service, startMs: offsetMs, durationMs, status }).spans;
  return only as Span;
}

/** 200 spans in the first minute lasting 1..200 ms, every tenth an error; 50 in the third minute. */
function knownSpans(): Span[] {
  const spans: Span[] = [];
  for (let index = 1; index <= 200; index += 1)
    spans.push(span('GET /orders', index * 100, index, index % 10 === 0 ? 'error' : 'ok'));
  for (let index = 1; index <= 50; index += 1) spans.push(span('GET /orders', 2 * MINUTE + index * 100, 300));
  spans.push(span('GET /orders', 10, 5, 'ok', 'other-service'));
  return spans;
}

const window = { serviceName: 'api', startMs: START_MS, endMs: START_MS + 10 * MINUTE };

describe('operation rollups', () => {
  it('counts spans, errors and durations per minute and reads percentiles within the stated bound', () => {
    const { store } = openTestStore();
    store.writeSpans(knownSpans());
    const rows = store.operationRollups({ ...window, bucketMinutes: 1 });
    expect(rows.map((row) => [row.bucketStartMs - START_MS, row.spanCount, row.errorCount])).toEqual([
      [0, 200, 20],
      [2 * MINUTE, 50, 0],
    ]);
    const first = rows[0]!;
    expect(first).toMatchObject({
      operation: 'GET /orders',
      spanKind: 'server',
      durationMinNs: 1e6,
      durationMaxNs: 200e6,
      durationSumNs: 20_100e6,
    });
    for (const [q, exactMs] of [
      [0.5, 100],
      [0.95, 190],
      [0.99, 198],
    ] as const) {
      const estimate = quantileNs(first.histogram, q)! / 1e6;
      expect(Math.abs(estimate - exactMs) / exactMs).toBeLessThanOrEqual(PERCENTILE_RELATIVE_ERROR);
    }
    const merged = store.operationRollups({ ...window, bucketMinutes: 5 });
    expect(merged).toHaveLength(1);
    expect(merged[0]).toMatchObject({
      bucketStartMs: START_MS,
      spanCount: 250,
      errorCount: 20,
      durationMaxNs: 300e6,
    });
    expect([...merged[0]!.histogram.values()].reduce((a, b) => a + b, 0)).toBe(250);
  });

  it('does not count a re-sent batch twice', () => {
    const { store } = openTestStore();
    const spans = knownSpans();
    store.writeSpans(spans.slice(0, 120));
    store.writeSpans(spans);
    store.writeSpans(spans.slice(100, 200));
    const rows = store.operationRollups({ ...window, bucketMinutes: 1 });
    expect(rows.map((row) => row.spanCount)).toEqual([200, 50]);
    expect(rows[0]!.errorCount).toBe(20);
  });

  it('backfills the rollups of spans written before migration 5, the same as ingest builds them', () => {
    // A data dir of a build before migration 5: the same spans, no rollup table, schema version 4.
    const old = openTestStore();
    old.store.writeSpans(knownSpans());
    const db = old.store.connection();
    downgradeToPerSpanAttributeIndex(db);
    db.exec(
      'DROP TABLE operation_rollups; DROP TABLE operation_hourly_rollups; DELETE FROM schema_migrations WHERE version >= 5; PRAGMA user_version = 4',
    );
    old.store.close();
    const migrated = old.open();
    expect(migrated.connection().pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    const fresh = openTestStore();
    fresh.store.writeSpans(knownSpans());
    const backfilled = migrated.operationRollups({ ...window, bucketMinutes: 1 });
    expect(backfilled).toHaveLength(2);
    expect(backfilled).toEqual(fresh.store.operationRollups({ ...window, bucketMinutes: 1 }));
  });

  it('deletes rollups older than the maximum age, and keeps them when spans go by count', () => {
    let now = START_MS + 20 * MINUTE;
    const { store } = openTestStore({ now: () => now, retention: { maxSpans: 100, maxAgeMs: 60 * MINUTE } });
    store.writeSpans(knownSpans().slice(0, 100));
    store.writeSpans([span('GET /orders', 40 * MINUTE, 7)]);
    // Over 100 spans: the oldest traces went by count, their rollups stay.
    store.enforceRetention();
    expect(store.stats().spanCount).toBeLessThan(101);
    const all = { ...window, endMs: START_MS + 60 * MINUTE, bucketMinutes: 1 };
    expect(store.operationRollups(all).map((row) => row.spanCount)).toEqual([100, 1]);
    now = START_MS + 90 * MINUTE; // the first minute is now 90 minutes old, the span at 40 min 50
    store.enforceRetention();
    expect(store.operationRollups(all).map((row) => [row.bucketStartMs - START_MS, row.spanCount])).toEqual([
      [40 * MINUTE, 1],
    ]);
  });
});
