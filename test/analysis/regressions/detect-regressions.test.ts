import { describe, expect, it } from 'vitest';
import { detectRegressions } from '../../../src/analysis/index.js';
import type { Trace } from '../../../src/model/index.js';
import { gatewayRun } from '../../support/gateway-sketch.js';
import { buildTrace, type SpanSketch } from '../../support/trace-builder.js';
import { inventoryReserveSketch } from '../../support/inventory-reserve-sketch.js';
import { seededRandom } from '../../support/seeded-random.js';

interface RunShape {
  queryMs?: number;
  queries?: number;
  extra?: SpanSketch[];
  paymentFails?: boolean;
}

/** 30 traces of a small API; every duration is its nominal value ±20% (uniform noise). */
function run(seed: number, shape: RunShape = {}, count = 30): Trace[] {
  const rand = seededRandom(seed);
  const noisy = (ms: number): number => ms * (0.8 + rand() * 0.4);
  return Array.from({ length: count }, () =>
    buildTrace({
      name: 'GET /orders',
      service: 'api',
      durationMs: noisy(200),
      children: [
        ...Array.from({ length: shape.queries ?? 1 }, (_, index): SpanSketch => ({
          name: 'SELECT orders',
          kind: 'client',
          startMs: 1 + index,
          durationMs: noisy(shape.queryMs ?? 100),
        })),
        {
          name: 'payment.check',
          service: 'payments',
          startMs: 150,
          durationMs: noisy(20),
          status: shape.paymentFails ? 'error' : 'unset',
        },
        ...(shape.extra ?? []),
      ],
    }),
  );
}

