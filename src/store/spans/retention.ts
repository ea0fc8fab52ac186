import type Database from 'better-sqlite3';
import { HourRebuild } from '../rollups/hour-rebuild.js';
import { TRACE_GENERATION_SHIFT } from '../schema/trace-generations-schema.js';
import { BUCKET_HAS_SPANS, bucketOf } from './span-buckets.js';

export interface RetentionPolicy {
  /** Above this many spans, whole traces are deleted oldest first. */
  maxSpans: number;
  /** Traces that started longer ago than this are deleted; logs older than this too. */
  maxAgeMs: number;
  /** Above this many log records the oldest are deleted (default: maxSpans). */
  maxLogs?: number;
}

export interface RetentionResult {
  deletedTraces: number;
  deletedSpans: number;
  deletedLogs: number;
  /** False when the run stopped at its budget with more still due (the next run continues). */
  complete: boolean;
}

/** A row of the oldest traces, as retention reads them. */
interface OldestTrace {
  id: bigint;
  trace_id: string;
  span_count: bigint;
  start_ns: bigint;
}

/** The traces a chunk deletes, and whether the span budget cut it short. */
interface DueTraces {
  traces: { id: number; trace_id: string }[];
  stoppedByBudget: boolean;
}

/**
 * Once over a limit, delete down to 90% of it: the deletion then runs about once per 10% of the
 * capacity written, not on every batch once the store is full.
 */
const LOW_WATER = 0.9;
/** Traces read per step, and deleted per transaction: a few hundred keeps each lock short. */
const CHUNK = 256;

/**
 * Keeps the store bounded: deletes whole traces (spans, index entries, summaries, logs) oldest
 * first, by count and by age; resources and scopes stay (a few rows each).
 */
export class Retention {
  private readonly statements;
  private readonly hours: HourRebuild;
  private readonly deleteRollups: (cutoffMinute: number) => void;
  private readonly deleteChunk: (choose: (rows: OldestTrace[]) => DueTraces) => {
    due: DueTraces;
    read: number;
    spans: number;
    logs: number;
  };

