import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/store/schema/migrations.js';
import { TRACE_GENERATION_SHIFT, TRACE_REF_BY_ID } from '../../src/store/schema/trace-generations-schema.js';
import { KnownTraces, MAX_LOAD, MIN_CAPACITY, hashOf } from '../../src/store/spans/known-traces.js';
import type { Span } from '../../src/model/index.js';
import { buildTrace } from '../support/trace-builder.js';
import { downgradeToGenerationIndex, downgradeToUniqueTraceIds, openTestStore } from './store-fixture.js';

const GENERATION = 2 ** TRACE_GENERATION_SHIFT;
const traceId = (n: number): string => `c${n.toString(16).padStart(31, '0')}`;
const oneSpan = (n: number): Span => buildTrace({ name: `t-${n}` }, traceId(n)).spans[0]!;
type Connection = { prepare(sql: string): { pluck(): { get(): unknown } } };
const count = (db: Connection, sql: string) => db.prepare(sql).pluck().get();
const traceRows = (db: Connection) => count(db, 'SELECT count(*) FROM traces');
const listedBelow = (db: Connection) =>
  count(db, "SELECT value FROM store_meta WHERE key = 'traces_listed_below'");
/** Listings of trace_generations that do not name a stored trace row by both its ids. */
const wrongListings = (db: Connection) =>
  count(
    db,
    `SELECT count(*) FROM trace_generations x LEFT JOIN traces t ON t.id = x.id AND t.trace_id = x.trace_id
     WHERE t.id IS NULL OR x.generation != t.id >> ${TRACE_GENERATION_SHIFT}`,
  );

/** Two of the test's trace ids whose hashes are equal. */
function sameHashPair(): [string, string] {
  const seen = new Map<number, string>();
  for (let n = 0; ; n += 1) {
    const id = traceId(n);
    const other = seen.get(hashOf(id));
    if (other !== undefined) return [other, id];
    seen.set(hashOf(id), id);
  }
}

/** Traces `from` to `to` - 1 of one span each, 500 to a write; `start` gives trace n its start time. */
function writeTraces(
  store: { writeSpans(spans: Span[]): void },
  from: number,
  to: number,
  start?: (n: number) => bigint,
) {
  for (let n = from; n < to; n += 500) {
    store.writeSpans(
      Array.from({ length: Math.min(500, to - n) }, (_, i) => {
        const span = oneSpan(n + i);
        if (!start) return span;
        const at = start(n + i);
        return { ...span, startTimeUnixNano: at, endTimeUnixNano: at + 1n };
      }),
    );
  }
}

