import { describe, expect, it } from 'vitest';
import type { Trace } from '../../src/model/index.js';
import type { TraceStore } from '../../src/store/index.js';
import { TRACE_START_NANOS, buildTrace, logFor } from '../support/trace-builder.js';
import { spanRanges } from '../../src/store/spans/retention.js';
import { openTestStore } from './store-fixture.js';

const MS = 1_000_000n;
const START_MS = Number(TRACE_START_NANOS / MS);

/** Trace `index` starts `index` seconds after TRACE_START and has 10 spans with attributes. */
function traceNumber(index: number): Trace {
  return buildTrace(
    {
      name: `request-${index}`,
      startMs: index * 1000,
      attributes: { 'http.route': `/r/${index}`, 'http.response.status_code': 200 },
      children: Array.from({ length: 9 }, (_, child) => ({
        name: `step-${child}`,
        startMs: index * 1000 + child,
        attributes: { 'user.id': `u-${index}`, step: child },
      })),
    },
    (index + 1).toString(16).padStart(32, '0'),
  );
}

function storedTraceIds(store: TraceStore): string[] {
  return store
    .findTraces({ limit: 1000 })
    .map((summary) => summary.traceId)
    .sort();
}

/** Attribute postings of buckets that no longer hold a span: retention must leave none behind. */
function strayIndexRows(store: TraceStore): number {
  return store
    .connection()
    .prepare(
      `SELECT count(*) FROM attribute_postings p
       WHERE NOT EXISTS (SELECT 1 FROM spans s WHERE s.id >= p.bucket << 10 AND s.id < (p.bucket + 1) << 10)`,
    )
    .pluck()
    .get() as number;
}

/**
 * Runs `between` once, right after `store`'s retention first reads its oldest traces, as the other
 * connection's retention or writer could; returns whether it has run.
 */
function afterFirstRead(store: TraceStore, between: () => void): () => boolean {
  const statements = (
    store as unknown as { retention: { statements: { oldest: { all(n: number): unknown } } } }
  ).retention.statements;
  const oldest = statements.oldest;
  let ran = false;
  statements.oldest = {
    all: (n: number) => {
      const rows = oldest.all(n);
      if (!ran) {
        ran = true;
        between();
      }
      return rows;
    },
  };
  return () => ran;
}

