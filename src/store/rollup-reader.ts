import type Database from 'better-sqlite3';
import { invalidArgument } from '../model/errors.js';
import { addDense, type DurationHistogram } from './duration-histogram.js';
import { kindName } from './span-codec.js';

const MS_PER_MINUTE = 60_000;

/** The rollups of one service's operations over a window, merged into buckets of whole minutes. */
export interface RollupQuery {
  serviceName: string;
  /** Only this span name (every kind of it). */
  operationName?: string;
  /** Window in ms since the epoch: the minutes whose start lies in [startMs rounded down, endMs). */
  startMs: number;
  endMs: number;
  /** Bucket size in whole minutes; buckets start at multiples of it since the epoch (UTC-aligned). */
  bucketMinutes: number;
}

/** One operation's spans that started within one bucket. */
export interface RollupBucket {
  operation: string;
  spanKind: string;
  bucketStartMs: number;
  spanCount: number;
  errorCount: number;
  durationSumNs: number;
  durationMinNs: number;
  durationMaxNs: number;
  histogram: DurationHistogram;
}

type Row = [string, number, number, number, number, number, number, number, string];

/**
 * Reads operation rollups: counts, sums, min and max added up by SQL `GROUP BY` per bucket; the
 * bucket's per-minute histograms come back concatenated into one JSON array (one parse per bucket,
 * not per minute) and are merged here.
 */
export class RollupReader {
  private readonly statements;

  constructor(db: Database.Database) {
    const select = (byName: boolean) =>
      db
        .prepare(
          `SELECT o.name, o.kind, (r.minute / CAST(:bucket AS INTEGER)) * CAST(:bucket AS INTEGER), sum(r.span_count), sum(r.error_count),
                  total(r.duration_sum_ns), min(r.duration_min_ns), max(r.duration_max_ns),
                  '[' || group_concat(r.histogram) || ']'
           FROM operations o JOIN operation_rollups r ON r.operation_id = o.id
           WHERE o.service = :service ${byName ? 'AND o.name = :name' : ''} AND r.minute >= :from AND r.minute < :to
           GROUP BY r.operation_id, 3`,
        )
        .raw();
    this.statements = { all: select(false), byName: select(true) };
  }

  read(query: RollupQuery): RollupBucket[] {
    const { serviceName, operationName, startMs, endMs, bucketMinutes } = query;
    if (!Number.isInteger(bucketMinutes) || bucketMinutes < 1) {
      throw invalidArgument(`bucket of ${String(bucketMinutes)} minutes`, 'rollups are per minute: use a whole number of minutes, at least 1');
    }
    if (!Number.isFinite(startMs) || !Number.isFinite(endMs) || startMs > endMs) {
      throw invalidArgument(`rollup window ${String(startMs)}..${String(endMs)} is not a window`, 'pass start ≤ end in ms since the epoch');
    }
    const params = {
      service: serviceName,
      bucket: bucketMinutes,
      from: Math.floor(startMs / MS_PER_MINUTE),
      to: Math.ceil(endMs / MS_PER_MINUTE),
      ...(operationName !== undefined ? { name: operationName } : {}),
    };
    const statement = operationName !== undefined ? this.statements.byName : this.statements.all;
    const rows = statement.all(params) as Row[];
    return rows.map(([name, kind, bucket, count, errors, sum, min, max, histograms]) => ({
      operation: name,
      spanKind: kindName(kind),
      bucketStartMs: bucket * MS_PER_MINUTE,
      spanCount: count,
      errorCount: errors,
      durationSumNs: sum,
      durationMinNs: min,
      durationMaxNs: max,
      histogram: mergeHistograms(histograms),
    }));
  }
}

function mergeHistograms(json: string): DurationHistogram {
  const merged: DurationHistogram = new Map();
  for (const part of JSON.parse(json) as number[][]) addDense(merged, part);
  return merged;
}