describe('traces found by id through their generation', () => {
  it('are found in every generation, and trace id prefixes across generations in id order', () => {
    const { store } = openTestStore();
    const total = GENERATION + 200;
    writeTraces(store, 0, total);
    for (const n of [0, GENERATION - 2, GENERATION + 5, total - 1])
      expect(store.getTrace(traceId(n))?.spans[0]?.name).toBe(`t-${n}`);
    expect(store.getTrace(traceId(total))).toBeUndefined();
    // Traces 4,080 to 4,095 share a prefix; their rows (ids n + 1) sit either side of id 4,096,
    // the first of the second generation.
    expect(store.resolveTraceIdPrefix(traceId(GENERATION - 1).slice(0, 31), 1_000)).toEqual(
      Array.from({ length: 16 }, (_, i) => traceId(GENERATION - 16 + i)),
    );
    expect(
      store
        .connection()
        .prepare(`SELECT id >> ${TRACE_GENERATION_SHIFT} FROM traces WHERE trace_id IN (?, ?)`)
        .pluck()
        .all(traceId(GENERATION - 16), traceId(GENERATION - 1)),
    ).toEqual([0, 1]);
    expect(store.resolveTraceIdPrefix(traceId(3).slice(0, 31), 5)).toEqual(
      Array.from({ length: 5 }, (_, i) => traceId(i)),
    );
  });

  it('are listed 512 new rows at a time, the rows not listed yet read one by one', () => {
    const { store } = openTestStore();
    const db = store.connection();
    writeTraces(store, 0, 500);
    expect(count(db, 'SELECT count(*) FROM trace_generations')).toBe(0);
    expect(store.getTrace(traceId(7))?.spans[0]?.name).toBe('t-7');
    expect(store.resolveTraceIdPrefix('c', 1_000)).toHaveLength(500);
    writeTraces(store, 500, 1_000);
    expect(count(db, 'SELECT count(*) FROM trace_generations')).toBe(1_000);
    expect(listedBelow(db)).toBe(1_001);
    // Written 500 at a time, 4,396 traces are listed up to the 4,000th; generation 1 starts at row id 4,096.
    writeTraces(store, 1_000, GENERATION + 300);
    expect(listedBelow(db)).toBe(4_001);
    expect(count(db, 'SELECT count(*) FROM trace_generations')).toBe(4_000);
    expect(wrongListings(db)).toBe(0);
    for (const n of [7, 999, GENERATION - 1, GENERATION + 299])
      expect(store.getTrace(traceId(n))?.spans[0]?.name).toBe(`t-${n}`);
    expect(store.resolveTraceIdPrefix('c', 1_000)).toHaveLength(1_000);
    expect(store.resolveTraceIdPrefix(traceId(GENERATION + 299), 5)).toEqual([traceId(GENERATION + 299)]);
  });

  it('are all listed in a data dir whose generations were an index of traces', () => {
    const { store, open } = openTestStore();
    writeTraces(store, 0, 2 * GENERATION + 5);
    const found = [0, GENERATION, 2 * GENERATION + 4];
    const names = found.map((n) => store.getTrace(traceId(n))?.spans[0]?.name);
    downgradeToGenerationIndex(store.connection());
    store.close();
    const migrated = open();
    const db = migrated.connection();
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(count(db, 'SELECT count(*) FROM trace_generations')).toBe(2 * GENERATION + 5);
    expect(listedBelow(db)).toBe(2 * GENERATION + 6);
    expect(wrongListings(db)).toBe(0);
    expect(found.map((n) => migrated.getTrace(traceId(n))?.spans[0]?.name)).toEqual(names);
    writeTraces(migrated, 2 * GENERATION + 5, 2 * GENERATION + 10);
    expect(migrated.getTrace(traceId(2 * GENERATION + 9))?.spans).toHaveLength(1);
    expect(traceRows(db)).toBe(2 * GENERATION + 10);
  });

  it('give a new trace a row id above every listed one, though retention deleted the newest of them', () => {
    const { store, open } = openTestStore();
    const db = store.connection();
    // Traces 900 to 999 (row ids 901 to 1,000, listed with the others) start first: retention takes them first.
    writeTraces(store, 0, 1_000, (n) => (n >= 900 ? BigInt(n) : 2n ** 60n + BigInt(n)));
    expect(listedBelow(db)).toBe(1_001);
    open({ retention: { maxSpans: 950, maxAgeMs: Number.POSITIVE_INFINITY } }).enforceRetention();
    expect(count(db, 'SELECT max(id) FROM traces')).toBe(900);
    expect(wrongListings(db)).toBe(0);
    store.writeSpans([oneSpan(50_000)]);
    expect(store.getTrace(traceId(50_000))?.spans).toHaveLength(1);
    expect(store.resolveTraceIdPrefix(traceId(50_000), 5)).toEqual([traceId(50_000)]);
    expect(count(db, `SELECT id FROM traces WHERE trace_id = '${traceId(50_000)}'`)).toBe(1_001);
  });

  it('are looked up walking the generations only until one holds the id, not building the whole chain first', () => {
    const { store } = openTestStore();
    const plan = store.connection().prepare(`EXPLAIN QUERY PLAN ${TRACE_REF_BY_ID}`).all(traceId(1)) as {
      detail: string;
    }[];
    const details = plan.map((step) => step.detail);
    expect(details).toContain('CO-ROUTINE g');
    expect(details).not.toContain('MATERIALIZE g');
  });

  it('stay unique when two traces new in one batch share a hash, their rows not yet inserted', () => {
    const pair = sameHashPair();
    const { store } = openTestStore();
    const [first, second] = pair.map(
      (id) => buildTrace({ name: 'root', children: [{ name: 'child' }] }, id).spans,
    );
    // The second trace's lookup meets the first's entry while the first's row is still gathered.
    store.writeSpans([first![0]!, second![0]!]);
    store.writeSpans([first![1]!, second![1]!]);
    expect(traceRows(store.connection())).toBe(2);
    for (const id of pair) expect(store.getTrace(id)?.spans).toHaveLength(2);
  });

  it('stay unique when a rehash comes while retention has emptied the table and new rows are gathered', () => {
    const { store, open } = openTestStore();
    // A fresh table's slots, filled to one short of its rehash point: the next batch's second new
    // trace makes it rehash.
    const filled = Math.floor(MIN_CAPACITY * MAX_LOAD) - 1;
    writeTraces(store, 1, filled + 1);
    open({ retention: { maxSpans: 1_000_000, maxAgeMs: 1 } }).enforceRetention();
    expect(traceRows(store.connection())).toBe(0);
    const [fresh, other] = [5_000, 5_001].map(
      (n) => buildTrace({ name: 'root', children: [{ name: 'child' }] }, traceId(n)).spans,
    );
    store.writeSpans([fresh![0]!, other![0]!]);
    store.writeSpans([fresh![1]!]);
    expect(traceRows(store.connection())).toBe(2);
    expect(store.getTrace(traceId(5_000))?.spans).toHaveLength(2);
  });

  it('stay unique: more spans of a trace after a restart extend its row', () => {
    const { store, open } = openTestStore();
    const spans = buildTrace({ name: 'root', children: [{ name: 'a' }, { name: 'b' }] }, traceId(1)).spans;
    store.writeSpans(spans.slice(0, 1));
    store.close();
    const reopened = open();
    reopened.writeSpans(spans.slice(1));
    expect(traceRows(reopened.connection())).toBe(1);
    expect(reopened.findTraces({ limit: 5 })[0]?.spanCount).toBe(3);
  });

  it('tell apart two traces whose ids share a hash', () => {
    const pair = sameHashPair();
    const { store } = openTestStore();
    const [first, second] = pair.map((id) => ({ ...oneSpan(0), traceId: id }));
    store.writeSpans([first!]);
    store.writeSpans([second!]);
    store.writeSpans([
      { ...first!, spanId: 'aaaaaaaaaaaaaaa1' },
      { ...second!, spanId: 'aaaaaaaaaaaaaaa2' },
    ]);
    expect(traceRows(store.connection())).toBe(2);
    for (const id of pair) expect(store.getTrace(id)?.spans).toHaveLength(2);
    const known = new KnownTraces(store.connection(), () => undefined);
    expect(pair.map((id) => known.find(id)?.trace_id)).toEqual(pair);
  });

  it('are indexed by generation in a data dir from before, which keeps its answers and its ids unique', () => {
    const { store, open } = openTestStore();
    store.writeSpans([oneSpan(1), oneSpan(2)]);
    const before = store.getTrace(traceId(2));
    downgradeToUniqueTraceIds(store.connection());
    store.close();
    const migrated = open();
    const db = migrated.connection();
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    const indexes = db
      .prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'traces' ORDER BY name")
      .pluck()
      .all();
    expect(indexes).toEqual(['traces_by_start', 'traces_with_errors_by_start']);
    expect(migrated.getTrace(traceId(2))).toEqual(before);
    migrated.writeSpans([{ ...oneSpan(2), spanId: 'bbbbbbbbbbbbbbb1' }]);
    expect(traceRows(db)).toBe(2);
    expect(migrated.getTrace(traceId(2))?.spans).toHaveLength(2);
  });

  it('are found across generations retention emptied, and stay unique there', () => {
    const { store, open } = openTestStore();
    // Starts far ahead of the others, so retention by count keeps it while it empties the generations after.
    const kept = { ...oneSpan(0), startTimeUnixNano: 2n ** 62n, endTimeUnixNano: 2n ** 62n + 1n };
    store.writeSpans([kept]);
    const total = 3 * GENERATION + 10;
    writeTraces(store, 1, total + 1);
    open({ retention: { maxSpans: 12, maxAgeMs: Number.POSITIVE_INFINITY } }).enforceRetention();
    const generations = store
      .connection()
      .prepare(`SELECT DISTINCT id >> ${TRACE_GENERATION_SHIFT} FROM traces ORDER BY 1`)
      .pluck()
      .all();
    expect(generations).toEqual([0, 3]);
    expect(wrongListings(store.connection())).toBe(0);
    expect(store.getTrace(traceId(0))?.spans).toHaveLength(1);
    expect(store.getTrace(traceId(total))?.spans).toHaveLength(1);
    expect(store.getTrace(traceId(1))).toBeUndefined();
    expect(store.resolveTraceIdPrefix('c', 1_000)).toHaveLength(traceRows(store.connection()) as number);
    store.writeSpans([
      { ...oneSpan(total), spanId: 'ddddddddddddddd1' },
      { ...kept, spanId: 'ddddddddddddddd2' },
    ]);
    expect(store.getTrace(traceId(total))?.spans).toHaveLength(2);
    expect(store.getTrace(traceId(0))?.spans).toHaveLength(2);
    expect(
      store.connection().prepare('SELECT count(*) - count(DISTINCT trace_id) FROM traces').pluck().get(),
    ).toBe(0);
  });

  it('never give one trace’s spans under another’s id, though its row id changes hands between two reads', () => {
    const { store, open } = openTestStore();
    const other = open({ retention: { maxSpans: 1, maxAgeMs: Number.POSITIVE_INFINITY } });
    store.writeSpans(buildTrace({ name: 'one', children: [{ name: 'one-child' }] }, traceId(1)).spans);
    // Retention and a new trace run between the reader's two statements: the new trace gets the row id.
    const reader = (
      store as unknown as { reader: { statements: { traceRef: { get(id: string): unknown } } } }
    ).reader.statements;
    const lookup = reader.traceRef;
    reader.traceRef = {
      get: (id: string) => {
        const ref = lookup.get(id);
        other.enforceRetention();
        store.writeSpans([oneSpan(2)]);
        return ref;
      },
    };
    expect(store.getTrace(traceId(1))).toBeUndefined();
  });
});
