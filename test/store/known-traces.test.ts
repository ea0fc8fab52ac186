import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../src/store/schema/migrations.js';
import { TRACE_GENERATION_SHIFT } from '../../src/store/schema/trace-generations-schema.js';
import { KnownTraces, hashOf } from '../../src/store/spans/known-traces.js';
import type { Span } from '../../src/model/index.js';
import { buildTrace } from '../support/trace-builder.js';
import { downgradeToUniqueTraceIds, openTestStore } from './store-fixture.js';

const GENERATION = 2 ** TRACE_GENERATION_SHIFT;
const traceId = (n: number): string => `c${n.toString(16).padStart(31, '0')}`;
const oneSpan = (n: number): Span => buildTrace({ name: `t-${n}` }, traceId(n)).spans[0]!;
const traceRows = (db: { prepare(sql: string): { pluck(): { get(): unknown } } }) =>
  db.prepare('SELECT count(*) FROM traces').pluck().get();

describe('traces found by id through their generation', () => {
  it('are found in every generation, and trace id prefixes across generations in id order', () => {
    const { store } = openTestStore();
    const total = GENERATION + 200;
    for (let n = 0; n < total; n += 500)
      store.writeSpans(Array.from({ length: Math.min(500, total - n) }, (_, i) => oneSpan(n + i)));
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
        .prepare('SELECT id >> 12 FROM traces WHERE trace_id IN (?, ?)')
        .pluck()
        .all(traceId(GENERATION - 16), traceId(GENERATION - 1)),
    ).toEqual([0, 1]);
    expect(store.resolveTraceIdPrefix(traceId(3).slice(0, 31), 5)).toEqual(
      Array.from({ length: 5 }, (_, i) => traceId(i)),
    );
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
    const seen = new Map<number, string>();
    let pair: [string, string] | undefined;
    for (let n = 0; !pair; n += 1) {
      const id = traceId(n);
      const other = seen.get(hashOf(id));
      if (other !== undefined) pair = [other, id];
      seen.set(hashOf(id), id);
    }
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
    const known = new KnownTraces(store.connection());
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
    expect(indexes).toEqual(['traces_by_generation', 'traces_by_start', 'traces_with_errors_by_start']);
    expect(migrated.getTrace(traceId(2))).toEqual(before);
    migrated.writeSpans([{ ...oneSpan(2), spanId: 'bbbbbbbbbbbbbbb1' }]);
    expect(traceRows(db)).toBe(2);
    expect(migrated.getTrace(traceId(2))?.spans).toHaveLength(2);
  });
});
