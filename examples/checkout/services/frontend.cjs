// frontend: the shop's checkout endpoint; prices the cart with cart-service and places the order
// with order-service.
'use strict';
const { randomUUID } = require('node:crypto');
const { HttpError, postJson, serveJson } = require('../lib/json-http.cjs');
const { withSpan } = require('../lib/business-span.cjs');
const { activeDefects, portFromEnv } = require('../lib/service-env.cjs');

const defects = activeDefects();
const CART_PORT = portFromEnv('CART_PORT');
const ORDER_PORT = portFromEnv('ORDER_PORT');
// Only the wrong-service defect calls inventory from here; a correct frontend does not need its port.
const INVENTORY_PORT = defects.has('wrong-service') ? portFromEnv('INVENTORY_PORT') : undefined;

async function checkout(body) {
  const items = Array.isArray(body.items) ? body.items : [];
  return withSpan('frontend', 'checkout.process', { 'cart.items': items.length, 'checkout.customer': String(body.customer ?? 'guest') }, async (span) => {
    const cart = await postJson(CART_PORT, '/cart/validate', { items });
    if (cart.status !== 200) throw new HttpError(cart.status === 400 ? 400 : 502, `cart rejected: ${cart.body.error ?? cart.status}`);
    if (INVENTORY_PORT !== undefined) {
      // Defect wrong-service: the frontend reserves stock itself instead of leaving it to order-service.
      await postJson(INVENTORY_PORT, '/inventory/reserve', { reservation_id: `chk-${randomUUID().slice(0, 8)}`, items: cart.body.items });
    }
    const order = await postJson(ORDER_PORT, '/orders', { customer: body.customer, items: cart.body.items, total_cents: cart.body.total_cents });
    if (order.status !== 201) throw new HttpError(order.status === 400 ? 400 : 502, `order not placed: ${order.body.error ?? order.status}`);
    span.setAttribute('order.id', order.body.order_id);
    return { status: 200, body: { order_id: order.body.order_id, total_cents: cart.body.total_cents, status: order.body.status } };
  });
}

serveJson(portFromEnv('FRONTEND_PORT'), { 'POST /checkout': checkout });
