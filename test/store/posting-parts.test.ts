import type Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { TraceQuery } from '../../src/model/index.js';
import { postingParts, postingRowRoom } from '../../src/store/attributes/posting-parts.js';
import { MIGRATIONS } from '../../src/store/schema/migrations.js';
import type { TraceStore } from '../../src/store/index.js';
import { buildTrace } from '../support/trace-builder.js';
import { downgradeToWholePostings, openTestStore } from './store-fixture.js';

const traceId = (n: number): string => `d${n.toString(16).padStart(31, '0')}`;

/** `count` traces of 8 spans that all carry `http.request.method` GET and one of 3 shards. */
function writeRequests(store: TraceStore, count: number, first = 0): void {
  for (let n = first; n < first + count; n += 1) {
    const attributes = { 'http.request.method': 'GET', shard: n % 3 };
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

  it('keep a bucket whose spans share values off overflow pages, and searches find every span', () => {
    const { store } = openTestStore();
    writeRequests(store, 300); // 2,400 spans: buckets 0 and 1 closed
    const db = store.connection();
    expect(
      db.prepare('SELECT count(*) FROM attribute_postings WHERE part > 0').pluck().get(),
    ).toBeGreaterThan(0);
    expect(overflowPages(db)).toBe(0);
    expect(ids(store, { attributes: [{ key: 'http.request.method', value: 'GET' }] })).toHaveLength(300);
    expect(ids(store, { serviceName: 'catalog', attributes: [{ key: 'shard', value: 1 }] })).toHaveLength(
      100,
    );
    expect(ids(store, { attributes: [{ key: 'request.id', value: 'req-17' }] })).toEqual([traceId(17)]);
    // The same postings in one row each spill to overflow pages: what the parts avoid.
    downgradeToWholePostings(db);
    expect(overflowPages(db)).toBeGreaterThan(0);
  });

  it('are made from the whole rows of a data dir from before them, with the same answers', () => {
    const { store, open } = openTestStore();
    writeRequests(store, 300);
    const queries: Omit<TraceQuery, 'limit'>[] = [
      { attributes: [{ key: 'http.request.method', value: 'GET' }] },
      { serviceName: 'catalog', attributes: [{ key: 'shard', value: 2 }] },
      { attributes: [{ key: 'request.id', value: 'req-250' }] },
      { serviceName: 'catalog', minDurationMs: 0 },
    ];
    const before = queries.map((query) => ids(store, query));
    downgradeToWholePostings(store.connection());
    store.close();
    const migrated = open();
    const db = migrated.connection();
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(overflowPages(db)).toBe(0);
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
