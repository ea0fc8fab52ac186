import type Database from 'better-sqlite3';
import { HourRebuild } from '../rollups/hour-rebuild.js';

/**
 * Migration 6: the same rollups per (operation, hour), kept on ingest beside the minute rows (in the
 * same transaction), so a week in buckets of whole hours reads ~170 rows per operation instead of
 * ~10,000 minute rows and their JSON histograms. Same key layout as operation_rollups: live ingest
 * updates the tail page of a few operations, and the trend query and retention seek per operation.
 */
const HOURLY_ROLLUP_TABLE = `
CREATE TABLE operation_hourly_rollups (
  operation_id INTEGER NOT NULL,      -- operations.id
  hour INTEGER NOT NULL,              -- span start, whole hours since the epoch (UTC)
  span_count INTEGER NOT NULL,
  error_count INTEGER NOT NULL,       -- status code 2
  duration_sum_ns INTEGER NOT NULL,
  duration_min_ns INTEGER NOT NULL,
  duration_max_ns INTEGER NOT NULL,
  histogram TEXT NOT NULL,            -- JSON [first bin, counts…], as in operation_rollups
  PRIMARY KEY (operation_id, hour)
) WITHOUT ROWID`;

/** Creates the table and folds the minute rows a data dir already holds into it (not its spans: those may be gone). */
export function migrateHourlyRollups(db: Database.Database): void {
  db.exec(HOURLY_ROLLUP_TABLE);
  const rebuild = new HourRebuild(db);
  const operations = db.prepare('SELECT id FROM operations ORDER BY id').pluck().all() as number[];
  for (const operationId of operations) rebuild.operation(operationId);
}
