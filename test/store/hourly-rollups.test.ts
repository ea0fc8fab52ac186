import { describe, expect, it } from 'vitest';
import type { Span, StatusCode } from '../../src/model/index.js';
import { MIGRATIONS, type TraceStore } from '../../src/store/index.js';
import type { RollupBucket, RollupQuery } from '../../src/model/index.js';
import { RollupReader } from '../../src/store/rollups/rollup-reader.js';
import { seededRandom } from '../support/seeded-random.js';
import { TRACE_START_NANOS, buildTrace } from '../support/trace-builder.js';
import { downgradeToPerSpanAttributeIndex, openTestStore } from './store-fixture.js';

const START_MS = Number(TRACE_START_NANOS / 1_000_000n); // a whole hour since the epoch
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const OPERATIONS = ['GET /orders', 'POST /pay', 'db.query'];

function span(name: string, offsetMs: number, durationMs: number, status: StatusCode, service = 'api'): Span {
  const [only] = buildTrace({ name, service, startMs: offsetMs, durationMs, status }).spans;
  return only as Span;
}

/**
 * `count` spans of three operations spread over the first `hours` hours, durations 0.01 ms to 2 s
 * (so histograms of an hour span many bins), about one in twelve an error; seeded, the same every run.
 */
function spreadSpans(count: number, hours: number, seed = 11): Span[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => {
    const name = OPERATIONS[Math.floor(random() * OPERATIONS.length)] as string;
    const offsetMs = Math.floor(random() * hours * HOUR);
    const durationMs = Math.round(0.01 * Math.pow(200_000, random()) * 1000) / 1000;
    return span(name, offsetMs, durationMs, random() < 1 / 12 ? 'error' : 'ok');
  });
}

function writeInBatches(store: TraceStore, spans: readonly Span[], size: number): void {
  for (let index = 0; index < spans.length; index += size) store.writeSpans(spans.slice(index, index + size));
}

/** Buckets with histograms as sorted [bin, count] pairs, so two reads compare field by field. */
function comparable(buckets: RollupBucket[]) {
  return buckets.map((bucket) => ({ ...bucket, histogram: [...bucket.histogram].sort(([a], [b]) => a - b) }));
}

function bothLevels(store: TraceStore, query: RollupQuery) {
  const reader = new RollupReader(store.connection());
  return { hourly: comparable(reader.read(query, 'auto')), minute: comparable(reader.read(query, 'minute')) };
}

function hourlyRows(store: TraceStore): number[][] {
  return store
    .connection()
    .prepare('SELECT hour, sum(span_count) FROM operation_hourly_rollups GROUP BY hour ORDER BY hour')
    .raw()
    .all() as number[][];
}

/** Windows with edges at odd minutes and seconds, and buckets of 1, 2 and 3 hours and a day. */
const WINDOWS = [
  { startMs: START_MS + 17 * MINUTE + 20_000, endMs: START_MS + 4 * HOUR + 43 * MINUTE + 5_000 },
  { startMs: START_MS - 3 * HOUR, endMs: START_MS + 6 * HOUR },
  { startMs: START_MS + 59 * MINUTE, endMs: START_MS + 2 * HOUR + MINUTE },
  { startMs: START_MS + HOUR, endMs: START_MS + 3 * HOUR },
  { startMs: START_MS + 10 * MINUTE, endMs: START_MS + 50 * MINUTE },
];

