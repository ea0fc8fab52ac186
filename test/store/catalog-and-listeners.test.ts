import { describe, expect, it } from 'vitest';
import type { Span } from '../../src/model/index.js';
import { RUN_ID_ATTRIBUTE } from '../../src/model/index.js';
import type { SpansWritten } from '../../src/store/index.js';
import { TRACE_START_NANOS, buildTrace } from '../support/trace-builder.js';
import { openTestStore } from './store-fixture.js';

describe('services, operations and stats', () => {
  it('lists services with their span counts and when each was last seen', () => {
    const { store } = openTestStore();
    store.writeSpans(
      buildTrace({
        name: 'GET /',
        service: 'web',
        durationMs: 100,
        children: [{ name: 'query', service: 'db', durationMs: 30 }],
      }).spans,
    );
    store.writeSpans(buildTrace({ name: 'GET /', service: 'web', startMs: 500, durationMs: 20 }).spans);
    expect(store.listServices()).toEqual([
      { name: 'db', spanCount: 1, lastSeenUnixNano: TRACE_START_NANOS + 30_000_000n },
      { name: 'web', spanCount: 2, lastSeenUnixNano: TRACE_START_NANOS + 520_000_000n },
    ]);
  });

  it('lists the operations of a service with their kinds and counts', () => {
    const { store } = openTestStore();
    store.writeSpans(
      buildTrace({
        name: 'GET /cart',
        service: 'web',
        kind: 'server',
        children: [
          { name: 'GET /cart', kind: 'client' },
          { name: 'render', kind: 'internal' },
          { name: 'render', kind: 'internal' },
          { name: 'charge', service: 'payment', kind: 'server' },
        ],
      }).spans,
    );
    expect(store.listOperations('web')).toEqual([
      { name: 'GET /cart', spanKind: 'server', spanCount: 1 },
      { name: 'GET /cart', spanKind: 'client', spanCount: 1 },
      { name: 'render', spanKind: 'internal', spanCount: 2 },
    ]);
    expect(store.listOperations('payment')).toEqual([{ name: 'charge', spanKind: 'server', spanCount: 1 }]);
    expect(store.listOperations('nobody')).toEqual([]);
  });

  it('counts spans, traces and logs, and reports the size on disk', () => {
    const { store, dataDir } = openTestStore();
    const trace = buildTrace({ name: 'root', children: [{ name: 'child' }] });
    store.writeSpans(trace.spans);
    store.writeSpans(buildTrace({ name: 'other' }).spans);
    store.writeLogs([
      {
        timeUnixNano: 1n,
        observedTimeUnixNano: 1n,
        severityNumber: 9,
        body: 'x',
        attributes: {},
        droppedAttributesCount: 0,
        traceId: trace.traceId,
        serviceName: 's',
        resource: { attributes: {}, droppedAttributesCount: 0 },
        scope: { name: '', attributes: {}, droppedAttributesCount: 0 },
      },
    ]);
    const stats = store.stats();
    expect(stats).toMatchObject({ spanCount: 3, traceCount: 2, logCount: 1, dataDir });
    expect(stats.sizeBytes).toBeGreaterThan(4096);
  });
});

describe('onSpansWritten', () => {
  function runSpans(runId: string | undefined, name: string, startMs = 0): Span[] {
    return buildTrace({
      name,
      startMs,
      resourceAttributes: runId === undefined ? {} : { [RUN_ID_ATTRIBUTE]: runId },
      children: [
        {
          name: `${name}.child`,
          resourceAttributes: runId === undefined ? {} : { [RUN_ID_ATTRIBUTE]: runId },
        },
      ],
    }).spans;
  }

  it('tells listeners which traces and runs a committed write stored', () => {
    const { store } = openTestStore();
    const events: SpansWritten[] = [];
    store.onSpansWritten((written) => events.push(written));
    const first = runSpans('run-1', 'a');
    const second = runSpans('run-2', 'b');
    const untagged = runSpans(undefined, 'c');
    store.writeSpans([...first, ...second, ...untagged]);
    expect(events).toEqual([
      {
        spanCount: 6,
        traceIds: [first[0]!.traceId, second[0]!.traceId, untagged[0]!.traceId],
        runs: [
          { runId: 'run-1', traceIds: [first[0]!.traceId], spanCount: 2 },
          { runId: 'run-2', traceIds: [second[0]!.traceId], spanCount: 2 },
        ],
      },
    ]);
  });

  it('does not report spans that were already stored, nor writes that stored nothing new', () => {
    const { store } = openTestStore();
    const spans = runSpans('run-1', 'a');
    store.writeSpans(spans.slice(0, 1));
    const events: SpansWritten[] = [];
    store.onSpansWritten((written) => events.push(written));
    store.writeSpans(spans);
    store.writeSpans(spans);
    expect(events.map((event) => event.spanCount)).toEqual([1]);
  });

  it('stops calling a listener once it unsubscribes', () => {
    const { store } = openTestStore();
    let calls = 0;
    const unsubscribe = store.onSpansWritten(() => (calls += 1));
    store.writeSpans(runSpans('r', 'a'));
    unsubscribe();
    store.writeSpans(runSpans('r', 'b', 10));
    expect(calls).toBe(1);
  });

  it('logs a listener that throws and still stores the spans and calls the others', () => {
    const { store, logged } = openTestStore();
    let calledAfter = false;
    store.onSpansWritten(() => {
      throw new Error('listener broke');
    });
    store.onSpansWritten(() => (calledAfter = true));
    const spans = runSpans('r', 'a');
    expect(() => store.writeSpans(spans)).not.toThrow();
    expect(calledAfter).toBe(true);
    expect(store.getTrace(spans[0]!.traceId)?.spans).toHaveLength(2);
    expect(logged.some((line) => line.includes('listener broke'))).toBe(true);
  });
});
