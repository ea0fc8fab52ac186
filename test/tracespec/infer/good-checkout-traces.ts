/**
 * Good checkout traces with what varies in real ones: ids, user agents, durations, how many items
 * are reserved, the payment method, and a cache lookup that only some requests make.
 */
import type { Trace } from '../../../src/model/index.js';
import { buildTrace, type SpanSketch } from '../../support/trace-builder.js';

import { seededRandom } from '../../support/seeded-random.js';

export { seededRandom };

export interface CheckoutVariant {
  /** Leave the payment call out. */
  withoutPayment?: boolean;
  /** Make the payment call from order-service instead of the frontend. */
  paymentUnderOrder?: boolean;
  dbSystem?: string;
}

export function checkoutTrace(rand: () => number, variant: CheckoutVariant = {}): Trace {
  const hex = (digits: number): string =>
    Array.from({ length: digits }, () => Math.floor(rand() * 16).toString(16)).join('');
  const uuid = `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
  const orderId = `ord-${100000 + Math.floor(rand() * 900000)}`;
  const items = 1 + Math.floor(rand() * 3);
  let clock = 2 + rand() * 3;
  const take = (duration: number): number => {
    const start = clock;
    clock += duration + 1;
    return start;
  };
  const cartDuration = 5 + rand() * 10;
  const cart: SpanSketch = {
    name: 'cart.get',
    service: 'cart-service',
    kind: 'server',
    startMs: take(cartDuration),
    durationMs: cartDuration,
    attributes: { 'cart.id': uuid, 'cart.size': items, 'rpc.system': 'grpc' },
  };
  const cache: SpanSketch[] =
    rand() < 0.5
      ? [
          {
            name: 'cache.get',
            service: 'cart-service',
            kind: 'client',
            startMs: cart.startMs,
            durationMs: 1,
            attributes: { 'db.system.name': 'redis' },
          },
        ]
      : [];
  cart.children = cache;
  const orderStart = clock;
  const insertDuration = 3 + rand() * 4;
  const reserves: SpanSketch[] = [];
  let inner = orderStart + insertDuration + 2;
  for (let item = 0; item < items; item += 1) {
    const duration = 4 + rand() * 6;
    reserves.push({
      name: 'inventory.reserve',
      service: 'inventory-service',
      kind: 'server',
      startMs: inner,
      durationMs: duration,
      attributes: { 'inventory.sku': `SKU-${hex(6)}` },
    });
    inner += duration + 1;
  }
  const payDuration = 20 + rand() * 30;
  const payment: SpanSketch = {
    name: 'payment.charge',
    service: 'payment-service',
    kind: 'server',
    durationMs: payDuration,
    attributes: {
      'payment.method': rand() < 0.6 ? 'card' : 'paypal',
      'payment.amount': Math.round(rand() * 10000) / 100,
      'http.response.status_code': 200,
    },
  };
  const orderChildren: SpanSketch[] = [
    {
      name: 'INSERT orders',
      kind: 'client',
      startMs: orderStart + 1,
      durationMs: insertDuration,
      attributes: {
        'db.system.name': variant.dbSystem ?? 'postgresql',
        'db.query.text': `INSERT INTO orders VALUES ('${orderId}')`,
        'db.operation.name': 'INSERT',
      },
    },
    ...reserves,
  ];
  if (variant.paymentUnderOrder && !variant.withoutPayment)
    orderChildren.push({ ...payment, startMs: inner });
  const orderDuration = inner - orderStart + 2;
  const order: SpanSketch = {
    name: 'order.create',
    service: 'order-service',
    kind: 'server',
    startMs: orderStart,
    durationMs: orderDuration,
    attributes: { 'order.id': orderId, 'order.status': 'created', 'server.port': 8080 },
    children: orderChildren,
  };
  clock = orderStart + orderDuration + 1;
  const rootChildren: SpanSketch[] = [cart, order];
  if (!variant.paymentUnderOrder && !variant.withoutPayment)
    rootChildren.push({ ...payment, startMs: take(payDuration) });
  else if (variant.paymentUnderOrder) take(payDuration);
  return buildTrace({
    name: 'POST /checkout',
    service: 'frontend',
    kind: 'server',
    startMs: 0,
    durationMs: clock + 2,
    attributes: {
      'http.request.method': 'POST',
      'http.route': '/checkout',
      'http.response.status_code': 200,
      'url.full': `https://shop.example/checkout?order=${orderId}`,
      'user_agent.original': `Mozilla/5.0 build ${Math.floor(rand() * 100)}`,
      'enduser.id': `user-${Math.floor(rand() * 1e6)}`,
      'request.started': new Date(1_764_000_000_000 + Math.floor(rand() * 1e9)).toISOString(),
    },
    children: rootChildren,
  });
}

export function goodCheckouts(count: number, seed: number): Trace[] {
  const rand = seededRandom(seed);
  return Array.from({ length: count }, () => checkoutTrace(rand));
}
