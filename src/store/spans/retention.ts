import type Database from 'better-sqlite3';
import { HourRebuild } from '../rollups/hour-rebuild.js';
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
  private readonly deleteChunk: (traces: readonly { id: number; trace_id: string }[]) => {
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
      runsOfTrace: db.prepare('SELECT first_span, last_span FROM trace_span_runs WHERE trace_ref = ?').raw(),
      spansOfRun: db.prepare('SELECT id, operation_id FROM spans WHERE id BETWEEN ? AND ?').raw(),
      // The postings of a bucket left without spans. A bucket that lost only some keeps them: a
      // posting of a deleted span finds no row, and ids are never given again (attribute-postings.ts).
      deleteEmptyBucketPostings: db.prepare(
        `DELETE FROM attribute_postings WHERE bucket = :bucket AND NOT ${BUCKET_HAS_SPANS}`,
      ),
      deleteRun: db.prepare('DELETE FROM spans WHERE id BETWEEN ? AND ?'),
      deleteRuns: db.prepare('DELETE FROM trace_span_runs WHERE trace_ref = ?'),
      deleteLinks: db.prepare('DELETE FROM span_links WHERE trace_ref = ?'),
      deleteTrace: db.prepare('DELETE FROM traces WHERE id = ?'),
      deleteTraceLogs: db.prepare('DELETE FROM logs WHERE trace_id = ?'),
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
    this.deleteChunk = db.transaction((traces: readonly { id: number; trace_id: string }[]) => {
      const deleted = { spans: 0, logs: 0 };
      const buckets = new Set<number>();
      for (const trace of traces) {
        const one = this.deleteTrace(trace.id, trace.trace_id, buckets);
        deleted.spans += one.spans;
        deleted.logs += one.logs;
      }
      for (const bucket of buckets) this.statements.deleteEmptyBucketPostings.run({ bucket });
      return deleted;
    }).immediate;
  }

  /**
   * Deletes what the policy no longer allows, at `nowMs`. `spanBudget` bounds the spans deleted in
   * this call (at least one trace goes), so a run inside a write stays short.
   */
  enforce(nowMs: number, spanBudget = Number.POSITIVE_INFINITY): RetentionResult {
    const result: RetentionResult = { deletedTraces: 0, deletedSpans: 0, deletedLogs: 0, complete: true };
    const cutoffNs = ageCutoffNs(nowMs, this.policy.maxAgeMs);
    const total = this.statements.spanCount.get() as number;
    let excess = total > this.policy.maxSpans ? total - Math.floor(this.policy.maxSpans * LOW_WATER) : 0;
    for (;;) {
      const due: { id: number; trace_id: string }[] = [];
      let dueSpans = 0;
      const rows = this.statements.oldest.all(CHUNK) as {
        id: bigint;
        trace_id: string;
        span_count: bigint;
        start_ns: bigint;
      }[];
      for (const row of rows) {
        const tooOld = cutoffNs !== undefined && row.start_ns < cutoffNs;
        if (excess - dueSpans <= 0 && !tooOld) break;
        if (result.deletedSpans + dueSpans >= spanBudget && (due.length > 0 || result.deletedTraces > 0)) {
          result.complete = false;
          break;
        }
        due.push({ id: Number(row.id), trace_id: row.trace_id });
        dueSpans += Number(row.span_count);
      }
      if (due.length === 0) break;
      const deleted = this.deleteChunk(due);
      result.deletedTraces += due.length;
      result.deletedSpans += deleted.spans;
      result.deletedLogs += deleted.logs;
      excess -= deleted.spans;
      if (!result.complete || due.length < rows.length) break;
    }
    result.deletedLogs += this.enforceOnLogs(cutoffNs);
    if (cutoffNs !== undefined) this.deleteRollups(Number(cutoffNs / 60_000_000_000n));
    return result;
  }

  /** Deletes one trace; adds the buckets its spans were in to `buckets`. */
  private deleteTrace(
    traceRef: number,
    traceId: string,
    buckets: Set<number>,
  ): { spans: number; logs: number } {
    const operations = new Map<number, number>();
    let spans = 0;
    for (const [first, last] of this.statements.runsOfTrace.all(traceRef) as [number, number][]) {
      for (const [spanRef, operationId] of this.statements.spansOfRun.all(first, last) as [
        number,
        number,
      ][]) {
        operations.set(operationId, (operations.get(operationId) ?? 0) + 1);
        buckets.add(bucketOf(spanRef));
        spans += 1;
      }
      this.statements.deleteRun.run(first, last);
    }
    this.statements.deleteRuns.run(traceRef);
    this.statements.deleteLinks.run(traceRef);
    this.statements.deleteTrace.run(traceRef);
    const logs = this.statements.deleteTraceLogs.run(traceId).changes;
    for (const [id, count] of operations) this.statements.uncountOperation.run(count, id);
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

function ageCutoffNs(nowMs: number, maxAgeMs: number): bigint | undefined {
  const cutoffMs = nowMs - maxAgeMs;
  return Number.isFinite(cutoffMs) && cutoffMs > 0 ? BigInt(Math.floor(cutoffMs)) * 1_000_000n : undefined;
}