describe('detectRegressions', () => {
  it('finds a 30% slowdown of one operation over 30 samples, with medians, n, p and example traces', () => {
    const report = detectRegressions(run(1), run(2, { queryMs: 130 }));
    expect(report.regressions).toHaveLength(1);
    const [shift] = report.regressions;
    expect(shift).toMatchObject({ service: 'api', operation: 'SELECT orders', direction: 'slower' });
    expect(shift?.baseline.n).toBe(30);
    expect(shift?.current.n).toBe(30);
    expect(shift?.shift_ratio).toBeGreaterThan(0.2);
    expect(shift?.p_value).toBeLessThan(0.001);
    expect(shift?.example_trace_ids).toHaveLength(3);
    expect(report.structural).toEqual([]);
  });

  it('reports nothing for noise of the same spread with no shift', () => {
    for (const seed of [3, 5, 7, 11, 13]) {
      const report = detectRegressions(run(seed), run(seed + 100));
      expect(report.regressions, `seed ${seed}`).toEqual([]);
      expect(report.improvements, `seed ${seed}`).toEqual([]);
      expect(report.structural, `seed ${seed}`).toEqual([]);
    }
  });

  it('does not report a significant shift below the minimum effect size', () => {
    // 5% slower: with 300 samples a side the test alone would flag it; the 10% minimum does not.
    const report = detectRegressions(run(21, {}, 300), run(22, { queryMs: 105 }, 300));
    expect(report.regressions).toEqual([]);
    const lowered = detectRegressions(run(21, {}, 300), run(22, { queryMs: 105 }, 300), {
      minRelativeShift: 0.02,
    });
    expect(lowered.regressions.map((item) => item.operation)).toEqual(['SELECT orders']);
  });

  it('reports a speed-up as an improvement, not a regression', () => {
    const report = detectRegressions(run(1), run(2, { queryMs: 60 }));
    expect(report.regressions).toEqual([]);
    expect(report.improvements.map((item) => item.operation)).toEqual(['SELECT orders']);
  });

  it('reports an operation and a service that appeared, one that disappeared, a count that changed, and new errors', () => {
    const extra: SpanSketch[] = [{ name: 'fraud.score', service: 'fraud', startMs: 180, durationMs: 5 }];
    const baseline = run(1, { extra: [{ name: 'cache.get', kind: 'client', startMs: 0, durationMs: 1 }] });
    const current = run(2, { queries: 4, extra, paymentFails: true });
    const kinds = detectRegressions(baseline, current).structural.map(
      (change) => `${change.kind} ${change.service}${change.operation ? `:${change.operation}` : ''}`,
    );
    expect(kinds.sort()).toEqual(
      [
        'count_changed api:SELECT orders',
        'new_errors payments:payment.check',
        'operation_appeared fraud:fraud.score',
        'operation_disappeared api:cache.get',
        'service_appeared fraud',
      ].sort(),
    );
    const count = detectRegressions(baseline, current).structural.find(
      (change) => change.kind === 'count_changed',
    );
    expect(count?.detail).toBe('spans per trace: median 1 (range 1..1) in baseline → 4 (range 4..4) now');
    expect(count?.example_trace_ids).toHaveLength(3);
  });

  it('does not judge an operation with fewer than 8 samples on a side', () => {
    const report = detectRegressions(run(1, {}, 5), run(2, { queryMs: 200 }, 5));
    expect(report.regressions).toEqual([]);
    expect(report.not_judged).toContainEqual(
      expect.objectContaining({
        service: 'api',
        operation: 'SELECT orders',
        baseline_n: 5,
        current_n: 5,
        trace_kind: 'api: GET /orders',
      }),
    );
  });

  it('keeps the raw medians of an operation not judged, largest shift first, so one run against another still shows a 60× slowdown', () => {
    const checkout = (paymentMs: number): Trace =>
      buildTrace({
        name: 'POST /checkout',
        service: 'frontend',
        durationMs: 280 + paymentMs,
        children: [
          { name: 'cart.validate', service: 'cart-service', startMs: 5, durationMs: 20 },
          { name: 'payment.process', service: 'payment-service', startMs: 30, durationMs: paymentMs },
          { name: 'INSERT orders', service: 'order-service', startMs: 40 + paymentMs, durationMs: 20.2 },
        ],
      });
    const before = checkout(20);
    const after = checkout(1200);
    const report = detectRegressions([before], [after]);
    expect(report.regressions).toEqual([]);
    expect(report.not_judged.map((item) => [item.operation, item.past_minimum_shift])).toEqual([
      ['payment.process', true],
      ['POST /checkout', true],
      ['cart.validate', false],
      ['INSERT orders', false],
    ]);
    expect(report.not_judged[0]).toEqual({
      service: 'payment-service',
      operation: 'payment.process',
      baseline_n: 1,
      current_n: 1,
      baseline_median_ms: 20,
      current_median_ms: 1200,
      past_minimum_shift: true,
      example_trace_ids: [after.traceId],
      baseline_trace_ids: [before.traceId],
      trace_kind: 'frontend: POST /checkout',
    });
  });

  it("compares each kind of trace with its own kind, so health-check probes in one run do not shift the request's per-trace counts", () => {
    const probe = (): Trace => buildTrace({ name: 'GET /health', service: 'fees', durationMs: 50 });
    // More probes than requests in the baseline: pooled, the median request count per trace was 0 there.
    const baseline = [...run(1), ...Array.from({ length: 40 }, probe)];
    const current = [...run(2), ...Array.from({ length: 5 }, probe)];
    const report = detectRegressions(baseline, current);
    expect(report.structural).toEqual([]);
    expect(report.regressions).toEqual([]);
    expect(report.trace_kinds).toEqual([
      { trace_kind: 'api: GET /orders', baseline_traces: 30, current_traces: 30, error_traces: 0 },
      { trace_kind: 'fees: GET /health', baseline_traces: 40, current_traces: 5, error_traces: 0 },
    ]);
    expect(report.operations_compared).toBe(4);
  });

  it('lists a kind of trace seen on one side only, reports a new one whose traces failed, and nothing about the operations of either', () => {
    const probe = (): Trace => buildTrace({ name: 'GET /health', service: 'fees', durationMs: 50 });
    const failed = (): Trace =>
      buildTrace({
        name: 'POST /refund',
        service: 'api',
        status: 'error',
        children: [{ name: 'refund.apply' }],
      });
    const current = [...run(2), failed(), failed()];
    const report = detectRegressions([...run(1), probe()], current);
    // The probe, on one side only, is listed and nothing more; the failed refunds are a finding.
    expect(report.structural).toEqual([
      {
        kind: 'trace_kind_appeared',
        service: 'api',
        operation: 'POST /refund',
        detail: '2 current traces, none in baseline; 2 with error spans',
        example_trace_ids: current.slice(30).map((trace) => trace.traceId),
        trace_kind: 'api: POST /refund',
      },
    ]);
    expect(report.trace_kinds).toEqual([
      { trace_kind: 'api: GET /orders', baseline_traces: 30, current_traces: 30, error_traces: 0 },
      { trace_kind: 'api: POST /refund', baseline_traces: 0, current_traces: 2, error_traces: 2 },
      { trace_kind: 'fees: GET /health', baseline_traces: 1, current_traces: 0, error_traces: 0 },
    ]);
  });

  it('keeps a trace whose root never arrived apart from complete traces of the same operation, and reports it', () => {
    const fragment = buildTrace({ name: 'GET /orders', service: 'api', missingParentId: 'ffffffffffffffff' });
    const report = detectRegressions(run(1), [...run(2), fragment]);
    expect(report.trace_kinds.map((kind) => kind.trace_kind)).toEqual([
      'api: GET /orders',
      'api: GET /orders (root not received)',
    ]);
    expect(report.structural).toEqual([
      expect.objectContaining({
        kind: 'trace_kind_appeared',
        trace_kind: 'api: GET /orders (root not received)',
        detail:
          '1 current trace, none in baseline; the span that starts it never arrived: its service crashed or did not export it',
      }),
    ]);
    expect(report.regressions).toEqual([]);
  });

  it('compares traces whose root was lost in a crash with the baseline kind of the same operations, pooled', () => {
    // The service that starts the trace died before exporting its root: each current trace is the
    // fragments beneath it, named by its longest one. The query is 4× slower and payments fail.
    const rootless = (trace: Trace): Trace => ({
      ...trace,
      spans: trace.spans.filter((span) => span.parentSpanId !== undefined),
    });
    const current = run(2, { queryMs: 400, paymentFails: true }).map(rootless);
    const report = detectRegressions(run(1), current);
    expect(report.trace_kinds).toEqual([
      {
        trace_kind: 'api: SELECT orders (root not received)',
        baseline_traces: 0,
        current_traces: 30,
        error_traces: 30,
        compared_with: ['api: GET /orders'],
      },
      {
        trace_kind: 'api: GET /orders',
        baseline_traces: 30,
        current_traces: 0,
        error_traces: 0,
        compared_with: ['api: SELECT orders (root not received)'],
      },
    ]);
    const pooled = 'api: GET /orders → api: SELECT orders (root not received)';
    expect(report.regressions).toEqual([
      expect.objectContaining({ service: 'api', operation: 'SELECT orders', trace_kind: pooled }),
    ]);
    expect(report.operations_compared).toBe(2);
    expect(report.structural.map((change) => [change.kind, change.trace_kind])).toEqual([
      ['trace_kind_appeared', 'api: SELECT orders (root not received)'],
      ['trace_kind_disappeared', 'api: GET /orders'],
      ['new_errors', pooled],
    ]);
    expect(report.structural[0]?.detail).toBe(
      '30 current traces, none in baseline; the span that starts them never arrived: its service crashed or did not export it; 30 with error spans; compared with api: GET /orders, which shares its operations',
    );
  });

  it('compares traces whose root was renamed with the baseline kind of the same operations', () => {
    const renamed = run(2, { queryMs: 400 }).map((trace) => ({
      ...trace,
      spans: trace.spans.map((span) =>
        span.parentSpanId === undefined ? { ...span, name: 'GET /orders/{id}' } : span,
      ),
    }));
    const report = detectRegressions(run(1), renamed);
    expect(report.regressions.map((shift) => shift.operation)).toEqual(['SELECT orders']);
    expect(report.structural.map((change) => `${change.kind} ${change.trace_kind}`)).toEqual([
      'trace_kind_appeared api: GET /orders/{id}',
      'trace_kind_disappeared api: GET /orders',
    ]);
  });

  it('keeps probes on one side out of a crash comparison, so they shift no per-trace count', () => {
    const probe = (): Trace => buildTrace({ name: 'GET /health', service: 'fees', durationMs: 50 });
    const rootless = (trace: Trace): Trace => ({
      ...trace,
      spans: trace.spans.filter((span) => span.parentSpanId !== undefined),
    });
    const report = detectRegressions([...run(1), ...Array.from({ length: 40 }, probe)], run(2).map(rootless));
    expect(report.trace_kinds.find((kind) => kind.trace_kind === 'fees: GET /health')).toEqual({
      trace_kind: 'fees: GET /health',
      baseline_traces: 40,
      current_traces: 0,
      error_traces: 0,
    });
    expect(report.structural.map((change) => change.kind)).toEqual([
      'trace_kind_appeared',
      'trace_kind_disappeared',
    ]);
    expect(report.regressions).toEqual([]);
  });

  it('flags a current median above a spec envelope as a breach', () => {
    const report = detectRegressions([], run(2, { queryMs: 130 }), {}, [
      { path: 'GET /orders > SELECT orders', service: 'api', operation: 'SELECT orders', maxMs: 120 },
      { path: 'GET /orders > payment.check', service: 'payments', operation: 'payment.check', maxMs: 50 },
    ]);
    expect(report.envelope_breaches.map((breach) => breach.operation)).toEqual(['SELECT orders']);
    expect(report.envelope_breaches[0]?.current.median_ms).toBeGreaterThan(120);
    expect(report.structural).toEqual([]);
  });
});