  constructor(
    db: Database.Database,
    private readonly policy: RetentionPolicy,
  ) {
    this.statements = {
      spanCount: db.prepare('SELECT coalesce(sum(span_count), 0) FROM operations').pluck(),
      oldest: db
        .prepare(
          'SELECT id, trace_id, span_count, start_ns FROM traces INDEXED BY traces_by_start ORDER BY start_ns, id LIMIT ?',
        )
        .safeIntegers(),
      // A chunk's traces go by the JSON array of their row ids (or trace ids, for logs) bound once.
      runsOfTraces: db
        .prepare(
          `SELECT first_span, last_span FROM trace_span_runs
           WHERE trace_ref IN (SELECT value FROM json_each(?)) ORDER BY first_span`,
        )
        .raw(),
      operationsOfRange: db
        .prepare('SELECT operation_id, count(*) FROM spans WHERE id BETWEEN ? AND ? GROUP BY operation_id')
        .raw(),
      // The postings of a bucket left without spans. A bucket that lost only some keeps them: a
      // posting of a deleted span finds no row, and ids are never given again (attribute-postings.ts).
      deleteEmptyBucketPostings: db.prepare(
        `DELETE FROM attribute_postings WHERE bucket = :bucket AND NOT ${BUCKET_HAS_SPANS}`,
      ),
      deleteRange: db.prepare('DELETE FROM spans WHERE id BETWEEN ? AND ?'),
      deleteRuns: db.prepare(
        'DELETE FROM trace_span_runs WHERE trace_ref IN (SELECT value FROM json_each(?))',
      ),
      deleteLinks: db.prepare('DELETE FROM span_links WHERE trace_ref IN (SELECT value FROM json_each(?))'),
      deleteTraces: db.prepare('DELETE FROM traces WHERE id IN (SELECT value FROM json_each(?))'),
      // Bound as [[id, trace id], …]: a listed generation's entries (trace-generations-schema.ts).
      deleteListings: db.prepare(
        `DELETE FROM trace_generations WHERE (generation, trace_id) IN
           (SELECT (value ->> 0) >> ${TRACE_GENERATION_SHIFT}, value ->> 1 FROM json_each(?))`,
      ),
      deleteTraceLogs: db.prepare(
        'DELETE FROM logs WHERE trace_id IN (SELECT value FROM json_each(?)) AND trace_id IS NOT NULL',
      ),
      uncountOperation: db.prepare('UPDATE operations SET span_count = max(span_count - ?, 0) WHERE id = ?'),
      logCount: db.prepare('SELECT count(*) FROM logs').pluck(),
      // By age only: rollups outlive spans deleted by count (a seek per operation on the key).
      deleteOldRollups: db.prepare(
        'DELETE FROM operation_rollups WHERE operation_id IN (SELECT id FROM operations) AND minute < ?',
      ),
      deleteOldHourlyRollups: db.prepare(
        'DELETE FROM operation_hourly_rollups WHERE operation_id IN (SELECT id FROM operations) AND hour < ?',
      ),
      deleteOldLogs: db.prepare(
        `DELETE FROM logs WHERE id IN (SELECT id FROM logs INDEXED BY logs_by_age
           WHERE max(time_ns, observed_time_ns) < ? ORDER BY max(time_ns, observed_time_ns) LIMIT ?)`,
      ),
      deleteOldestLogs: db.prepare(
        `DELETE FROM logs WHERE id IN (SELECT id FROM logs INDEXED BY logs_by_age
           ORDER BY max(time_ns, observed_time_ns) LIMIT ?)`,
      ),
    };
    this.hours = new HourRebuild(db);
    this.deleteRollups = db.transaction((cutoffMinute: number) => {
      const deleted = this.statements.deleteOldRollups.run(cutoffMinute).changes;
      const hour = Math.floor(cutoffMinute / 60);
      this.statements.deleteOldHourlyRollups.run(hour);
      // The hour the cutoff falls in keeps only its later minutes: its hourly row must too.
      if (deleted > 0 && cutoffMinute % 60 !== 0) this.hours.hour(hour);
    }).immediate;
    // The chunk is read again inside the write transaction: one read before it could name a row id
    // that the other connection's retention deleted and a new trace then took (a new trace's id is
    // the highest plus one when that is above every listed one: trace-generation-index.ts).
    this.deleteChunk = db.transaction((choose: (rows: OldestTrace[]) => DueTraces) => {
      const rows = this.statements.oldest.all(CHUNK) as OldestTrace[];
      const due = choose(rows);
      const deleted = due.traces.length > 0 ? this.deleteTraces(due.traces) : { spans: 0, logs: 0 };
      return { due, read: rows.length, ...deleted };
    }).immediate;
  }

  /**
   * Deletes what the policy no longer allows, at `nowMs`. `spanBudget` bounds the spans deleted in
   * this call (at least one trace goes), so a run inside a write stays short.
   */
  enforce(nowMs: number, spanBudget = Number.POSITIVE_INFINITY): RetentionResult {
    const result: RetentionResult = { deletedTraces: 0, deletedSpans: 0, deletedLogs: 0, complete: true };
    const cutoffNs = ageCutoffNs(nowMs, this.policy.maxAgeMs);
    const lowWater = Math.floor(this.policy.maxSpans * LOW_WATER);
    const overLimit = (this.statements.spanCount.get() as number) > this.policy.maxSpans;
    /** The traces of `rows` (oldest first) due now, within what is left of the budget. */
    const choose = (rows: OldestTrace[]): DueTraces => {
      // Counted afresh each time: what the other connection's retention deleted meanwhile is not
      // deleted for again (over the limit once, a run goes down to the low water).
      const excess = overLimit ? (this.statements.spanCount.get() as number) - lowWater : 0;
      const due: DueTraces = { traces: [], stoppedByBudget: false };
      let dueSpans = 0;
      for (const row of rows) {
        const tooOld = cutoffNs !== undefined && row.start_ns < cutoffNs;
        if (excess - dueSpans <= 0 && !tooOld) break;
        if (
          result.deletedSpans + dueSpans >= spanBudget &&
          (due.traces.length > 0 || result.deletedTraces > 0)
        ) {
          due.stoppedByBudget = true;
          break;
        }
        due.traces.push({ id: Number(row.id), trace_id: row.trace_id });
        dueSpans += Number(row.span_count);
      }
      return due;
    };
    for (;;) {
      // Nothing due needs no write lock; something due is chosen again under it.
      if (choose(this.statements.oldest.all(CHUNK) as OldestTrace[]).traces.length === 0) break;
      const { due, read, spans, logs } = this.deleteChunk(choose);
      if (due.stoppedByBudget) result.complete = false;
      result.deletedTraces += due.traces.length;
      result.deletedSpans += spans;
      result.deletedLogs += logs;
      if (due.traces.length === 0 || !result.complete || due.traces.length < read) break;
    }
    result.deletedLogs += this.enforceOnLogs(cutoffNs);
    if (cutoffNs !== undefined) this.deleteRollups(Number(cutoffNs / 60_000_000_000n));
    return result;
  }

