import type Database from 'better-sqlite3';
import { OtelMcpError } from '../../model/errors.js';
import { ATTRIBUTE_POSTINGS_SCHEMA } from '../attributes/attribute-postings.js';
import { migratePostingParts } from '../attributes/posting-parts.js';
import { migrateHourlyRollups } from './hourly-rollup-schema.js';
import { migrateOperationRollups } from './rollup-schema.js';
import { SESSION_SCHEMA } from './session-schema.js';
import { migrateSpanFieldPostings } from '../spans/span-field-postings.js';
import { SPAN_BODY_SCHEMA } from './span-body-schema.js';
import { SPAN_LINKS_BACKFILL, SPAN_LINKS_SCHEMA } from './span-links-schema.js';
import { SPEC_SCHEMA } from './spec-schema.js';
import { TRACE_SCHEMA } from './trace-schema.js';
import { TRACE_GENERATION_TABLE_SCHEMA, TRACE_GENERATIONS_SCHEMA } from './trace-generations-schema.js';
import { TRACE_SPAN_RUNS_SCHEMA } from './trace-span-runs-schema.js';

/**
 * One step of the schema. Versions are 1, 2, 3 … in list order and are recorded in
 * `PRAGMA user_version`; each step runs once, in its own transaction with the version bump, so a
 * crash between steps leaves the database at a clean earlier version.
 */
export interface Migration {
  version: number;
  /** Unique and stable: recorded with the version, so two builds that disagree on step N are caught. */
  name: string;
  up: string | ((db: Database.Database) => void);
}

/**
 * Every migration of the data dir, in order. Later repositories of `src/store` (specs, sessions)
 * add their tables in their own file and append one entry here, with the next version number.
 */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'traces', up: TRACE_SCHEMA },
  { version: 2, name: 'trace_specs', up: SPEC_SCHEMA },
  { version: 3, name: 'dev_sessions', up: SESSION_SCHEMA },
  { version: 4, name: 'span_links', up: SPAN_LINKS_SCHEMA + SPAN_LINKS_BACKFILL },
  { version: 5, name: 'operation_rollups', up: migrateOperationRollups },
  { version: 6, name: 'operation_hourly_rollups', up: migrateHourlyRollups },
  { version: 7, name: 'attribute_postings', up: ATTRIBUTE_POSTINGS_SCHEMA },
  { version: 8, name: 'span_bodies', up: SPAN_BODY_SCHEMA },
  { version: 9, name: 'span_field_postings', up: migrateSpanFieldPostings },
  { version: 10, name: 'trace_span_runs', up: TRACE_SPAN_RUNS_SCHEMA },
  { version: 11, name: 'trace_generations', up: TRACE_GENERATIONS_SCHEMA },
  { version: 12, name: 'posting_parts', up: migratePostingParts },
  // No table changes: from here on a span's `body` may hold a locator into span-bodies/ files
  // (spans/body-log.ts). The version makes an older build refuse the data dir instead of reading a
  // locator as the span's message.
  { version: 13, name: 'span_body_files', up: () => undefined },
  { version: 14, name: 'trace_generation_table', up: TRACE_GENERATION_TABLE_SCHEMA },
];

/** Recorded beside `user_version` so a data dir written by a build with other steps is refused, not misread. */
const MIGRATION_LOG = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  applied_at_ms INTEGER NOT NULL
)`;

/** Applies the migrations the database has not seen yet; returns the resulting version. */
export function applyMigrations(
  db: Database.Database,
  migrations: readonly Migration[],
  nowMs: () => number = Date.now,
): number {
  checkSequence(migrations);
  const current = userVersion(db);
  if (current > migrations.length) throw newerSchema(db, current, migrations.length);
  if (current > 0) checkRecordedNames(db, migrations.slice(0, current));
  db.exec(MIGRATION_LOG);
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES (?, ?, ?)');
  for (const migration of migrations.slice(current)) {
    db.transaction(() => {
      if (typeof migration.up === 'string') db.exec(migration.up);
      else migration.up(db);
      record.run(migration.version, migration.name, nowMs());
      db.pragma(`user_version = ${migration.version}`);
    }).immediate();
  }
  return migrations.length;
}

/** For a read-only connection: the schema must already be exactly the one this build knows. */
export function checkMigrated(db: Database.Database, migrations: readonly Migration[]): void {
  checkSequence(migrations);
  const current = userVersion(db);
  if (current > migrations.length) throw newerSchema(db, current, migrations.length);
  if (current < migrations.length) {
    throw new OtelMcpError(
      'CONFLICT',
      `data dir ${db.name} has schema version ${current}, this otel-mcp needs ${migrations.length}`,
      'open it once read-write (start otel-mcp serve on it) so it is migrated, then read it again',
    );
  }
  checkRecordedNames(db, migrations);
}

export function userVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function checkSequence(migrations: readonly Migration[]): void {
  const names = new Set<string>();
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1 || names.has(migration.name)) {
      throw new OtelMcpError(
        'INTERNAL',
        `migration '${migration.name}' has version ${migration.version} at position ${index + 1}`,
        'migrations are numbered 1, 2, 3 … in list order, with unique names',
      );
    }
    names.add(migration.name);
  });
}

function checkRecordedNames(db: Database.Database, expected: readonly Migration[]): void {
  const rows = db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all() as {
    version: number;
    name: string;
  }[];
  for (const migration of expected) {
    const recorded = rows.find((row) => row.version === migration.version);
    if (recorded && recorded.name !== migration.name) {
      throw new OtelMcpError(
        'CONFLICT',
        `data dir ${db.name} applied migration ${migration.version} as '${recorded.name}', this otel-mcp has '${migration.name}' there`,
        'the data dir was written by a different build of otel-mcp; use another --data-dir',
      );
    }
  }
}

function newerSchema(db: Database.Database, current: number, known: number): OtelMcpError {
  return new OtelMcpError(
    'CONFLICT',
    `data dir ${db.name} has schema version ${current}, newer than this otel-mcp knows (${known})`,
    'upgrade otel-mcp, or use another --data-dir',
  );
}
