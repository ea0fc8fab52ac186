import { describe, expect, it } from 'vitest';
import { diffTraces } from '../../src/analysis/index.js';
import { gatewaySketch } from '../support/gateway-sketch.js';
import { buildTrace, repeated, type SpanSketch } from '../support/trace-builder.js';

function checkout(
  options: {
    paymentMs?: number;
    queries?: number;
    withFraud?: boolean;
    withCache?: boolean;
    inventoryMs?: number;
  } = {},
): SpanSketch {
  return {
    name: 'POST /checkout',
    service: 'frontend',
    durationMs: 400,
    children: [
      ...(options.withCache === false ? [] : [{ name: 'cache.get', startMs: 1, durationMs: 2 }]),
      {
        name: 'order.create',
        service: 'order-service',
        startMs: 5,
        durationMs: 100,
        children: repeated(options.queries ?? 2, { name: 'SELECT items', kind: 'client', durationMs: 10 }, 6),
      },
      {
        name: 'inventory.reserve',
        service: 'inventory',
        startMs: 110,
        durationMs: options.inventoryMs ?? 30,
      },
      {
        name: 'payment.charge',
        service: 'payment-service',
        startMs: 150,
        durationMs: options.paymentMs ?? 100,
      },
      ...(options.withFraud ? [{ name: 'fraud.score', service: 'fraud', startMs: 260, durationMs: 20 }] : []),
    ],
  };
}

describe('diffTraces', () => {
  it('reports a span added in B, one removed, a count that changed and a span that grew, aligned by service:operation path', () => {
    const a = buildTrace(checkout());
    const b = buildTrace(checkout({ paymentMs: 250, queries: 5, withFraud: true, withCache: false }));
    const diff = diffTraces(a, b);
    const byPath = new Map(diff.differences.map((item) => [item.path, item]));
    expect(byPath.get('frontend:POST /checkout > fraud:fraud.score')).toMatchObject({
      status: 'added',
      a: { count: 0 },
      b: { count: 1, total_ms: 20 },
    });
    expect(byPath.get('frontend:POST /checkout > frontend:cache.get')).toMatchObject({
      status: 'removed',
      a: { count: 1 },
      b: { count: 0 },
    });
    expect(
      byPath.get('frontend:POST /checkout > order-service:order.create > order-service:SELECT items'),
    ).toMatchObject({
      status: 'changed',
      count_changed: true,
      a: { count: 2, total_ms: 20, mean_ms: 10 },
      b: { count: 5, total_ms: 50, mean_ms: 10 },
    });
    expect(byPath.get('frontend:POST /checkout > payment-service:payment.charge')).toMatchObject({
      status: 'changed',
      count_changed: false,
      duration_change: 'grew',
      delta_total_ms: 150,
    });
    expect(diff.differences[0]?.path).toBe('frontend:POST /checkout > payment-service:payment.charge');
    expect(byPath.has('frontend:POST /checkout > inventory:inventory.reserve')).toBe(false);
  });

  it('reports a span that shrank, and leaves out changes under the relative or absolute threshold', () => {
    const a = buildTrace(checkout({ inventoryMs: 30, paymentMs: 100 }));
    const b = buildTrace(checkout({ inventoryMs: 10, paymentMs: 110 }));
    const diff = diffTraces(a, b);
    expect(diff.differences.map((item) => [item.path.split(' > ').pop(), item.duration_change])).toEqual([
      ['inventory:inventory.reserve', 'shrank'],
    ]);
    // A 0.5 ms change of a 1 ms span is 50%, but under the 1 ms floor.
    const tiny = diffTraces(
      buildTrace({ name: 'x', durationMs: 1 }),
      buildTrace({ name: 'x', durationMs: 1.5 }),
    );
    expect(tiny.differences).toEqual([]);
    expect(tiny.unchanged_paths).toBe(1);
  });

  it('reports spans that became ERROR with why, ahead of a larger duration change, deepest first, and the same spans recovered the other way round', () => {
    const good = checkout();
    const bad = checkout({ paymentMs: 300 });
    bad.status = 'error';
    bad.attributes = { 'http.response.status_code': 503 };
    const inventory = bad.children?.find((child) => child.name === 'inventory.reserve') as SpanSketch;
    inventory.status = 'error';
    inventory.statusMessage = 'InventoryUnavailableError: stock ledger unavailable';
    inventory.events = [
      {
        name: 'exception',
        attributes: {
          'exception.type': 'InventoryUnavailableError',
          'exception.message': 'stock ledger unavailable',
        },
      },
    ];
    const [a, b] = [buildTrace(good), buildTrace(bad)];
    const diff = diffTraces(a, b);
    expect(
      diff.differences.map((item) => [item.path.split(' > ').pop(), item.error_change, item.error]),
    ).toEqual([
      ['inventory:inventory.reserve', 'became_error', 'InventoryUnavailableError: stock ledger unavailable'],
      ['frontend:POST /checkout', 'became_error', 'HTTP 503'],
      ['payment-service:payment.charge', undefined, undefined],
    ]);
    expect(diff.differences[0]).toMatchObject({ a: { errors: 0 }, b: { errors: 1 } });
    expect(diff.differences[0]?.duration_change).toBeUndefined();

    const back = diffTraces(b, a);
    expect(back.differences.map((item) => [item.path.split(' > ').pop(), item.error_change])).toEqual([
      ['inventory:inventory.reserve', 'recovered'],
      ['frontend:POST /checkout', 'recovered'],
      ['payment-service:payment.charge', undefined],
    ]);
    expect(back.differences[0]?.error).toBe('InventoryUnavailableError: stock ledger unavailable');
  });

  it('reports nothing for two traces of the same shape and timing', () => {
    const diff = diffTraces(buildTrace(checkout()), buildTrace(checkout()));
    expect(diff.differences).toEqual([]);
    expect(diff.unchanged_paths).toBe(6);
  });
});

