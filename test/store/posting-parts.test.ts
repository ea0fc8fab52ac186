import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Attributes, TraceQuery } from '../../src/model/index.js';
import { postingParts, postingRowRoom } from '../../src/store/attributes/posting-parts.js';
import { MIGRATIONS } from '../../src/store/schema/migrations.js';
import type { TraceStore } from '../../src/store/index.js';
import { buildTrace } from '../support/trace-builder.js';
import { downgradeToWholePostings, openTestStore } from './store-fixture.js';

const traceId = (n: number): string => `d${n.toString(16).padStart(31, '0')}`;

/** On every span: the longest value indexed, 128 characters of 3 bytes each in UTF-8. */
const LONG_NOTE = '€'.repeat(128);

/** `count` traces of 8 spans that all carry `http.request.method` GET, LONG_NOTE and one of 3 shards. */
function writeRequests(store: TraceStore, count: number, first = 0): void {
  for (let n = first; n < first + count; n += 1) {
    // memo: on 4 traces in 9, so its offsets alone fit a row and with the value do not.
    const memo: Attributes = n % 9 < 4 ? { memo: LONG_NOTE } : {};
    const attributes: Attributes = { 'http.request.method': 'GET', note: LONG_NOTE, shard: n % 3, ...memo };
    const trace = buildTrace(
      {
        name: 'GET /items',
        service: 'catalog',
        attributes: { ...attributes, 'request.id': `req-${n}` },
        children: Array.from({ length: 7 }, (_, index) => ({ name: `load-${index}`, attributes })),
      },
      traceId(n),
    );
    store.writeSpans(trace.spans);
  }
}

const overflowPages = (db: Database.Database): number =>
  db
    .prepare("SELECT count(*) FROM dbstat WHERE name = 'attribute_postings' AND pagetype = 'overflow'")
    .pluck()
    .get() as number;

const ids = (store: TraceStore, query: Omit<TraceQuery, 'limit'>): string[] =>
  store
    .findTraces({ limit: 1000, ...query })
    .map((summary) => summary.traceId)
    .sort();

describe('posting parts', () => {
  it('split ascending offsets into runs whose JSON fits the room, every offset once and in order', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (const room of [12, 100, 1_990]) {
      for (const density of [0.05, 0.5, 1]) {
        const offsets = Array.from({ length: 1_024 }, (_, offset) => offset).filter(() => random() < density);
        const parts = postingParts(offsets, room);
        for (const part of parts) expect(part.length).toBeLessThanOrEqual(room);
        expect(parts.flatMap((part) => JSON.parse(part) as number[])).toEqual(offsets);
      }
    }
    expect(postingParts([3, 40, 500, 1_023], 1_990)).toEqual(['[3,40,500,1023]']);
    expect(postingParts([0, 1, 2], 5)).toEqual(['[0,1]', '[2]']);
    expect(postingParts([0, 1, 2], 4)).toEqual(['[0]', '[1]', '[2]']);
  });

  it.each([8_192, 4_096])(
    'keep a bucket whose spans share values off overflow pages of %i bytes, and searches find every span',
    (pageSize) => {
      // Data dirs created before 8 KiB pages keep the 4 KiB they were made with.
      const dataDir = mkdtempSync(join(tmpdir(), 'otel-mcp-parts-'));
      onTestFinished(() => rmSync(dataDir, { recursive: true, force: true }));
      const created = new Database(join(dataDir, 'otel-mcp.sqlite'));
      created.pragma(`page_size = ${pageSize}`);
      created.pragma('journal_mode = WAL');
      created.close();
      const { store } = openTestStore({ dataDir });
      writeRequests(store, 300); // 2,400 spans: buckets 0 and 1 closed
      const db = store.connection();
      expect(db.pragma('page_size', { simple: true })).toBe(pageSize);
      expect(
        db.prepare('SELECT count(*) FROM attribute_postings WHERE part > 0').pluck().get(),
      ).toBeGreaterThan(0);
      expect(overflowPages(db)).toBe(0);
      expect(ids(store, { attributes: [{ key: 'http.request.method', value: 'GET' }] })).toHaveLength(300);
      expect(ids(store, { serviceName: 'catalog', attributes: [{ key: 'shard', value: 1 }] })).toHaveLength(
        100,
      );
      expect(ids(store, { attributes: [{ key: 'request.id', value: 'req-17' }] })).toEqual([traceId(17)]);
      expect(ids(store, { attributes: [{ key: 'note', value: LONG_NOTE }] })).toHaveLength(300);
      // The same postings in one row each spill to overflow pages: what the parts avoid.
      downgradeToWholePostings(db);
      expect(overflowPages(db)).toBeGreaterThan(0);
    },
  );

  it('are made from the whole rows of a data dir from before them, with the same answers', () => {
    const { store, open } = openTestStore();
    writeRequests(store, 300);
    const queries: Omit<TraceQuery, 'limit'>[] = [
      { attributes: [{ key: 'http.request.method', value: 'GET' }] },
      { serviceName: 'catalog', attributes: [{ key: 'shard', value: 2 }] },
      { attributes: [{ key: 'request.id', value: 'req-250' }] },
      { attributes: [{ key: 'note', value: LONG_NOTE }] },
      { attributes: [{ key: 'memo', value: LONG_NOTE }] },
      { serviceName: 'catalog', minDurationMs: 0 },
    ];
    const before = queries.map((query) => ids(store, query));
    downgradeToWholePostings(store.connection());
    store.close();
    const migrated = open();
    const db = migrated.connection();
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(overflowPages(db)).toBe(0);
    // Operation, duration and resource values stay integers through the copy and the split.
    expect(
      db.prepare('SELECT DISTINCT typeof(value) FROM attribute_postings WHERE key_id < 0').pluck().all(),
    ).toEqual(['integer']);
    expect(queries.map((query) => ids(migrated, query))).toEqual(before);
    expect(before[0]).toHaveLength(300);
    writeRequests(migrated, 200, 300);
    expect(ids(migrated, { attributes: [{ key: 'shard', value: 0 }] })).toHaveLength(167);
    expect(overflowPages(db)).toBe(0);
  });

  it('leave room on a page of any size SQLite allows', () => {
    // The largest local payload of an index cell, less the row's integers and header.
    expect(postingRowRoom(8_192)).toBe(1_998);
    expect(postingRowRoom(4_096)).toBe(970);
    expect(postingRowRoom(512)).toBeGreaterThan(40);
  });
});
