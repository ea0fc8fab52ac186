import type Database from 'better-sqlite3';
import { RollupBatch, RollupWriter } from '../rollups/rollup-writer.js';

/**
 * Migration 5: per-operation rollups by minute of span start, maintained on ingest (as span-metrics
 * pipelines do), so a trend over a week reads ~10,000 rows per operation instead of its spans.
 *
 * Keyed (operation_id, minute): live ingest appends minutes in order per operation, so a batch
 * dirties the tail page of a few operations (see trace-schema.ts on random index keys). The same
 * key serves the trend query (a range of minutes per operation) and retention by age (a seek per
 * operation). Rollups outlive spans deleted by count: aggregates are small and keep the history.
 */
const ROLLUP_TABLE = `
CREATE TABLE operation_rollups (
  operation_id INTEGER NOT NULL,      -- operations.id
  minute INTEGER NOT NULL,            -- span start, whole minutes since the epoch
  span_count INTEGER NOT NULL,
  error_count INTEGER NOT NULL,       -- status code 2
  duration_sum_ns INTEGER NOT NULL,
  duration_min_ns INTEGER NOT NULL,
  duration_max_ns INTEGER NOT NULL,
  histogram TEXT NOT NULL,            -- JSON [first bin, counts…], log-scale bins (duration-histogram.ts)
  PRIMARY KEY (operation_id, minute)
) WITHOUT ROWID`;

/** Spans read per step of the backfill: 50,000 rows of five integers is a few MB at a time. */
const BACKFILL_CHUNK = 50_000;

/** Creates the table and rolls up the spans a data dir of an older build already holds. */
export function migrateOperationRollups(db: Database.Database): void {
  db.exec(ROLLUP_TABLE);
  const read = db
    .prepare(
      `SELECT id, operation_id, start_ns, end_ns, status_code FROM spans
       WHERE id > ? ORDER BY id LIMIT ${BACKFILL_CHUNK}`,
    )
    .raw()
    .safeIntegers();
  const writer = new RollupWriter(db, false); // migration 6 folds these minutes into hours
  const batch = new RollupBatch();
  let after = 0n;
  for (;;) {
    const rows = read.all(after) as [bigint, bigint, bigint, bigint, bigint][];
    for (const [, operationId, startNs, endNs, status] of rows)
      batch.add(Number(operationId), startNs, endNs, Number(status));
    writer.write(batch);
    batch.clear();
    if (rows.length < BACKFILL_CHUNK) break;
    after = (rows[rows.length - 1] as [bigint, ...bigint[]])[0];
  }
}
