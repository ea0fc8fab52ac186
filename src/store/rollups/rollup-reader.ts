import type { RollupBucket, RollupQuery } from '../../model/backend-queries.js';
import type Database from 'better-sqlite3';
import { invalidArgument } from '../../model/errors.js';
import { mergeDenseList } from '../../model/duration-histogram.js';
import { planRollupRead, type RollupReadPlan } from './rollup-read-plan.js';
import { kindName } from '../spans/span-codec.js';

const MS_PER_MINUTE = 60_000;

/** The rollups of one service's operations over a window, merged into buckets of whole minutes. */

/**
 * 'auto' reads hourly rows for the whole hours of a window in buckets of whole hours (and minute
 * rows for the rest); 'minute' reads minute rows only. Both give the same buckets.
 */
export type RollupLevel = 'auto' | 'minute';

type Row = [string, number, number, number, number, number, number, number, string];

const OPERATIONS = (byName: boolean) => `o.service = :service ${byName ? 'AND o.name = :name' : ''}`;
const BUCKET = 'CAST(:bucket AS INTEGER)';
const MINUTE_ROWS = (byName: boolean, range: string) =>
  `SELECT r.operation_id AS op, o.name AS name, o.kind AS kind, (r.minute / ${BUCKET}) * ${BUCKET} AS b,
          r.span_count AS c, r.error_count AS e, r.duration_sum_ns AS s, r.duration_min_ns AS lo, r.duration_max_ns AS hi, r.histogram AS h
   FROM operations o JOIN operation_rollups r ON r.operation_id = o.id
   WHERE ${OPERATIONS(byName)} AND r.minute >= :${range}From AND r.minute < :${range}To`;
const HOUR_ROWS = (byName: boolean) =>
  `SELECT r.operation_id AS op, o.name AS name, o.kind AS kind, (r.hour * 60 / ${BUCKET}) * ${BUCKET} AS b,
          r.span_count AS c, r.error_count AS e, r.duration_sum_ns AS s, r.duration_min_ns AS lo, r.duration_max_ns AS hi, r.histogram AS h
   FROM operations o JOIN operation_hourly_rollups r ON r.operation_id = o.id
   WHERE ${OPERATIONS(byName)} AND r.hour >= :hourFrom AND r.hour < :hourTo`;
const GROUPED = `SELECT name, kind, b, sum(c), sum(e), total(s), min(lo), max(hi), '[' || group_concat(h) || ']'`;

/**
 * Reads operation rollups: counts, sums, min and max added up by SQL `GROUP BY` per bucket; the
 * bucket's histograms come back concatenated into one JSON array (one parse per bucket, not per
 * row) and are merged here. In buckets of whole hours a week reads ~170 hourly rows per operation
 * plus at most 118 minute rows at the edges, instead of ~10,000 minute rows.
 */
export class RollupReader {
  private readonly statements;

  constructor(db: Database.Database) {
    const minutes = (byName: boolean) =>
      db.prepare(`${GROUPED} FROM (${MINUTE_ROWS(byName, 'head')}) GROUP BY op, b`).raw();
    // Three branches, not one OR: each is a seek per operation on the table's key.
    const hours = (byName: boolean) =>
      db
        .prepare(
          `${GROUPED} FROM (${MINUTE_ROWS(byName, 'head')} UNION ALL ${MINUTE_ROWS(byName, 'tail')} UNION ALL ${HOUR_ROWS(byName)})
           GROUP BY op, b`,
        )
        .raw();
    this.statements = {
      minutes: minutes(false),
      minutesByName: minutes(true),
      hours: hours(false),
      hoursByName: hours(true),
    };
  }

  read(query: RollupQuery, level: RollupLevel = 'auto'): RollupBucket[] {
    const { serviceName, operationName, startMs, endMs, bucketMinutes } = query;
    if (!Number.isInteger(bucketMinutes) || bucketMinutes < 1) {
      throw invalidArgument(
        `bucket of ${String(bucketMinutes)} minutes`,
        'rollups are per minute: use a whole number of minutes, at least 1',
      );
    }
    if (!Number.isFinite(startMs) || !Number.isFinite(endMs) || startMs > endMs) {
      throw invalidArgument(
        `rollup window ${String(startMs)}..${String(endMs)} is not a window`,
        'pass start ≤ end in ms since the epoch',
      );
    }
    const from = Math.floor(startMs / MS_PER_MINUTE);
    const to = Math.ceil(endMs / MS_PER_MINUTE);
    const plan: RollupReadPlan =
      level === 'auto' ? planRollupRead(from, to, bucketMinutes) : { head: [from, to], tail: [to, to] };
    const common = {
      service: serviceName,
      bucket: bucketMinutes,
      headFrom: plan.head[0],
      headTo: plan.head[1],
      ...(operationName !== undefined ? { name: operationName } : {}),
    };
    const byName = operationName !== undefined;
    const rows = (
      plan.hours === undefined
        ? (byName ? this.statements.minutesByName : this.statements.minutes).all(common)
        : (byName ? this.statements.hoursByName : this.statements.hours).all({
            ...common,
            tailFrom: plan.tail[0],
            tailTo: plan.tail[1],
            hourFrom: plan.hours[0],
            hourTo: plan.hours[1],
          })
    ) as Row[];
    return rows.map(([name, kind, bucket, count, errors, sum, min, max, histograms]) => ({
      operation: name,
      spanKind: kindName(kind),
      bucketStartMs: bucket * MS_PER_MINUTE,
      spanCount: count,
      errorCount: errors,
      durationSumNs: sum,
      durationMinNs: min,
      durationMaxNs: max,
      histogram: mergeDenseList(histograms),
    }));
  }
}
