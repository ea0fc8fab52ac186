// cart-service: checks a cart against the catalog and prices it.
'use strict';
const { HttpError, serveJson } = require('../lib/json-http.cjs');
const { withSpan } = require('../lib/business-span.cjs');
const { openDatabase, tracedQuery } = require('../lib/traced-db.cjs');
const { PRODUCTS, placeholders } = require('../lib/catalog.cjs');
const { activeDefects, portFromEnv } = require('../lib/service-env.cjs');

// No defect lives here, but a misspelt CHECKOUT_DEFECTS is refused by every service alike.
activeDefects();

// 99 of one product is a generous cart; more is a client bug, not a purchase.
const MAX_QUANTITY = 99;

const db = openDatabase('CREATE TABLE products (sku TEXT PRIMARY KEY, name TEXT, price_cents INTEGER)');
const insert = db.prepare('INSERT INTO products VALUES (?, ?, ?)');
for (const product of PRODUCTS) insert.run(product.sku, product.name, product.price_cents);

function checkItems(items) {
  if (!Array.isArray(items) || items.length === 0) throw new HttpError(400, 'items must be a non-empty list of { sku, quantity }');
  for (const [index, item] of items.entries()) {
    if (typeof item?.sku !== 'string') throw new HttpError(400, `items[${index}].sku must be a string such as SKU-1001`);
    if (!Number.isInteger(item.quantity) || item.quantity < 1 || item.quantity > MAX_QUANTITY) {
      throw new HttpError(400, `items[${index}].quantity must be an integer from 1 to ${MAX_QUANTITY}`);
    }
  }
}

async function validateCart(body) {
  return withSpan('cart-service', 'checkout.validate_cart', { 'cart.size': Array.isArray(body.items) ? body.items.length : 0 }, async (span) => {
    checkItems(body.items);
    const skus = body.items.map((item) => item.sku);
    const rows = await tracedQuery(db, `SELECT sku, price_cents FROM products WHERE sku IN (${placeholders(skus.length)})`, skus);
    const prices = new Map(rows.map((row) => [row.sku, row.price_cents]));
    const unknown = skus.filter((sku) => !prices.has(sku));
    if (unknown.length > 0) throw new HttpError(400, `unknown sku ${unknown.join(', ')}; known: ${PRODUCTS.map((p) => p.sku).join(', ')}`);
    const items = body.items.map((item) => ({ ...item, price_cents: prices.get(item.sku) }));
    const total = items.reduce((sum, item) => sum + item.price_cents * item.quantity, 0);
    span.setAttribute('cart.total_cents', total);
    return { status: 200, body: { items, total_cents: total } };
  });
}

serveJson(portFromEnv('CART_PORT'), { 'POST /cart/validate': validateCart });
