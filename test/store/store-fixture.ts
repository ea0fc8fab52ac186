/**
 * A real store in a fresh temporary data dir, removed when the test ends.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { onTestFinished } from 'vitest';
import type { Attributes } from '../../src/model/index.js';
import { indexValue } from '../../src/store/attributes/attribute-values.js';
import { decodeJson, type Encoding } from '../../src/store/schema/json-codec.js';
import { bucketOf } from '../../src/store/spans/span-buckets.js';
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
 * Turns a current data dir's attribute index back into migration 1's per-span `span_attributes`
 * rows and drops what migration 7 added, leaving schema version 6: a data dir as a build before the
 * postings wrote it. Rows are rebuilt from the spans' JSON with the same coercion the index uses.
 */
export function downgradeToPerSpanAttributeIndex(db: Database.Database): void {
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
