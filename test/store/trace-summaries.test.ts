import { describe, expect, it } from 'vitest';
import type { Span, Trace, TraceSummary } from '../../src/model/index.js';
import type { TraceStore } from '../../src/store/index.js';
import { TRACE_START_NANOS, buildTrace } from '../support/trace-builder.js';
import { openTestStore } from './store-fixture.js';

/** A checkout across three services with one failing span; the root starts first and ends last. */
function checkoutTrace(traceId?: string): Trace {
  return buildTrace(
    {
      name: 'POST /checkout',
      service: 'frontend',
      kind: 'server',
      durationMs: 250,
      children: [
        { name: 'cart.load', service: 'cart', startMs: 5, durationMs: 20 },
        {
          name: 'payment.charge',
          service: 'payment',
          startMs: 30,
          durationMs: 200,
          status: 'error',
          children: [{ name: 'card.authorize', startMs: 40, durationMs: 150, status: 'error' }],
        },
        { name: 'email.send', service: 'notifications', startMs: 235, durationMs: 30 },
      ],
    },
    traceId,
  );
}

const EXPECTED: Omit<TraceSummary, 'traceId'> = {
  rootServiceName: 'frontend',
  rootName: 'POST /checkout',
  startTimeUnixNano: TRACE_START_NANOS,
  // The last span (email.send) ends at 265 ms, after the root.
  durationMs: 265,
  spanCount: 5,
  errorCount: 2,
  services: ['cart', 'frontend', 'notifications', 'payment'],
};

function summaryOf(store: TraceStore, traceId: string): TraceSummary | undefined {
  return store.findTraces({ limit: 100 }).find((summary) => summary.traceId === traceId);
}

/** Deterministic shuffles, so a failure names the order that broke it. */
function orders(spans: Span[]): Span[][] {
  const reversed = [...spans].reverse();
  const rootLast = [...spans.slice(1), spans[0] as Span];
  const interleaved = spans
    .filter((_, index) => index % 2 === 1)
    .concat(spans.filter((_, index) => index % 2 === 0));
  return [spans, reversed, rootLast, interleaved];
}

describe('trace summaries', () => {
  it('summarizes a trace written in one batch', () => {
    const { store } = openTestStore();
    const trace = checkoutTrace();
    store.writeSpans(trace.spans);
    expect(summaryOf(store, trace.traceId)).toEqual({ traceId: trace.traceId, ...EXPECTED });
  });

  it.each(orders(checkoutTrace('0'.repeat(31) + '1').spans).map((order, index) => [index, order] as const))(
    'reaches the same summary whatever order the spans arrive in, one span per batch (order %i)',
    (_, order) => {
      const { store } = openTestStore();
      for (const span of order) store.writeSpans([span]);
      expect(summaryOf(store, order[0]!.traceId)).toEqual({ traceId: order[0]!.traceId, ...EXPECTED });
    },
  );

  it('fills in the root when it arrives after its children, in a later batch among other traces', () => {
    const { store } = openTestStore();
    const trace = checkoutTrace();
    const other = buildTrace({ name: 'GET /health', service: 'frontend', startMs: 1000 });
    const [root, ...children] = trace.spans;
    store.writeSpans([...children.slice(0, 2), ...other.spans]);
    const partial = summaryOf(store, trace.traceId);
    expect(partial?.rootName).toBeUndefined();
    expect(partial?.spanCount).toBe(2);
    store.writeSpans(children.slice(2));
    store.writeSpans([root as Span]);
    expect(summaryOf(store, trace.traceId)).toEqual({ traceId: trace.traceId, ...EXPECTED });
    expect(summaryOf(store, other.traceId)?.spanCount).toBe(1);
  });

  it('counts a span sent twice (an exporter retry) once', () => {
    const { store } = openTestStore();
    const trace = checkoutTrace();
    store.writeSpans(trace.spans);
    store.writeSpans(trace.spans.slice(1, 3));
    store.writeSpans([trace.spans[1] as Span, trace.spans[1] as Span]);
    expect(summaryOf(store, trace.traceId)).toEqual({ traceId: trace.traceId, ...EXPECTED });
    expect(store.getTrace(trace.traceId)?.spans).toHaveLength(5);
    expect(store.stats().spanCount).toBe(5);
  });

  it('counts a span repeated inside the first batch of a new trace once', () => {
    const { store } = openTestStore();
    const trace = checkoutTrace();
    store.writeSpans([...trace.spans, trace.spans[2] as Span]);
    expect(summaryOf(store, trace.traceId)).toEqual({ traceId: trace.traceId, ...EXPECTED });
    expect(store.stats().spanCount).toBe(5);
  });

  it('takes the earliest parentless span as the root when a trace has several', () => {
    const { store } = openTestStore();
    const trace = buildTrace([
      { name: 'late-root', service: 'b', startMs: 50 },
      { name: 'early-root', service: 'a', startMs: 0, durationMs: 20 },
      { name: 'orphan', service: 'c', startMs: 10, missingParentId: 'ffffffffffffffff' },
    ]);
    // In start order: early-root, orphan, late-root. The later root arrives last and must not win.
    store.writeSpans([trace.spans[1] as Span]);
    store.writeSpans([trace.spans[0] as Span]);
    store.writeSpans([trace.spans[2] as Span]);
    expect(summaryOf(store, trace.traceId)).toMatchObject({
      rootName: 'early-root',
      rootServiceName: 'a',
      spanCount: 3,
    });
  });

  it('leaves the root unnamed while only orphans of a trace have arrived', () => {
    const { store } = openTestStore();
    const trace = buildTrace({ name: 'orphan', service: 'c', missingParentId: 'ffffffffffffffff' });
    store.writeSpans(trace.spans);
    const summary = summaryOf(store, trace.traceId);
    expect(summary).toBeDefined();
    expect(summary).not.toHaveProperty('rootName');
    expect(summary).not.toHaveProperty('rootServiceName');
  });
});
