import type Database from 'better-sqlite3';
import { addTo, binOf, mergeInto, type DurationHistogram } from '../../model/duration-histogram.js';

const NANOS_PER_MINUTE = 60_000_000_000n;
const MINUTES_PER_HOUR = 60;
/** OTLP status code 2: the span failed. */
const STATUS_ERROR = 2;

interface PendingRollup {
  operationId: number;
  /** The minute of span start (or, once folded to the hourly level, the hour). */
  minute: number;
  count: number;
  errors: number;
  sumNs: number;
  minNs: number;
  maxNs: number;
  histogram: DurationHistogram;
}

/**
 * The rollups of one batch of spans, per (operation, minute of span start), built in memory so a
 * batch of 512 spans costs a few upserts (one per operation-minute it touched), not one per span.
 */
export class RollupBatch {
  private readonly pending = new Map<string, PendingRollup>();

  add(operationId: number, startNs: bigint, endNs: bigint, statusCode: number): void {
    const minute = Number(startNs / NANOS_PER_MINUTE);
    const durationNs = endNs > startNs ? Number(endNs - startNs) : 0;
    const key = `${operationId}:${minute}`;
    let rollup = this.pending.get(key);
    if (!rollup) {
      rollup = {
        operationId,
        minute,
        count: 0,
        errors: 0,
        sumNs: 0,
        minNs: durationNs,
        maxNs: durationNs,
        histogram: new Map(),
      };
      this.pending.set(key, rollup);
    }
    rollup.count += 1;
    if (statusCode === STATUS_ERROR) rollup.errors += 1;
    rollup.sumNs += durationNs;
    if (durationNs < rollup.minNs) rollup.minNs = durationNs;
    if (durationNs > rollup.maxNs) rollup.maxNs = durationNs;
    addTo(rollup.histogram, binOf(durationNs));
  }

  get size(): number {
    return this.pending.size;
  }

  rows(): IterableIterator<PendingRollup> {
    return this.pending.values();
  }

  clear(): void {
    this.pending.clear();
  }
}

/**
 * Adds a batch's rollups to `operation_rollups` and to `operation_hourly_rollups`, in the caller's
 * transaction, so both levels always hold the same spans (a read may take any hour from either).
 * Both are updated on ingest rather than folded later: a batch touches about as many operation-hours
 * as operation-minutes, so the hourly level costs about one more upsert per operation a batch touches
 * (bench/performance-trends.ts prints the figure), and there is no fold state to get wrong when a
 * late span lands in an hour already folded.
 */
export class RollupWriter {
  private readonly minutes: RollupLevel;
  private readonly hours: RollupLevel | undefined;

  /** `withHours` false: minute rows only, as migration 5 wrote them before the hourly table existed. */
  constructor(db: Database.Database, withHours = true) {
    this.minutes = new RollupLevel(db, 'operation_rollups', 'minute');
    this.hours = withHours ? new RollupLevel(db, 'operation_hourly_rollups', 'hour') : undefined;
  }

  write(batch: RollupBatch): void {
    this.minutes.write(batch.rows(), batch.size);
    if (!this.hours) return;
    const hours = byHour(batch.rows());
    this.hours.write(hours.values(), hours.size);
  }

  /** After a failed transaction: the cached histograms may be ahead of the database. */
  forget(): void {
    this.minutes.forget();
    this.hours?.forget();
  }
}

/** A batch's minute rollups added up per (operation, hour). */
function byHour(rows: Iterable<PendingRollup>): Map<string, PendingRollup> {
  const hours = new Map<string, PendingRollup>();
  for (const row of rows) {
    const hour = Math.floor(row.minute / MINUTES_PER_HOUR);
    const key = `${row.operationId}:${hour}`;
    const sum = hours.get(key);
    if (!sum) {
      hours.set(key, { ...row, minute: hour, histogram: new Map(row.histogram) });
      continue;
    }
    sum.count += row.count;
    sum.errors += row.errors;
    sum.sumNs += row.sumNs;
    if (row.minNs < sum.minNs) sum.minNs = row.minNs;
    if (row.maxNs > sum.maxNs) sum.maxNs = row.maxNs;
    mergeInto(sum.histogram, row.histogram);
  }
  return hours;
}

/** Rows whose histograms stay cached between batches: live traffic updates the same few, batch after batch. */
const CACHE_LIMIT = 20_000;

/** A cached histogram, with the span count of the row it was written to. */
interface Cached {
  dense: number[];
  count: number;
}

