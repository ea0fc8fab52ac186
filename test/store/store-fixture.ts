/**
 * A real store in a fresh temporary data dir, removed when the test ends.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type Database from 'better-sqlite3';
import { onTestFinished } from 'vitest';
import type { Attributes } from '../../src/model/index.js';
import { indexValue } from '../../src/store/attributes/attribute-values.js';
import { decodeSpanMessage } from '../../src/otlp/span-message.js';
import {
  PLAIN,
  TAGGED,
  decodeJson,
  encodeJson,
  hasSpecialNumber,
  type Encoding,
} from '../../src/store/schema/json-codec.js';
import { TRACE_GENERATION_SHIFT } from '../../src/store/schema/trace-generations-schema.js';
import { bucketOf } from '../../src/store/spans/span-buckets.js';
import { BodyLog, isBodyLocator } from '../../src/store/spans/body-log.js';
import { openTraceStore, type TraceStore, type TraceStoreOptions } from '../../src/store/index.js';

export interface TestStore {
  store: TraceStore;
  dataDir: string;
  /** Lines the store logged. */
  logged: string[];
  /** Another store on the same data dir (closed with the test). */
  open(overrides?: Partial<TraceStoreOptions>): TraceStore;
}

export function openTestStore(overrides: Partial<TraceStoreOptions> = {}): TestStore {
  const dataDir = mkdtempSync(join(tmpdir(), 'otel-mcp-store-test-'));
  const logged: string[] = [];
  const opened: TraceStore[] = [];
  const open = (more: Partial<TraceStoreOptions> = {}): TraceStore => {
    const store = openTraceStore({
      dataDir,
      retention: { maxSpans: 1_000_000, maxAgeMs: Number.POSITIVE_INFINITY },
      log: (line) => logged.push(line),
      ...overrides,
      ...more,
    });
    opened.push(store);
    return store;
  };
  const store = open();
  onTestFinished(() => {
    for (const each of opened) each.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return { store, dataDir, logged, open };
}

/**
 * Takes a current data dir back to before migration 14: trace ids in the index of `traces` by
 * generation again, no trace_generations table, schema version 13.
 */
export function downgradeToGenerationIndex(db: Database.Database): void {
  db.exec(`DROP TABLE trace_generations;
    DELETE FROM store_meta WHERE key = 'traces_listed_below';
    CREATE INDEX traces_by_generation ON traces (id >> ${TRACE_GENERATION_SHIFT}, trace_id);
    DELETE FROM schema_migrations WHERE version = 14; PRAGMA user_version = 13`);
}

/**
 * Takes a current data dir back to before migration 13: every span's body in its row, none in the
 * span-bodies files, schema version 12.
 */
export function downgradeToBodiesInRows(db: Database.Database): void {
  downgradeToGenerationIndex(db);
  const bodies = new BodyLog(dirname(db.name));
  const update = db.prepare('UPDATE spans SET body = ? WHERE id = ?');
  for (const row of db.prepare('SELECT id, body FROM spans WHERE body IS NOT NULL').all() as {
    id: number;
    body: Buffer;
  }[]) {
    if (isBodyLocator(row.body)) update.run(bodies.resolve(row.body), row.id);
  }
  bodies.close();
  db.exec('DELETE FROM schema_migrations WHERE version = 13; PRAGMA user_version = 12');
}

/**
 * Takes a current data dir back to before migration 12: each (bucket, key, value) of the postings in
 * one row, its parts' offsets joined in order, schema version 11.
 */
export function downgradeToWholePostings(db: Database.Database): void {
  downgradeToBodiesInRows(db);
  db.exec(`CREATE TABLE attribute_postings_whole (
      bucket INTEGER NOT NULL, key_id INTEGER NOT NULL, value ANY NOT NULL, offsets TEXT NOT NULL,
      PRIMARY KEY (bucket, key_id, value)) WITHOUT ROWID, STRICT;
    INSERT INTO attribute_postings_whole (bucket, key_id, value, offsets)
      SELECT p.bucket, p.key_id, p.value, json_group_array(o.value ORDER BY p.part, o.key)
      FROM attribute_postings p CROSS JOIN json_each(p.offsets) o
      GROUP BY p.bucket, p.key_id, p.value;
    DROP TABLE attribute_postings;
    ALTER TABLE attribute_postings_whole RENAME TO attribute_postings;
    DELETE FROM schema_migrations WHERE version = 12; PRAGMA user_version = 11`);
}

/**
 * Takes a current data dir back to before migration 11: traces.trace_id UNIQUE again, no
 * generation index, schema version 10.
 */
export function downgradeToUniqueTraceIds(db: Database.Database): void {
  downgradeToWholePostings(db);
  db.exec(`CREATE TABLE traces_old (
      id INTEGER PRIMARY KEY, trace_id TEXT NOT NULL UNIQUE, start_ns INTEGER NOT NULL, end_ns INTEGER NOT NULL,
      span_count INTEGER NOT NULL, error_count INTEGER NOT NULL, root_span_id TEXT, root_start_ns INTEGER,
      root_service TEXT, root_name TEXT, services TEXT NOT NULL);
    INSERT INTO traces_old SELECT id, trace_id, start_ns, end_ns, span_count, error_count, root_span_id,
      root_start_ns, root_service, root_name, services FROM traces;
    DROP TABLE traces;
    ALTER TABLE traces_old RENAME TO traces;
    CREATE INDEX traces_by_start ON traces (start_ns);
    CREATE INDEX traces_with_errors_by_start ON traces (start_ns) WHERE error_count > 0;
    DELETE FROM schema_migrations WHERE version = 11; PRAGMA user_version = 10`);
}

/**
 * Takes a current data dir back to before migration 10: the unique per-span index by trace and span id
 * again, no trace_span_runs, schema version 9.
 */
export function downgradeToPerSpanTraceIndex(db: Database.Database): void {
  downgradeToUniqueTraceIds(db);
  db.exec(`CREATE UNIQUE INDEX spans_by_trace ON spans (trace_ref, span_id);
    DROP TABLE trace_span_runs;
    DELETE FROM schema_migrations WHERE version = 10; PRAGMA user_version = 9`);
}

/**
 * Takes a current data dir back to before migration 9: the three per-span indexes again, and no
 * postings for operations, durations or resources, leaving schema version 8.
 */
export function downgradeToPerSpanFieldIndexes(db: Database.Database): void {
  downgradeToPerSpanTraceIndex(db);
  db.exec(`CREATE INDEX spans_by_operation ON spans (operation_id, bucket, duration_ns);
    CREATE INDEX spans_by_duration ON spans (bucket, duration_ns);
    CREATE INDEX spans_by_resource ON spans (resource_id);
    DELETE FROM attribute_postings WHERE key_id < 0;
    DELETE FROM schema_migrations WHERE version = 9; PRAGMA user_version = 8`);
}

/**
 * Turns a current data dir's span bodies back into the JSON columns rows had before migration 8 and
 * drops the body column, leaving schema version 7: a data dir as a build before span bodies wrote it.
 * The columns are written as that build wrote them (JSON.stringify, tagged when a number JSON cannot
 * carry is in it; event times as decimal strings).
 */
export function downgradeToJsonSpanColumns(db: Database.Database): void {
  downgradeToPerSpanFieldIndexes(db);
  const update = db.prepare(
    `UPDATE spans SET status_message = ?, trace_state = ?, flags = ?, attributes = ?, dropped_attributes = ?,
       events = ?, dropped_events = ?, links = ?, dropped_links = ?, encoding = ? WHERE id = ?`,
  );
  const none = { attributes: {}, droppedAttributesCount: 0 };
  for (const row of db.prepare('SELECT id, body FROM spans WHERE body IS NOT NULL').all() as {
    id: number;
    body: Buffer;
  }[]) {
    const span = decodeSpanMessage(row.body, none, { name: '', ...none }, '');
    const encoding =
      hasSpecialNumber(span.attributes) ||
      span.events.some((event) => hasSpecialNumber(event.attributes)) ||
      span.links.some((link) => hasSpecialNumber(link.attributes))
        ? TAGGED
        : PLAIN;
    const events = span.events.map((event) => ({ ...event, timeUnixNano: event.timeUnixNano.toString() }));
    update.run(
      span.status.message ?? null,
      span.traceState ?? null,
      span.flags ?? null,
      encodeJson(span.attributes, encoding),
      span.droppedAttributesCount,
      events.length === 0 ? null : encodeJson(events, encoding),
      span.droppedEventsCount,
      span.links.length === 0 ? null : encodeJson(span.links, encoding),
      span.droppedLinksCount,
      encoding,
      row.id,
    );
  }
  db.exec(
    'ALTER TABLE spans DROP COLUMN body; DELETE FROM schema_migrations WHERE version = 8; PRAGMA user_version = 7',
  );
}

/**
 * Turns a current data dir's attribute index back into migration 1's per-span `span_attributes`
 * rows and drops what migrations 7 and 8 added, leaving schema version 6: a data dir as a build before the
 * postings wrote it. Rows are rebuilt from the spans' JSON with the same coercion the index uses.
 */
export function downgradeToPerSpanAttributeIndex(db: Database.Database): void {
  downgradeToJsonSpanColumns(db);
  db.exec(`CREATE TABLE span_attributes (
    bucket INTEGER NOT NULL, key_id INTEGER NOT NULL, value ANY NOT NULL, span_ref INTEGER NOT NULL,
    PRIMARY KEY (bucket, key_id, value, span_ref)) WITHOUT ROWID, STRICT`);
  const key = db.prepare('SELECT id FROM attribute_keys WHERE key = ?').pluck();
  const insert = db.prepare(
    'INSERT INTO span_attributes (bucket, key_id, value, span_ref) VALUES (?, ?, ?, ?)',
  );
  for (const span of db.prepare('SELECT id, attributes, encoding FROM spans').all() as {
    id: number;
    attributes: string;
    encoding: number;
  }[]) {
    const attributes = decodeJson<Attributes>(span.attributes, span.encoding as Encoding);
    for (const [name, value] of Object.entries(attributes))
      insert.run(bucketOf(span.id), key.get(name), indexValue(value), span.id);
  }
  db.exec(
    'DROP TABLE attribute_postings; DROP TABLE store_meta; DELETE FROM schema_migrations WHERE version = 7; PRAGMA user_version = 6',
  );
}
