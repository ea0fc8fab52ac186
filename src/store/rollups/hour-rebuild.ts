import type Database from 'better-sqlite3';
import { encodeHistogram, mergeDenseList } from '../../model/duration-histogram.js';

type Row = [bigint, bigint, bigint, bigint, bigint, bigint, bigint, string];

const COLUMNS = `sum(span_count), sum(error_count), sum(duration_sum_ns), min(duration_min_ns), max(duration_max_ns),
  '[' || group_concat(histogram) || ']'`;

/**
 * Rewrites hourly rollups from the minute rows, which are the truth: for the backfill of migration 6
 * (one operation at a time, so a year of hours is ~9,000 rows in memory) and for the hour that
 * retention by age cuts in two (its hourly row must drop the minutes deleted under it).
 * Integers are read as BigInt: an hour's duration sum can pass 2^53 ns (104 days of span time).
 */
export class HourRebuild {
  private readonly statements;

  constructor(db: Database.Database) {
    this.statements = {
      ofOperation: db
        .prepare(
          `SELECT operation_id, minute / 60, ${COLUMNS} FROM operation_rollups
           WHERE operation_id = ? GROUP BY minute / 60`,
        )
        .raw()
        .safeIntegers(),
      ofHour: db
        .prepare(
          `SELECT operation_id, minute / 60, ${COLUMNS} FROM operation_rollups
           WHERE operation_id IN (SELECT id FROM operations) AND minute >= ? AND minute < ? GROUP BY operation_id`,
        )
        .raw()
        .safeIntegers(),
      deleteHour: db.prepare(
        'DELETE FROM operation_hourly_rollups WHERE operation_id IN (SELECT id FROM operations) AND hour = ?',
      ),
      insert: db.prepare(
        `INSERT OR REPLACE INTO operation_hourly_rollups (operation_id, hour, span_count, error_count, duration_sum_ns,
           duration_min_ns, duration_max_ns, histogram) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
    };
  }

  /** Every hour of one operation. */
  operation(operationId: number): void {
    this.insert(this.statements.ofOperation.all(operationId) as Row[]);
  }

  /** One hour (whole hours since the epoch) of every operation, including the rows that no longer have minutes. */
  hour(hour: number): void {
    this.statements.deleteHour.run(hour);
    this.insert(this.statements.ofHour.all(hour * 60, hour * 60 + 60) as Row[]);
  }

  private insert(rows: Row[]): void {
    for (const [operationId, hour, count, errors, sum, min, max, histograms] of rows) {
      this.statements.insert.run(
        operationId,
        hour,
        count,
        errors,
        sum,
        min,
        max,
        encodeHistogram(mergeDenseList(histograms)),
      );
    }
  }
}