/**
 * One table of rollups: counts, sums, min and max added by the upsert itself, the histogram merged
 * in JS (SQLite has no JSON-array addition). The merged histograms of recent rows stay in memory as
 * dense arrays [first bin, counts…], so a batch neither reads nor re-parses them; that
 * read-modify-write measured ~3× the cost of the span write itself when a store's spans all fall in
 * the same few minutes.
 *
 * A cached histogram is used only while the row still has the span count it was written with (the
 * upsert checks it): retention deletes and rewrites rows under the writer, and then the row's own
 * histogram is read instead. So a new row costs one statement, a cached one one, an uncached
 * existing one (after a restart) three.
 */
class RollupLevel {
  private readonly statements;
  private readonly cache = new Map<string, Cached>();

  constructor(db: Database.Database, table: string, key: string) {
    this.statements = {
      // One call per row: measured ~4× faster than one json_each statement for the batch.
      upsert: db
        .prepare(
          `INSERT INTO ${table} (operation_id, ${key}, span_count, error_count, duration_sum_ns,
             duration_min_ns, duration_max_ns, histogram)
           VALUES (:operation, :key, :count, :errors, :sum, :min, :max, :inserted)
           ON CONFLICT (operation_id, ${key}) DO UPDATE SET
             span_count = span_count + excluded.span_count,
             error_count = error_count + excluded.error_count,
             duration_sum_ns = duration_sum_ns + excluded.duration_sum_ns,
             duration_min_ns = min(duration_min_ns, excluded.duration_min_ns),
             duration_max_ns = max(duration_max_ns, excluded.duration_max_ns),
             histogram = CASE WHEN span_count = :cachedCount THEN excluded.histogram ELSE histogram END
           RETURNING span_count`,
        )
        .pluck(),
      histogram: db.prepare(`SELECT histogram FROM ${table} WHERE operation_id = ? AND ${key} = ?`).pluck(),
      setHistogram: db.prepare(`UPDATE ${table} SET histogram = ? WHERE operation_id = ? AND ${key} = ?`),
    };
  }

  write(rows: Iterable<PendingRollup>, size: number): void {
    if (this.cache.size + size > CACHE_LIMIT) this.cache.clear();
    for (const rollup of rows) {
      const key = `${rollup.operationId}:${rollup.minute}`;
      const cached = this.cache.get(key);
      // Cached: the merged histogram, right if the row is as cached. Not: this batch's alone, right for a new row.
      const dense = addToDense(cached ? cached.dense : [], rollup.histogram);
      const count = this.statements.upsert.get({
        operation: rollup.operationId,
        key: rollup.minute,
        count: rollup.count,
        errors: rollup.errors,
        sum: rollup.sumNs,
        min: rollup.minNs,
        max: rollup.maxNs,
        inserted: JSON.stringify(dense),
        cachedCount: cached ? cached.count : -1,
      }) as number;
      if (cached && count === cached.count + rollup.count) {
        this.cache.set(key, { dense, count });
        continue;
      }
      let stored: number[];
      if (count === rollup.count) {
        // A new row (a stored one had at least one span): it must hold this batch alone.
        stored = addToDense([], rollup.histogram);
        if (cached)
          this.statements.setHistogram.run(JSON.stringify(stored), rollup.operationId, rollup.minute);
      } else {
        // An existing row the cache did not match: its histogram was left as it was; add to it.
        const text = this.statements.histogram.get(rollup.operationId, rollup.minute) as string;
        stored = addToDense(JSON.parse(text) as number[], rollup.histogram);
        this.statements.setHistogram.run(JSON.stringify(stored), rollup.operationId, rollup.minute);
      }
      this.cache.set(key, { dense: stored, count });
    }
  }

  forget(): void {
    this.cache.clear();
  }
}

/** Adds a histogram's counts to a dense array [first bin, counts…] (in place unless it must grow downwards). */
function addToDense(dense: number[], histogram: DurationHistogram): number[] {
  let low = Number.POSITIVE_INFINITY;
  for (const bin of histogram.keys()) if (bin < low) low = bin;
  if (dense.length <= 1) dense = [low];
  const first = dense[0] as number;
  if (low < first) dense = [low, ...new Array<number>(first - low).fill(0), ...dense.slice(1)];
  const base = dense[0] as number;
  for (const [bin, count] of histogram) {
    const index = bin - base + 1;
    while (dense.length <= index) dense.push(0);
    dense[index] = (dense[index] as number) + count;
  }
  return dense;
}