  /**
   * Deletes a chunk of traces with a few statements for all of them: the oldest traces were written
   * at about the same time, so their runs of span ids mostly join into a few ranges, each deleted
   * (and its spans counted by operation) in one statement. Per trace, the same work took ~8
   * statements and a read of every span row (~15% of the writer's time once the store was full).
   */
  private deleteTraces(traces: readonly { id: number; trace_id: string }[]): { spans: number; logs: number } {
    const refs = JSON.stringify(traces.map((trace) => trace.id));
    const operations = new Map<number, number>();
    const buckets = new Set<number>();
    let spans = 0;
    for (const [first, last] of spanRanges(this.statements.runsOfTraces.all(refs) as [number, number][])) {
      for (const [operationId, count] of this.statements.operationsOfRange.all(first, last) as [
        number,
        number,
      ][]) {
        operations.set(operationId, (operations.get(operationId) ?? 0) + count);
        spans += count;
      }
      for (let bucket = bucketOf(first); bucket <= bucketOf(last); bucket += 1) buckets.add(bucket);
      this.statements.deleteRange.run(first, last);
    }
    this.statements.deleteRuns.run(refs);
    this.statements.deleteLinks.run(refs);
    this.statements.deleteTraces.run(refs);
    this.statements.deleteListings.run(JSON.stringify(traces.map((trace) => [trace.id, trace.trace_id])));
    const logs = this.statements.deleteTraceLogs.run(
      JSON.stringify(traces.map((trace) => trace.trace_id)),
    ).changes;
    for (const [id, count] of operations) this.statements.uncountOperation.run(count, id);
    // A bucket that lost only some of its spans keeps its postings (see deleteEmptyBucketPostings).
    for (const bucket of buckets) this.statements.deleteEmptyBucketPostings.run({ bucket });
    return { spans, logs };
  }

  private enforceOnLogs(cutoffNs: bigint | undefined): number {
    let deleted = 0;
    if (cutoffNs !== undefined)
      deleted += this.statements.deleteOldLogs.run(cutoffNs, Number.MAX_SAFE_INTEGER).changes;
    const maxLogs = this.policy.maxLogs ?? this.policy.maxSpans;
    const count = this.statements.logCount.get() as number;
    if (count > maxLogs)
      deleted += this.statements.deleteOldestLogs.run(count - Math.floor(maxLogs * LOW_WATER)).changes;
    return deleted;
  }
}

/** Runs of span ids, ascending by first id, joined where one ends right before the next begins. */
export function spanRanges(runs: readonly (readonly [number, number])[]): [number, number][] {
  const ranges: [number, number][] = [];
  for (const [first, last] of runs) {
    const previous = ranges[ranges.length - 1];
    if (previous && first === previous[1] + 1) previous[1] = last;
    else ranges.push([first, last]);
  }
  return ranges;
}

function ageCutoffNs(nowMs: number, maxAgeMs: number): bigint | undefined {
  const cutoffMs = nowMs - maxAgeMs;
  return Number.isFinite(cutoffMs) && cutoffMs > 0 ? BigInt(Math.floor(cutoffMs)) * 1_000_000n : undefined;
}
