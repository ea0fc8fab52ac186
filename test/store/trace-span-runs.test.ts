import { describe, expect, it } from 'vitest';
import type { Span } from '../../src/model/index.js';
import { MIGRATIONS } from '../../src/store/schema/migrations.js';
import { encodeSpans } from '../../src/store/spans/encoded-spans.js';
import { ROWS_PER_INSERT } from '../../src/store/spans/multi-row-insert.js';
import { StoredSpanIds } from '../../src/store/spans/stored-span-ids.js';
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

  it('store every span of writes that fill the row inserts exactly, leave some over, or hold one span', () => {
    const { store } = openTestStore();
    // Rows go to SQLite ROWS_PER_INSERT at a time: writes on either side of that size, in one store.
    const sizes = [ROWS_PER_INSERT, ROWS_PER_INSERT + 1, 1, ROWS_PER_INSERT - 1, 2 * ROWS_PER_INSERT + 3];
    const written = sizes.map((size, n) => {
      const { spans } = buildTrace(
        {
          name: `root-${n}`,
          children: Array.from({ length: size - 1 }, (_, index) => ({ name: `c-${index}` })),
        },
        traceId(n + 1),
      );
      store.writeSpans(spans);
      return spans;
    });
    written.forEach((spans, n) =>
      expect(spanIds(store.getTrace(traceId(n + 1))!.spans)).toEqual(spanIds(spans)),
    );
    const total = sizes.reduce((sum, size) => sum + size, 0);
    expect(store.connection().prepare('SELECT count(*) FROM spans').pluck().get()).toBe(total);
  });

  it('store the trace and run rows of batches whose new traces fill the row inserts, leave some over, or come back', () => {
    const { store } = openTestStore();
    // Trace and run rows also go to SQLite ROWS_PER_INSERT at a time; the second batch of the
    // transaction extends traces of the first, which must read their gathered rows back.
    const trace = (n: number) =>
      buildTrace({ name: `root-${n}`, children: [{ name: 'child' }] }, traceId(n)).spans;
    const traces = Array.from({ length: 2 * ROWS_PER_INSERT + 5 }, (_, n) => trace(n + 1));
    const firstBatch = traces.slice(0, ROWS_PER_INSERT + 3).flatMap((spans) => spans.slice(0, 1));
    const secondBatch = [
      ...traces.slice(0, ROWS_PER_INSERT + 3).flatMap((spans) => spans.slice(1)),
      ...traces.slice(ROWS_PER_INSERT + 3).flat(),
    ];
    store.writeEncodedSpans([encodeSpans(firstBatch), encodeSpans(secondBatch)]);
    traces.forEach((spans, n) => {
      expect(spanIds(store.getTrace(traceId(n + 1))!.spans)).toEqual(spanIds(spans));
    });
    const summaries = store.findTraces({ limit: traces.length });
    expect(summaries).toHaveLength(traces.length);
    expect(summaries.every((summary) => summary.spanCount === 2)).toBe(true);
    // One run for each trace's first part, one for each later part.
    expect(runs(store)).toHaveLength(traces.length + ROWS_PER_INSERT + 3);
  });

  it('store a span sent again in a later batch of the same transaction once, past a full row insert', () => {
    const { store } = openTestStore();
    const { spans } = buildTrace(
      {
        name: 'root',
        children: Array.from({ length: ROWS_PER_INSERT + 4 }, (_, index) => ({ name: `c-${index}` })),
      },
      traceId(1),
    );
    const half = Math.floor(spans.length / 2);
    // The second batch repeats the first's last three spans: it must see them stored to skip them.
    store.writeEncodedSpans([encodeSpans(spans.slice(0, half)), encodeSpans(spans.slice(half - 3))]);
    expect(spanIds(store.getTrace(traceId(1))!.spans)).toEqual(spanIds(spans));
    expect(store.connection().prepare('SELECT count(*) FROM spans').pluck().get()).toBe(spans.length);
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

  it('store each span of a trace exported in many parts once, and a retry of any part not again', () => {
    const { store } = openTestStore();
    const spans = buildTrace(
      { name: 'job', children: Array.from({ length: 59 }, (_, index) => ({ name: `step-${index % 3}` })) },
      traceId(3),
    ).spans;
    for (let at = 0; at < spans.length; at += 2) store.writeSpans(spans.slice(at, at + 2));
    store.writeSpans([spans[1]!, spans[30]!, spans[59]!]);
    expect(store.getTrace(traceId(3))!.spans).toHaveLength(60);
    expect(runs(store)).toHaveLength(30);
  });

  it('do not take a new trace for one that retention deleted, though it gets the same trace row id', () => {
    const { store, open } = openTestStore();
    const old = buildTrace({ name: 'old', children: [{ name: 'a' }] }, traceId(4)).spans;
    store.writeSpans(old.slice(0, 1));
    store.writeSpans(old.slice(1)); // a known trace: its span ids are kept by the writer
    const ref = store.connection().prepare('SELECT id FROM traces').pluck().get();
    const other = open({ retention: { maxSpans: 1, maxAgeMs: Number.POSITIVE_INFINITY } });
    other.enforceRetention();
    expect(store.getTrace(traceId(4))).toBeUndefined();
    // The same span ids under another trace, written twice so the writer checks its kept ids.
    const reborn = buildTrace({ name: 'new', children: [{ name: 'a' }] }, traceId(5)).spans;
    store.writeSpans(reborn.slice(0, 1));
    expect(store.connection().prepare('SELECT id FROM traces').pluck().get()).toBe(ref);
    store.writeSpans(reborn);
    expect(
      store
        .getTrace(traceId(5))!
        .spans.map((span) => span.name)
        .sort(),
    ).toEqual(['a', 'new']);
  });

  it('are read once for a trace that keeps getting exports, and again once another write changed them', () => {
    const { store } = openTestStore();
    writeInParts(store);
    const kept = new StoredSpanIds(store.connection(), 8);
    const first = kept.of(1);
    expect(first.size).toBe(6);
    expect(kept.of(1)).toBe(first);
    first.add('0000000000000abc');
    kept.added(1, 100, 1); // as the writer does after storing a run at 100
    expect(kept.of(1)).not.toBe(first); // the table's last run is not at 100: read again
    const reread = kept.of(1);
    expect(kept.of(1)).toBe(reread);
    store.writeSpans([{ ...store.getTrace(traceId(1))!.spans[0]!, spanId: '0000000000000def' }]);
    const extended = kept.of(1);
    expect(extended).not.toBe(reread);
    expect(extended.has('0000000000000def')).toBe(true);
    kept.of(2);
    kept.added(2, 13, 1); // 7 + 6 ids kept: over the capacity of 8, trace 1 is dropped
    expect(kept.of(2).size).toBe(6);
    expect(kept.of(1)).not.toBe(extended);
  });
});