describe('diffTraces on calls named alike', () => {
  it('keeps calls to two services apart, so a slower notify call is not hidden in a merged POST row', () => {
    const diff = diffTraces(buildTrace(gatewaySketch()), buildTrace(gatewaySketch({ notifyMs: 60 })));
    const changed = diff.differences.map((item) => item.path);
    expect(changed).toContain('gateway:POST /loans > gateway:POST (→ notify-service)');
    expect(diff.differences.find((item) => item.path.endsWith('(→ notify-service)'))).toMatchObject({
      status: 'changed',
      count_changed: false,
      duration_change: 'grew',
      a: { count: 1 },
      b: { count: 1 },
    });
    expect(changed.some((path) => path.includes('(→ loans-service)'))).toBe(false);
    expect(changed).not.toContain('gateway:POST /loans > gateway:POST');
  });

  it('still groups an N+1 loop of calls to one host whose URLs differ only by query, as one row with a count', () => {
    const diff = diffTraces(buildTrace(gatewaySketch()), buildTrace(gatewaySketch({ loansCalls: 5 })));
    expect(diff.differences.map((item) => [item.path, item.a.count, item.b.count])).toEqual([
      ['gateway:POST /loans > gateway:POST (→ loans-service)', 1, 5],
      ['gateway:POST /loans > gateway:POST (→ loans-service) > loans-service:POST /loans', 1, 5],
    ]);
  });

  it('aligns the calls of two runs on other ports by the service they called', () => {
    const diff = diffTraces(buildTrace(gatewaySketch()), buildTrace(gatewaySketch({ ports: [5001, 5002] })));
    expect(diff.differences).toEqual([]);
    expect(diff.unchanged_paths).toBe(5);
  });

  it("reports nothing for two identical traces whose concurrent calls' callees answered in another order", () => {
    // Two services behind one host (a gateway that fans out), and a second host with one callee.
    const fanOut = (host: string, callees: string[], startMs: number): SpanSketch => ({
      name: 'POST',
      kind: 'client',
      startMs,
      durationMs: 20,
      attributes: { 'server.address': host, 'server.port': 443 },
      children: callees.map((service, index) => ({
        name: 'handle',
        service,
        kind: 'server' as const,
        startMs: startMs + index,
        durationMs: 10,
      })),
    });
    const trace = (first: string[], second: string[]): SpanSketch => ({
      name: 'GET /',
      service: 'gw',
      durationMs: 100,
      children: [
        fanOut('h1', first, 1),
        fanOut('h1', ['a', 'b'], 2),
        fanOut('h2', second, 3),
        fanOut('h3', ['e'], 4),
      ],
    });
    const diff = diffTraces(
      buildTrace(trace(['a', 'b'], ['c', 'd'])),
      buildTrace(trace(['b', 'a'], ['d', 'c'])),
    );
    expect(diff.differences).toEqual([]);
  });

  it('pairs a call whose callee stopped answering with the same call in A, and reports the callee removed', () => {
    const diff = diffTraces(buildTrace(gatewaySketch()), buildTrace(gatewaySketch({ notifyAnswers: false })));
    expect(diff.differences.map((item) => [item.path, item.status])).toEqual([
      ['gateway:POST /loans > gateway:POST (→ notify-service) > notify-service:POST /notify', 'removed'],
    ]);
  });

  describe('a path that only changed because of one beneath it', () => {
    const chain = (queryMs: number, serviceMs: number, failing = false): SpanSketch => ({
      name: 'GET /orders',
      service: 'gateway',
      durationMs: serviceMs + 20,
      children: [
        {
          name: 'orders.list',
          service: 'orders',
          startMs: 5,
          durationMs: serviceMs,
          ...(failing ? { status: 'error' as const, statusMessage: 'boom' } : {}),
          children: [
            {
              name: 'handler',
              startMs: 6,
              durationMs: queryMs + 5,
              children: [{ name: 'SELECT orders', kind: 'client', startMs: 7, durationMs: queryMs }],
            },
          ],
        },
      ],
    });

    it('points every ancestor that only grew at the deepest path whose growth accounts for ≥80% of its own', () => {
      const diff = diffTraces(buildTrace(chain(20, 40)), buildTrace(chain(1000, 1020)));
      const byPath = new Map(diff.differences.map((item) => [item.path, item]));
      const query = 'gateway:GET /orders > orders:orders.list > orders:handler > orders:SELECT orders';
      expect(byPath.get(query)?.explained_by).toBeUndefined();
      for (const above of [
        'gateway:GET /orders',
        'gateway:GET /orders > orders:orders.list',
        'gateway:GET /orders > orders:orders.list > orders:handler',
      ])
        expect(byPath.get(above)?.explained_by, above).toBe(query);
    });

    it('keeps a path that grew by more than a fifth on its own, or whose errors changed, as a change of its own, and may name it as the cause above', () => {
      const diff = diffTraces(buildTrace(chain(20, 40)), buildTrace(chain(500, 1020, true)));
      const byPath = new Map(diff.differences.map((item) => [item.path, item]));
      // The query grew 480 ms of the service's 980: not enough to explain it, nor the gateway above.
      expect(byPath.get('gateway:GET /orders > orders:orders.list')).toMatchObject({
        error_change: 'became_error',
      });
      expect(byPath.get('gateway:GET /orders > orders:orders.list')?.explained_by).toBeUndefined();
      // The gateway only grew, by what the failing service grew: that service is its cause.
      expect(byPath.get('gateway:GET /orders')?.explained_by).toBe(
        'gateway:GET /orders > orders:orders.list',
      );
      expect(byPath.get('gateway:GET /orders > orders:orders.list > orders:handler')?.explained_by).toBe(
        'gateway:GET /orders > orders:orders.list > orders:handler > orders:SELECT orders',
      );
    });
  });

  it('never hands an explanation up a chain: a path is explained only by one beneath that moved ≥80% as much as it did', () => {
    // Each level adds a fifth of its growth in its own time: the root grew 1,000 ms, the deepest 410.
    const nest = (durations: number[]): SpanSketch => {
      const [first, ...rest] = durations;
      return {
        name: `level${durations.length}`,
        service: 'svc',
        durationMs: first,
        ...(rest.length > 0 ? { children: [nest(rest)] } : {}),
      };
    };
    const diff = diffTraces(
      buildTrace(nest([100, 80, 60, 40, 20])),
      buildTrace(nest([1100, 880, 700, 552, 430])),
    );
    const byPath = new Map(diff.differences.map((row) => [row.path, row]));
    for (const row of diff.differences) {
      if (row.explained_by === undefined) continue;
      const cause = byPath.get(row.explained_by)!;
      expect(cause.explained_by, cause.path).toBeUndefined();
      expect(Math.abs(cause.delta_total_ms), row.path).toBeGreaterThanOrEqual(
        0.8 * Math.abs(row.delta_total_ms),
      );
    }
    // The root's 1,000 ms stays in view: no single path beneath accounts for 800 of it.
    expect(diff.differences.find((row) => row.depth === 1)?.explained_by).toBeUndefined();
  });

  it('finds the path beneath by the tree, not by splitting names: an operation named with " > " is no path', () => {
    const query = (ms: number): SpanSketch => ({
      name: 'GET /report',
      service: 'api',
      durationMs: ms + 10,
      children: [{ name: 'SELECT * WHERE a > 5', kind: 'client', startMs: 1, durationMs: ms }],
    });
    const diff = diffTraces(buildTrace(query(20)), buildTrace(query(900)));
    expect(diff.differences.find((row) => row.depth === 1)?.explained_by).toBe(
      'api:GET /report > api:SELECT * WHERE a > 5',
    );
  });
});
