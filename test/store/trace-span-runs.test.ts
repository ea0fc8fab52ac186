import { describe, expect, it } from 'vitest';
import type { Span } from '../../src/model/index.js';
import { MIGRATIONS } from '../../src/store/schema/migrations.js';
import type { TraceStore } from '../../src/store/index.js';
import { buildTrace } from '../support/trace-builder.js';
import { downgradeToPerSpanTraceIndex, openTestStore } from './store-fixture.js';

const traceId = (n: number): string => `a${n.toString(16).padStart(31, '0')}`;

/** Two traces of 6 spans, each exported in three parts that alternate between them. */
function writeInParts(store: TraceStore): { first: Span[]; second: Span[] } {
  const trace = (n: number) =>
    buildTrace(
      {
        name: `root-${n}`,
        children: Array.from({ length: 5 }, (_, index) => ({ name: `child-${index}`, startMs: index + 1 })),
      },
      traceId(n),
    ).spans;
  const first = trace(1);
  const second = trace(2);
  for (let part = 0; part < 3; part += 1) {
    store.writeSpans(first.slice(part * 2, part * 2 + 2));
    store.writeSpans(second.slice(part * 2, part * 2 + 2));
  }
  return { first, second };
}

const runs = (store: TraceStore) =>
  store
    .connection()
    .prepare('SELECT trace_ref, first_span, last_span FROM trace_span_runs ORDER BY first_span')
    .raw()
    .all();

const spanIds = (spans: readonly Span[]) => spans.map((span) => span.spanId).sort();

describe('the runs of span ids that find a trace’s spans', () => {
  it('keep one run per write of a trace, and read back a trace exported in parts whole', () => {
    const { store } = openTestStore();
    const { first, second } = writeInParts(store);
    expect(runs(store)).toEqual([
      [1, 1, 2],
      [2, 3, 4],
      [1, 5, 6],
      [2, 7, 8],
      [1, 9, 10],
      [2, 11, 12],
    ]);
    expect(spanIds(store.getTrace(traceId(1))!.spans)).toEqual(spanIds(first));
    expect(spanIds(store.getTrace(traceId(2))!.spans)).toEqual(spanIds(second));
    expect(store.getSpan(traceId(2), second[5]!.spanId)?.name).toBe(second[5]!.name);
  });

  it('store a span sent again once, whether in a later export of its trace or twice in one', () => {
    const { store } = openTestStore();
    const { first } = writeInParts(store);
    const extra = { ...buildTrace({ name: 'late' }, traceId(1)).spans[0]!, spanId: 'ffffffffffffff01' };
    store.writeSpans([first[0]!, first[3]!, extra, extra, first[5]!]);
    expect(store.getTrace(traceId(1))!.spans).toHaveLength(7);
    expect(runs(store).at(-1)).toEqual([1, 13, 13]);
    expect(store.findTraces({ limit: 5 }).find((summary) => summary.traceId === traceId(1))?.spanCount).toBe(
      7,
    );
  });

  it('let retention delete every run of a trace and nothing of the others', () => {
    const { store, open } = openTestStore();
    writeInParts(store);
    store.close();
    const small = open({ retention: { maxSpans: 8, maxAgeMs: Number.POSITIVE_INFINITY } });
    small.enforceRetention();
    expect(small.getTrace(traceId(1))).toBeUndefined();
    expect(small.getTrace(traceId(2))!.spans).toHaveLength(6);
    expect(runs(small).map((run) => (run as number[])[0])).toEqual([2, 2, 2]);
    expect(small.connection().prepare('SELECT count(*) FROM spans').pluck().get()).toBe(6);
  });

  it('are made from the spans of a data dir from before them, which then reads, de-duplicates and retains as a new one', () => {
    const { store, open } = openTestStore();
    const { first, second } = writeInParts(store);
    const before = [store.getTrace(traceId(1)), store.getTrace(traceId(2))];
    downgradeToPerSpanTraceIndex(store.connection());
    store.close();
    const migrated = open();
    const db = migrated.connection();
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(db.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'spans_by_trace'").pluck().get()).toBe(
      0,
    );
    expect(runs(migrated)).toHaveLength(6);
    expect([migrated.getTrace(traceId(1)), migrated.getTrace(traceId(2))]).toEqual(before);
    migrated.writeSpans([first[1]!, second[4]!]);
    expect(db.prepare('SELECT count(*) FROM spans').pluck().get()).toBe(12);
  });
});