describe('detectRegressions on calls named alike', () => {
  it("keeps a gateway's POST to notify-service apart from its POST to loans-service, so a doubled notify call is not diluted", () => {
    const report = detectRegressions(gatewayRun(1), gatewayRun(2, { notifyMs: 10 }));
    const gateway = report.regressions.filter((shift) => shift.service === 'gateway');
    expect(gateway).toHaveLength(1);
    expect(gateway[0]).toMatchObject({
      operation: 'POST',
      destination: 'notify-service',
      direction: 'slower',
    });
    expect(gateway[0]?.baseline.n).toBe(30);
    expect(gateway[0]?.shift_ratio).toBeGreaterThan(0.5);
    expect(report.structural).toEqual([]);
  });

  it('keeps an N+1 loop of calls to one service as one operation whose count per trace changed, across runs on other ports', () => {
    const report = detectRegressions(gatewayRun(3), gatewayRun(4, { loansCalls: 5, ports: [5001, 5002] }));
    const gateway = report.structural.filter((change) => change.service === 'gateway');
    expect(gateway.map(({ kind, operation, destination }) => ({ kind, operation, destination }))).toEqual([
      { kind: 'count_changed', operation: 'POST', destination: 'loans-service' },
    ]);
    expect(gateway[0]?.detail).toContain('median 1 (range 1..1) in baseline → 5 (range 5..5) now');
  });

  it('keeps one operation for calls of a name that go to one place, even when a run moved its port', () => {
    const call = (port: number): SpanSketch => ({
      name: 'GET',
      kind: 'client',
      durationMs: 20,
      attributes: { 'server.address': '127.0.0.1', 'server.port': port },
    });
    const side = (port: number): Trace[] =>
      Array.from({ length: 10 }, () =>
        buildTrace({ name: 'job', service: 'worker', children: [call(port)] }),
      );
    const report = detectRegressions(side(4003), side(5003));
    expect(report.structural).toEqual([]);
    expect(report.operations_compared).toBe(2);
  });

  describe('a slow span beneath others', () => {
    /** One checkout through three services, each span a few ms (±20%) longer than the one it wraps. */
    const chain = (rand: () => number, paymentMs: number, orderOwnMs = 0): Trace => {
      const noisy = (ms: number): number => ms * (0.8 + rand() * 0.4);
      const levels: [string, string][] = [
        ['frontend', 'POST /checkout'],
        ['frontend', 'checkout.process'],
        ['order-service', 'POST /orders'],
        ['order-service', 'order.create'],
        ['payment-service', 'POST /payments'],
      ];
      let sketch: SpanSketch = {
        name: 'payment.process',
        service: 'payment-service',
        durationMs: noisy(paymentMs),
      };
      for (const [service, name] of [...levels].reverse()) {
        const own = noisy(5) + (name === 'order.create' ? orderOwnMs : 0);
        sketch = { name, service, durationMs: (sketch.durationMs as number) + own, children: [sketch] };
      }
      return buildTrace(sketch);
    };
    const runOf = (seed: number, paymentMs: number, orderOwnMs = 0): Trace[] => {
      const rand = seededRandom(seed);
      return Array.from({ length: 8 }, () => chain(rand, paymentMs, orderOwnMs));
    };

    it('reports a slow span once, as the cause of the slowdown of every span above it, and keeps those as rows explained by it', () => {
      const report = detectRegressions(runOf(1, 20), runOf(2, 1200));
      expect(report.regressions).toHaveLength(6);
      const causes = report.regressions.filter((shift) => shift.explained_by === undefined);
      expect(causes.map((shift) => shift.operation)).toEqual(['payment.process']);
      for (const shift of report.regressions.filter((item) => item.explained_by)) {
        expect(shift.explained_by).toMatchObject({
          service: 'payment-service',
          operation: 'payment.process',
        });
        expect(shift.explained_by?.share).toBeGreaterThan(0.95);
      }
    });

    it('puts a slowdown down to a query that now runs five times where it ran once, when the added queries account for it', () => {
      // inventory.reserve waits on its queries one after another: 1 → 5 of ~16 ms each.
      const sideOf = (seed: number, queries: number): Trace[] => {
        const rand = seededRandom(seed);
        return Array.from({ length: 8 }, () => buildTrace(inventoryReserveSketch(rand, queries)));
      };
      const report = detectRegressions(sideOf(7, 1), sideOf(8, 5));
      expect(report.structural).toContainEqual(
        expect.objectContaining({ kind: 'count_changed', operation: 'SELECT inventory' }),
      );
      expect(report.regressions.filter((shift) => !shift.explained_by)).toEqual([]);
      for (const shift of report.regressions)
        expect(shift.explained_by, shift.operation).toMatchObject({
          operation: 'SELECT inventory',
          count_change: { baseline: 1, current: 5 },
        });
      expect(report.regressions.map((shift) => shift.operation).sort()).toEqual([
        'POST /orders',
        'inventory.reserve',
      ]);
    });

    it('groups a speed-up with the spans above it the same way', () => {
      const report = detectRegressions(runOf(3, 1200), runOf(4, 20));
      expect(report.improvements).toHaveLength(6);
      expect(
        report.improvements.filter((shift) => !shift.explained_by).map((shift) => shift.operation),
      ).toEqual(['payment.process']);
    });

    it('keeps a span above that also slowed on its own by more than a fifth of its shift as a cause of its own', () => {
      // payment.process +100 ms; order.create adds 100 ms of its own, so the payment explains half its shift.
      const report = detectRegressions(runOf(5, 20), runOf(6, 120, 100));
      const causeOf = Object.fromEntries(
        report.regressions.map((shift) => [shift.operation, shift.explained_by?.operation ?? '']),
      );
      expect(causeOf).toEqual({
        'payment.process': '',
        'POST /payments': 'payment.process',
        'order.create': '',
        'POST /orders': 'order.create',
        'checkout.process': 'order.create',
        'POST /checkout': 'order.create',
      });
    });
  });
});