describe('hourly operation rollups', () => {
  it('answers buckets of whole hours from hourly rows exactly as from minute rows, edges at odd minutes', () => {
    const { store } = openTestStore();
    const spans = spreadSpans(3000, 5);
    writeInBatches(store, spans, 97);
    // Late spans into hours already written, and a re-sent batch that must not count twice.
    writeInBatches(store, spreadSpans(400, 5, 12), 400);
    store.writeSpans(spans.slice(0, 97));
    let compared = 0;
    for (const window of WINDOWS) {
      for (const bucketMinutes of [60, 120, 180, 1440]) {
        for (const operationName of [undefined, 'POST /pay']) {
          const query = {
            serviceName: 'api',
            ...window,
            bucketMinutes,
            ...(operationName ? { operationName } : {}),
          };
          const { hourly, minute } = bothLevels(store, query);
          expect(hourly).toEqual(minute);
          compared += minute.length;
        }
      }
    }
    expect(compared).toBeGreaterThan(100);
    const all = bothLevels(store, {
      serviceName: 'api',
      startMs: START_MS,
      endMs: START_MS + 5 * HOUR,
      bucketMinutes: 60,
    });
    expect(all.hourly.reduce((sum, bucket) => sum + bucket.spanCount, 0)).toBe(3400);
  });

  it('reads the hourly rows for whole hours (the minute rows under them are not read)', () => {
    const { store } = openTestStore();
    writeInBatches(store, spreadSpans(600, 3), 200);
    const query = {
      serviceName: 'api',
      startMs: START_MS + 30 * MINUTE,
      endMs: START_MS + 3 * HOUR,
      bucketMinutes: 60,
    };
    const before = bothLevels(store, query);
    // Take away the minute rows of the two whole hours: only the minute-level read may change.
    store
      .connection()
      .prepare('DELETE FROM operation_rollups WHERE minute >= ? AND minute < ?')
      .run(START_MS / MINUTE + 60, START_MS / MINUTE + 180);
    const after = bothLevels(store, query);
    expect(after.hourly).toEqual(before.hourly);
    expect(after.minute.map((bucket) => bucket.bucketStartMs - START_MS)).toEqual([0, 0, 0]);
  });

  it('keeps both levels equal when a restarted store adds to rows it has not cached', () => {
    const { store, open } = openTestStore();
    const spans = spreadSpans(1200, 4);
    writeInBatches(store, spans.slice(0, 600), 150);
    store.close();
    const reopened = open();
    writeInBatches(reopened, spans.slice(600), 150);
    const fresh = openTestStore().store;
    fresh.writeSpans(spans);
    const query = {
      serviceName: 'api',
      startMs: START_MS + 7 * MINUTE,
      endMs: START_MS + 4 * HOUR,
      bucketMinutes: 120,
    };
    const { hourly, minute } = bothLevels(reopened, query);
    expect(hourly).toEqual(minute);
    expect(hourly).toEqual(bothLevels(fresh, query).hourly);
  });

  it('deletes hourly rows older than the maximum age and refolds the hour the cutoff cuts', () => {
    let now = START_MS + 3 * HOUR;
    const { store } = openTestStore({
      now: () => now,
      retention: { maxSpans: 1_000_000, maxAgeMs: 24 * HOUR },
    });
    writeInBatches(store, spreadSpans(1500, 3), 250);
    const query = { serviceName: 'api', startMs: START_MS, endMs: START_MS + 3 * HOUR, bucketMinutes: 60 };
    const countsBefore = hourlyRows(store);
    expect(countsBefore.map(([hour]) => hour! - START_MS / HOUR)).toEqual([0, 1, 2]);
    now = START_MS + 24 * HOUR + HOUR + 25 * MINUTE; // the cutoff: 25 minutes into the second hour
    store.enforceRetention();
    const remaining = store
      .connection()
      .prepare('SELECT sum(span_count) FROM operation_rollups WHERE minute < ?')
      .pluck()
      .get(START_MS / MINUTE + 120) as number;
    expect(hourlyRows(store)).toEqual([[START_MS / HOUR + 1, remaining], countsBefore[2]]);
    expect(remaining).toBeLessThan(countsBefore[1]![1]!);
    const { hourly, minute } = bothLevels(store, query);
    expect(hourly).toEqual(minute);
    expect(hourly.map((bucket) => bucket.bucketStartMs - START_MS)).not.toContain(0);

    // A late span lands in the refolded hour, where the writer's cached histogram is now stale.
    store.writeSpans([
      span('GET /orders', HOUR + 50 * MINUTE, 1234, 'error'),
      span('GET /orders', HOUR + 10 * MINUTE, 3, 'ok'),
    ]);
    const late = bothLevels(store, query);
    expect(late.hourly).toEqual(late.minute);
    expect(late.hourly.reduce((sum, bucket) => sum + bucket.spanCount, 0)).toBe(
      hourly.reduce((sum, bucket) => sum + bucket.spanCount, 0) + 2,
    );

    now = START_MS + 24 * HOUR + 3 * HOUR;
    store.enforceRetention();
    expect(hourlyRows(store)).toEqual([]);
  });

  it('backfills hourly rows from the minute rows of a data dir from before migration 6', () => {
    const old = openTestStore();
    writeInBatches(old.store, spreadSpans(900, 3), 300);
    const query = {
      serviceName: 'api',
      startMs: START_MS + 5 * MINUTE,
      endMs: START_MS + 3 * HOUR,
      bucketMinutes: 60,
    };
    const expected = bothLevels(old.store, query).minute;
    const db = old.store.connection();
    // Spans gone by count keep their minute rows: the backfill must not need them.
    downgradeToPerSpanAttributeIndex(db);
    db.exec(
      'DROP TABLE operation_hourly_rollups; DELETE FROM spans; DELETE FROM schema_migrations WHERE version = 6; PRAGMA user_version = 5',
    );
    old.store.close();
    const migrated = old.open();
    expect(migrated.connection().pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(hourlyRows(migrated).map(([, count]) => count)).toEqual([
      expect.any(Number),
      expect.any(Number),
      expect.any(Number),
    ]);
    const { hourly, minute } = bothLevels(migrated, query);
    expect(minute).toEqual(expected);
    expect(hourly).toEqual(expected);
  });
});
