// order-service: turns a priced cart into an order — reserve stock, take payment, record the order.
'use strict';
const { randomUUID } = require('node:crypto');
const { HttpError, postJson, serveJson } = require('../lib/json-http.cjs');
const { withSpan } = require('../lib/business-span.cjs');
const { openDatabase, tracedQuery } = require('../lib/traced-db.cjs');
const { activeDefects, portFromEnv } = require('../lib/service-env.cjs');

const defects = activeDefects();
const INVENTORY_PORT = portFromEnv('INVENTORY_PORT');
const PAYMENT_PORT = portFromEnv('PAYMENT_PORT');
const db = openDatabase('CREATE TABLE orders (id TEXT PRIMARY KEY, customer TEXT, total_cents INTEGER, payment_id TEXT)');

async function reserveStock(orderId, items) {
  // Defect wrong-service: the frontend reserves the stock itself, so this service skips it.
  if (defects.has('wrong-service')) return;
  const answer = await postJson(INVENTORY_PORT, '/inventory/reserve', { reservation_id: orderId, items });
  if (answer.status === 200) return;
  // Defect swallowed-error, second half: the failed reservation is ignored and the order goes on.
  if (defects.has('swallowed-error')) return;
  throw new HttpError(409, `stock not reserved: inventory-service answered ${answer.status} ${answer.body.error ?? ''}`.trim());
}

async function takePayment(orderId, totalCents) {
  // Defect missing-call: the order is confirmed without charging the customer.
  if (defects.has('missing-call')) return undefined;
  const answer = await postJson(PAYMENT_PORT, '/payments', { order_id: orderId, amount_cents: totalCents, currency: 'USD' });
  if (answer.status !== 200) throw new HttpError(402, `payment refused: payment-service answered ${answer.status} ${answer.body.error ?? ''}`.trim());
  return answer.body.payment_id;
}

async function createOrder(body) {
  const orderId = `ord-${randomUUID().slice(0, 8)}`;
  const items = Array.isArray(body.items) ? body.items : [];
  const attributes = { 'order.id': orderId, 'order.items': items.length, 'order.total_cents': Number(body.total_cents) || 0 };
  return withSpan('order-service', 'order.create', attributes, async () => {
    if (items.length === 0 || !Number.isInteger(body.total_cents) || body.total_cents <= 0) {
      throw new HttpError(400, 'expected { customer, items: [{ sku, quantity, price_cents }], total_cents: positive integer }');
    }
    await reserveStock(orderId, items);
    const paymentId = await takePayment(orderId, body.total_cents);
    await tracedQuery(db, 'INSERT INTO orders (id, customer, total_cents, payment_id) VALUES (?, ?, ?, ?)', [
      orderId,
      String(body.customer ?? 'guest'),
      body.total_cents,
      paymentId ?? null,
    ]);
    return { status: 201, body: { order_id: orderId, payment_id: paymentId ?? null, status: 'confirmed' } };
  });
}

serveJson(portFromEnv('ORDER_PORT'), { 'POST /orders': createOrder });
