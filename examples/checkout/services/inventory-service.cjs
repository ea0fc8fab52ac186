// inventory-service: reserves stock for an order.
'use strict';
const { HttpError, serveJson } = require('../lib/json-http.cjs');
const { withSpan } = require('../lib/business-span.cjs');
const { openDatabase, tracedQuery } = require('../lib/traced-db.cjs');
const { PRODUCTS, placeholders } = require('../lib/catalog.cjs');
const { activeDefects, portFromEnv } = require('../lib/service-env.cjs');

const defects = activeDefects();
const db = openDatabase(`CREATE TABLE inventory (sku TEXT PRIMARY KEY, stock INTEGER);
                         CREATE TABLE reservations (reservation_id TEXT, sku TEXT, quantity INTEGER)`);
const insert = db.prepare('INSERT INTO inventory VALUES (?, ?)');
for (const product of PRODUCTS) insert.run(product.sku, product.stock);

class InventoryUnavailableError extends HttpError {
  constructor(message) {
    super(503, message);
    this.name = 'InventoryUnavailableError';
  }
}

async function readStock(skus) {
  if (defects.has('n-plus-one')) {
    // Defect n-plus-one: one query per item, each waiting for the one before.
    const rows = [];
    for (const sku of skus) rows.push(...(await tracedQuery(db, 'SELECT sku, stock FROM inventory WHERE sku = ?', [sku])));
    return rows;
  }
  return tracedQuery(db, `SELECT sku, stock FROM inventory WHERE sku IN (${placeholders(skus.length)})`, skus);
}

async function reserve(body) {
  const items = Array.isArray(body.items) ? body.items : [];
  const attributes = { 'inventory.reservation_id': String(body.reservation_id ?? ''), 'inventory.items': items.length };
  return withSpan('inventory-service', 'inventory.reserve', attributes, async () => {
    if (items.length === 0 || typeof body.reservation_id !== 'string') {
      throw new HttpError(400, 'expected { reservation_id: string, items: [{ sku, quantity }] } with at least one item');
    }
    const stock = new Map((await readStock(items.map((item) => item.sku))).map((row) => [row.sku, row.stock]));
    for (const item of items) {
      if (!stock.has(item.sku)) throw new HttpError(404, `unknown sku ${item.sku}`);
      if (stock.get(item.sku) < item.quantity) throw new HttpError(409, `only ${stock.get(item.sku)} of ${item.sku} in stock`);
    }
    if (defects.has('swallowed-error')) {
      // Defect swallowed-error, first half: the stock ledger is down. The caller is the one at fault.
      throw new InventoryUnavailableError(`stock ledger unavailable: reservation ${body.reservation_id} not recorded`);
    }
    const values = items.map(() => '(?, ?, ?)').join(', ');
    const params = items.flatMap((item) => [body.reservation_id, item.sku, item.quantity]);
    await tracedQuery(db, `INSERT INTO reservations (reservation_id, sku, quantity) VALUES ${values}`, params);
    return { status: 200, body: { reservation_id: body.reservation_id, reserved: items.length } };
  });
}

serveJson(portFromEnv('INVENTORY_PORT'), { 'POST /inventory/reserve': reserve });
