import { describe, expect, it } from 'vitest';
import { analyzeTrace } from '../../src/analysis/index.js';
import { buildTrace } from '../support/trace-builder.js';

describe('trace structure', () => {
  it('counts spans, services, depth and fan-out', () => {
    const { structure } = analyzeTrace(
      buildTrace({
        name: 'root',
        service: 'web',
        children: [
          { name: 'a', children: [{ name: 'a1' }, { name: 'a2' }, { name: 'a3' }] },
          { name: 'b', service: 'api' },
        ],
      }),
    );
    expect(structure.spanCount).toBe(6);
    expect(structure.depth).toBe(3);
    expect(structure.serviceCount).toBe(2);
    expect(structure.fanOut.max).toBe(3);
    expect(structure.fanOut.maxSpan?.name).toBe('a');
    expect(structure.fanOut.average).toBe(2.5);
    expect(structure.roots.items.map((r) => r.name)).toEqual(['root']);
  });

  it('builds the service call graph with call counts and failed calls', () => {
    const { structure } = analyzeTrace(
      buildTrace({
        name: 'GET /checkout',
        service: 'web',
        kind: 'server',
        children: [
          {
            name: 'GET /cart',
            kind: 'client',
            children: [{ name: 'GET /cart', service: 'cart', kind: 'server' }],
          },
          {
            name: 'POST /pay',
            kind: 'client',
            children: [{ name: 'POST /pay', service: 'payments', kind: 'server', status: 'error' }],
          },
          {
            name: 'POST /pay',
            kind: 'client',
            children: [{ name: 'POST /pay', service: 'payments', kind: 'server' }],
          },
          { name: 'self call', kind: 'client', children: [{ name: 'GET /internal', kind: 'server' }] },
          {
            name: 'publish',
            kind: 'producer',
            children: [{ name: 'consume', service: 'mailer', kind: 'consumer' }],
          },
        ],
      }),
    );
    expect(structure.serviceGraph.items).toEqual([
      { from: 'web', to: 'payments', mode: 'sync', calls: 2, errors: 1 },
      { from: 'web', to: 'cart', mode: 'sync', calls: 1, errors: 0 },
      { from: 'web', to: 'mailer', mode: 'async', calls: 1, errors: 0 },
      { from: 'web', to: 'web', mode: 'sync', calls: 1, errors: 0 },
    ]);
  });

  it('names the orphan, its service and the parent id it points at', () => {
    const { structure } = analyzeTrace(
      buildTrace([
        { name: 'GET /orders', service: 'web', durationMs: 50 },
        {
          name: 'process order',
          service: 'worker',
          missingParentId: '00000000deadbeef',
          children: [{ name: 'save' }, { name: 'notify' }],
        },
      ]),
    );
    expect(structure.orphans.total).toBe(1);
    expect(structure.orphans.items[0]).toEqual({
      span: { spanId: expect.any(String), name: 'process order', service: 'worker' },
      missingParentId: '00000000deadbeef',
      descendantCount: 2,
    });
    expect(structure.orphansByService.items).toEqual([{ service: 'worker', orphans: 1 }]);
    expect(structure.roots.total).toBe(1);
  });

  it('reports children outside their parent by how much, but not a consumer outliving its producer', () => {
    const { structure } = analyzeTrace(
      buildTrace({
        name: 'root',
        service: 'web',
        startMs: 10,
        durationMs: 100,
        children: [
          { name: 'early', service: 'api', startMs: 5, durationMs: 20 },
          { name: 'late', startMs: 100, durationMs: 13 },
          { name: 'inside', startMs: 20, durationMs: 10 },
          {
            name: 'publish',
            kind: 'producer',
            startMs: 50,
            durationMs: 60,
            children: [
              { name: 'consume', service: 'worker', kind: 'consumer', startMs: 60, durationMs: 500 },
            ],
          },
        ],
      }),
    );
    expect(
      structure.clockSkew.items.map((s) => [
        s.span.name,
        s.startsBeforeParentMs,
        s.endsAfterParentMs,
        s.crossService,
        s.clock,
      ]),
    ).toEqual([
      ['early', 5, 0, true, 'unknown'],
      ['late', 0, 3, false, 'same-process'],
    ]);
  });

  it('ignores skew within the tolerance, 1 ms unless told', () => {
    const trace = buildTrace({
      name: 'root',
      durationMs: 100,
      children: [
        { name: 'late', startMs: 95, durationMs: 6.5 },
        // The checkout trace: a SELECT ending 0.23 ms after its parent in one Node process.
        { name: 'rounding', startMs: 80, durationMs: 20.23 },
      ],
    });
    expect(analyzeTrace(trace).structure.clockSkew.items.map((s) => s.span.name)).toEqual(['late']);
    expect(analyzeTrace(trace, { clockSkewToleranceMs: 0 }).structure.clockSkew.total).toBe(2);
    expect(analyzeTrace(trace, { clockSkewToleranceMs: 2 }).structure.clockSkew.total).toBe(0);
  });

  it('says whose clocks timed a child outside its parent: one process, one host, or two hosts', () => {
    const vm = { 'host.name': 'vm' };
    const { structure } = analyzeTrace(
      buildTrace({
        name: 'POST',
        service: 'frontend',
        kind: 'client',
        resourceAttributes: { ...vm, 'process.pid': 10 },
        durationMs: 100,
        children: [
          {
            name: 'POST /orders',
            service: 'order-service',
            kind: 'server',
            resourceAttributes: { ...vm, 'process.pid': 11 },
            startMs: 2,
            durationMs: 105,
            children: [{ name: 'INSERT orders', startMs: 90, durationMs: 19, resourceAttributes: vm }],
          },
          {
            name: 'POST /payments',
            service: 'payment-service',
            resourceAttributes: { 'host.name': 'pay-1' },
            startMs: 50,
            durationMs: 53,
          },
          { name: 'POST /cart', service: 'cart-service', startMs: 60, durationMs: 44 },
        ],
      }),
    );
    expect(structure.clockSkew.items.map((s) => [s.span.name, s.clock])).toEqual([
      ['POST /orders', 'same-host'],
      ['POST /cart', 'unknown'],
      ['POST /payments', 'different-hosts'],
      ['INSERT orders', 'same-process'],
    ]);
  });

  it('lists spans without a service.name', () => {
    const { structure } = analyzeTrace(
      buildTrace({
        name: 'root',
        service: 'web',
        children: [{ name: 'anon', service: 'unknown_service:node' }],
      }),
    );
    expect(structure.unknownServiceSpans.items.map((s) => s.name)).toEqual(['anon']);
  });

  it('caps every list and says how many were left out', () => {
    const children = Array.from({ length: 30 }, (_, i) => ({ name: `c${i}`, service: `svc${i}` }));
    const { structure } = analyzeTrace(buildTrace({ name: 'root', service: 'web', children }), {
      maxItems: 5,
    });
    expect(structure.services).toMatchObject({ total: 31, omitted: 26 });
    expect(structure.services.items).toHaveLength(5);
    expect(structure.serviceGraph).toMatchObject({ total: 30, omitted: 25 });
  });

  it('refuses an empty trace and a bad limit with a clear message', () => {
    expect(() => analyzeTrace({ traceId: 'a'.repeat(32), spans: [] })).toThrow(/has no spans/);
    expect(() => analyzeTrace(buildTrace({ name: 'x' }), { maxItems: -1 })).toThrow(
      /maxItems must be a whole number/,
    );
  });
});