describe('retention', () => {
  it('deletes whole oldest traces, with their logs and index entries, once over maxSpans', () => {
    const { store } = openTestStore({
      retention: { maxSpans: 50, maxAgeMs: Number.POSITIVE_INFINITY },
      retentionEverySpans: 10,
    });
    const traces = Array.from({ length: 8 }, (_, index) => traceNumber(index));
    // Arrival order differs from start order: retention goes by trace start.
    for (const trace of [...traces.slice(4), ...traces.slice(0, 4)]) {
      store.writeSpans(trace.spans);
      store.writeLogs([logFor(trace)]);
      // Each trace in a bucket of its own, indexed by postings: deleting a trace empties its bucket.
      store.sealOpenBucket();
    }
    const kept = storedTraceIds(store);
    expect(store.stats().spanCount).toBeLessThanOrEqual(50);
    expect(kept).toEqual(traces.slice(-kept.length).map((trace) => trace.traceId));
    for (const traceId of kept) expect(store.getTrace(traceId)?.spans).toHaveLength(10);
    expect(store.getTrace(traces[0]!.traceId)).toBeUndefined();
    expect(store.getLogs({ traceId: traces[0]!.traceId, limit: 10 })).toEqual([]);
    expect(store.getLogs({ traceId: traces[7]!.traceId, limit: 10 })).toHaveLength(1);
    expect(store.findTraces({ limit: 10, attributes: [{ key: 'user.id', value: 'u-0' }] })).toEqual([]);
    expect(strayIndexRows(store)).toBe(0);
    expect(store.listOperations('test-service').find((op) => op.name === 'step-0')?.spanCount).toBe(
      kept.length,
    );
  });

  it('deletes a chunk of traces whose parts interleave with kept ones, and exactly their spans, links and counts', () => {
    const { store, open } = openTestStore();
    const traces = Array.from({ length: 6 }, (_, index) => traceNumber(index));
    // Trace 1's root links to trace 4: the link goes with trace 1.
    const linked = traces[1]!.spans.map((span, index) =>
      index === 0
        ? {
            ...span,
            links: [
              {
                traceId: traces[4]!.traceId,
                spanId: traces[4]!.spans[0]!.spanId,
                attributes: {},
                droppedAttributesCount: 0,
              },
            ],
          }
        : span,
    );
    const parts = [
      traces[0]!.spans,
      traces[3]!.spans,
      linked,
      traces[4]!.spans,
      traces[2]!.spans,
      traces[5]!.spans,
    ];
    // Each trace in two exports, in that order each time: the three oldest (0-2) sit between the others.
    for (const half of [0, 1])
      for (const spans of parts) store.writeSpans(spans.slice(half * 5, half * 5 + 5));
    store.close();
    const small = open({ retention: { maxSpans: 35, maxAgeMs: Number.POSITIVE_INFINITY } });
    small.enforceRetention();
    expect(storedTraceIds(small)).toEqual(traces.slice(3).map((trace) => trace.traceId));
    for (const trace of traces.slice(3)) expect(small.getTrace(trace.traceId)?.spans).toHaveLength(10);
    const db = small.connection();
    expect(db.prepare('SELECT count(*) FROM spans').pluck().get()).toBe(30);
    expect(db.prepare('SELECT count(*) FROM span_links').pluck().get()).toBe(0);
    expect(db.prepare('SELECT count(*) FROM trace_span_runs').pluck().get()).toBe(6);
    const counts = small.listOperations('test-service').map((op) => [op.name, op.spanCount]);
    expect(counts.filter(([name]) => String(name).startsWith('step-'))).toEqual(
      Array.from({ length: 9 }, (_, step) => [`step-${step}`, 3]),
    );
    expect(
      counts.filter(([, count]) => Number(count) > 0).filter(([name]) => String(name).startsWith('request-')),
    ).toEqual([3, 4, 5].map((index) => [`request-${index}`, 1]));
  });

  it('never deletes a trace that took the row id of one the other connection deleted after the chunk was first read', () => {
    const { store, open } = openTestStore();
    const policy = { retention: { maxSpans: 10, maxAgeMs: Number.POSITIVE_INFINITY } };
    const [mine, other] = [open(policy), open(policy)];
    for (let index = 1; index <= 10; index += 1) store.writeSpans([traceNumber(index).spans[0]!]);
    // Written last and started first: the oldest trace holds the highest row id, which goes again once it is deleted.
    const oldest = { ...traceNumber(0).spans[0]!, startTimeUnixNano: TRACE_START_NANOS - 3_600_000n * MS };
    store.writeSpans([{ ...oldest, endTimeUnixNano: oldest.startTimeUnixNano + MS }]);
    const newest = traceNumber(99).spans[0]!;
    const interleaved = afterFirstRead(mine, () => {
      other.enforceRetention();
      other.writeSpans([newest]);
    });
    mine.enforceRetention();
    expect(interleaved()).toBe(true);
    expect(mine.getTrace(oldest.traceId)).toBeUndefined();
    expect(mine.getTrace(newest.traceId)?.spans).toHaveLength(1);
  });

  it('does not delete again what the other connection deleted since it counted the spans', () => {
    const { store, open } = openTestStore();
    const policy = { retention: { maxSpans: 10, maxAgeMs: Number.POSITIVE_INFINITY } };
    const [mine, other] = [open(policy), open(policy)];
    for (let index = 0; index < 20; index += 1) store.writeSpans([traceNumber(index).spans[0]!]);
    const interleaved = afterFirstRead(mine, () => other.enforceRetention()); // down to 9 of 20
    expect(mine.enforceRetention().deletedTraces).toBe(0);
    expect(interleaved()).toBe(true);
    expect(storedTraceIds(mine)).toEqual(
      Array.from({ length: 9 }, (_, index) => traceNumber(11 + index).traceId).sort(),
    );
  });

  it('drops the postings of every bucket a deleted range emptied, the middle ones included', () => {
    const { store, open } = openTestStore();
    const big = (index: number, spans: number): Trace =>
      buildTrace(
        {
          name: `batch-${index}`,
          startMs: index * 1000,
          children: Array.from({ length: spans - 1 }, (_, child) => ({
            name: 'item',
            attributes: { 'item.id': `i-${index}-${child}` },
          })),
        },
        (index + 1).toString(16).padStart(32, '0'),
      );
    // Ids 1-2,100 (buckets 0, 1 and 2), then 2,101-3,100: bucket 1 holds only the first trace.
    store.writeSpans(big(0, 2_100).spans);
    store.writeSpans(big(1, 1_000).spans);
    store.sealOpenBucket();
    store.close();
    const small = open({ retention: { maxSpans: 3_000, maxAgeMs: Number.POSITIVE_INFINITY } });
    small.enforceRetention();
    expect(storedTraceIds(small)).toEqual([big(1, 1).traceId]);
    expect(strayIndexRows(small)).toBe(0);
  });

  it('joins runs of span ids only where one ends right before the next begins', () => {
    expect(spanRanges([])).toEqual([]);
    expect(
      spanRanges([
        [1, 5],
        [6, 10],
        [16, 20],
        [21, 21],
        [23, 30],
      ]),
    ).toEqual([
      [1, 10],
      [16, 21],
      [23, 30],
    ]);
  });

  it('checks the limits every retentionEverySpans written spans, not on every batch', () => {
    const { store } = openTestStore({
      retention: { maxSpans: 20, maxAgeMs: Number.POSITIVE_INFINITY },
      retentionEverySpans: 40,
    });
    store.writeSpans(traceNumber(0).spans); // the first write checks: 10 spans, nothing due
    store.writeSpans(traceNumber(1).spans);
    store.writeSpans(traceNumber(2).spans);
    expect(store.stats().spanCount).toBe(30); // over the limit, but only 20 spans since the check
    store.writeSpans(traceNumber(3).spans);
    store.writeSpans(traceNumber(4).spans); // 40 since the check: now it runs
    expect(store.stats().spanCount).toBeLessThanOrEqual(20);
    // Down to 90% of the limit: only the newest trace fits in 18 spans.
    expect(storedTraceIds(store)).toEqual([traceNumber(4).traceId]);
  });

  it('deletes traces and logs older than maxAgeMs when asked, keeping younger ones', () => {
    let nowMs = START_MS + 1_000;
    const { store } = openTestStore({
      retention: { maxSpans: 1_000_000, maxAgeMs: 5_500 },
      now: () => nowMs,
    });
    const traces = Array.from({ length: 8 }, (_, index) => traceNumber(index));
    for (const trace of traces) store.writeSpans(trace.spans);
    const untraced = { ...logFor(traces[0]!), traceId: undefined, spanId: undefined };
    delete untraced.traceId;
    delete untraced.spanId;
    store.writeLogs([untraced, logFor(traces[0]!), logFor(traces[7]!)]);
    expect(storedTraceIds(store)).toHaveLength(8);
    nowMs = START_MS + 10_000;
    // Cutoff at 10 s - 5.5 s = 4.5 s: traces 0-4 started before it.
    // Logs: trace 0's with its trace, the untraced one by its age.
    expect(store.enforceRetention()).toEqual({
      deletedTraces: 5,
      deletedSpans: 50,
      deletedLogs: 2,
      complete: true,
    });
    expect(storedTraceIds(store)).toEqual(traces.slice(5).map((trace) => trace.traceId));
    expect(store.stats().logCount).toBe(1);
    expect(strayIndexRows(store)).toBe(0);
    nowMs += 1_000;
    expect(store.enforceRetention().deletedTraces).toBe(1);
    expect(store.enforceRetention().deletedTraces).toBe(0);
  });

  it('deletes the oldest logs once over maxLogs', () => {
    const { store } = openTestStore({
      retention: { maxSpans: 1_000, maxAgeMs: Number.POSITIVE_INFINITY, maxLogs: 10 },
    });
    const trace = traceNumber(0);
    store.writeSpans(trace.spans); // the store's first write runs the first automatic check
    const logs = Array.from({ length: 12 }, (_, index) => ({
      ...logFor(trace),
      timeUnixNano: trace.spans[0]!.startTimeUnixNano + BigInt(index),
    }));
    store.writeLogs(logs);
    expect(store.enforceRetention().deletedLogs).toBe(3); // down to 90% of 10
    expect(store.getLogs({ traceId: trace.traceId, limit: 100 }).map((log) => log.timeUnixNano)).toEqual(
      logs.slice(3).map((log) => log.timeUnixNano),
    );
  });

  it('leaves services and operations whose spans all went out of the listings', () => {
    const { store } = openTestStore({
      retention: { maxSpans: 1_000, maxAgeMs: 1 },
      now: () => START_MS + 60_000,
    });
    store.writeSpans(traceNumber(0).spans);
    store.enforceRetention();
    expect(store.stats().spanCount).toBe(0);
    expect(store.listServices()).toEqual([]);
    expect(store.listOperations('test-service')).toEqual([]);
    // Written again after that, they count from zero.
    store.writeSpans(traceNumber(100).spans);
    expect(store.listServices()).toEqual([expect.objectContaining({ name: 'test-service', spanCount: 10 })]);
  });
});
