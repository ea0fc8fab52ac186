/**
 * A large, realistic trace for the analysis tests and benchmark: an API gateway taking a bulk
 * order, calling auth, then per order the orders service (with an N+1 query loop), inventory
 * (an N+1 HTTP loop), pricing (with an occasional retry storm) and a Kafka hand-off to a
 * notification consumer. Deterministic for a given seed.
 */
import type { Trace } from '../../src/model/index.js';
import type { SpanSketch } from './trace-builder.js';
import { buildTrace, movedToNow } from './trace-builder.js';
import { seededRandom } from './seeded-random.js';

/**
 * The same trace moved to start now, as a store-bound fixture must be: retention (7 days by
 * default) would drop a trace from the builder's fixed epoch on write.
 */
export function generateRealisticTraceAtNow(targetSpans = 10_000, seed = 42): Trace {
  // Its root starts at the builder's epoch, which movedToNow moves to now.
  return movedToNow(generateRealisticTrace(targetSpans, seed));
}

export function generateRealisticTrace(targetSpans = 10_000, seed = 42): Trace {
  const rand = seededRandom(seed);
  const between = (lo: number, hi: number): number => lo + rand() * (hi - lo);
  const whole = (lo: number, hi: number): number => Math.floor(between(lo, hi + 1));
  let spans = 1;
  let clock = 0;

  const db = (statement: string, start: number, duration: number): SpanSketch => {
    spans += 1;
    return {
      name: `SELECT ${statement.split(' FROM ')[1]?.split(' ')[0] ?? 'db'}`,
      kind: 'client',
      startMs: start,
      durationMs: duration,
      attributes: { 'db.system.name': 'postgresql', 'db.query.text': statement, 'db.namespace': 'shop' },
    };
  };

  const call = (
    from: string,
    to: string,
    method: string,
    route: string,
    path: string,
    start: number,
    duration: number,
    status: number,
    inner: (start: number, end: number) => SpanSketch[],
  ): SpanSketch => {
    spans += 2;
    const failed = status >= 500;
    return {
      name: `${method} ${route}`,
      service: from,
      kind: 'client',
      startMs: start,
      durationMs: duration,
      status: failed ? 'error' : 'unset',
      attributes: {
        'http.request.method': method,
        'url.full': `http://${to}:8080${path}`,
        'server.address': to,
        'http.response.status_code': status,
      },
      children: [
        {
          name: `${method} ${route}`,
          service: to,
          kind: 'server',
          startMs: start + 0.3,
          durationMs: duration - 0.6,
          status: failed ? 'error' : 'unset',
          attributes: {
            'http.request.method': method,
            'http.route': route,
            'http.response.status_code': status,
          },
          events: failed
            ? [
                {
                  name: 'exception',
                  atMs: duration - 1,
                  attributes: {
                    'exception.type': 'UpstreamTimeout',
                    'exception.message': 'price feed did not answer',
                    'exception.stacktrace':
                      'UpstreamTimeout: price feed did not answer\n    at quote (pricing.js:42:7)',
                  },
                },
              ]
            : [],
          children: inner(start + 0.5, start + duration - 0.5),
        },
      ],
    };
  };

  const order = (index: number): SpanSketch => {
    const start = clock;
    let t = start + 1;
    const children: SpanSketch[] = [];
    const orderServer = (s: number, _e: number): SpanSketch[] => {
      let c = s + 0.5;
      const inner: SpanSketch[] = [];
      inner.push(db(`SELECT * FROM customers WHERE id = ${1000 + index}`, c, between(1, 4)));
      c += 5;
      const items = whole(5, 15);
      for (let i = 0; i < items; i += 1) {
        const d = between(2, 8);
        inner.push(db(`SELECT * FROM order_items WHERE order_id = ${index} AND sku = '${i}-X'`, c, d));
        c += d + 0.2;
      }
      return inner;
    };
    const orderCall = call(
      'api-gateway',
      'orders-service',
      'POST',
      '/orders',
      '/orders',
      t,
      120,
      201,
      orderServer,
    );
    children.push(orderCall);
    t += 121;

    const lookups = whole(8, 14);
    for (let i = 0; i < lookups; i += 1) {
      const d = between(3, 12);
      children.push(
        call(
          'api-gateway',
          'inventory-service',
          'GET',
          '/inventory/{sku}',
          `/inventory/${index * 100 + i}`,
          t,
          d,
          200,
          (s) => [db(`SELECT qty FROM stock WHERE sku = ${index * 100 + i}`, s + 0.2, d / 2)],
        ),
      );
      t += d + 0.3;
    }

    const attempts = index % 7 === 3 ? 3 : 1;
    for (let a = 0; a < attempts; a += 1) {
      const last = a === attempts - 1;
      const d = last ? between(20, 60) : 200;
      children.push(
        call('api-gateway', 'pricing-service', 'POST', '/quote', '/quote', t, d, last ? 200 : 503, (s) => [
          { name: 'compute discount', service: 'pricing-service', startMs: s + 1, durationMs: d / 3 },
        ]),
      );
      t += d + 1;
    }

    spans += 3;
    children.push({
      name: 'orders publish',
      kind: 'producer',
      startMs: t,
      durationMs: 2,
      attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': 'orders' },
      children: [
        {
          name: 'orders process',
          service: 'notification-service',
          kind: 'consumer',
          startMs: t + 15,
          durationMs: 40,
          attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': 'orders' },
          children: [{ name: 'smtp send', kind: 'client', startMs: t + 20, durationMs: 30 }],
        },
      ],
    });
    t += 3;
    spans += 1;
    clock = t + 1;
    return { name: `process order ${index % 5}`, startMs: start, durationMs: t - start, children };
  };

  const orders: SpanSketch[] = [];
  const auth = call('api-gateway', 'auth-service', 'GET', '/session', '/session', 1, 15, 200, (s) => [
    {
      name: 'GET',
      kind: 'client',
      startMs: s + 1,
      durationMs: 2,
      attributes: { 'db.system.name': 'redis', 'db.operation.name': 'GET' },
    },
  ]);
  spans += 1;
  clock = 20;
  for (let i = 0; spans < targetSpans; i += 1) orders.push(order(i));

  return buildTrace({
    name: 'POST /orders/bulk',
    service: 'api-gateway',
    kind: 'server',
    startMs: 0,
    durationMs: clock + 2,
    attributes: {
      'http.request.method': 'POST',
      'http.route': '/orders/bulk',
      'http.response.status_code': 200,
    },
    children: [auth, ...orders],
  });
}
