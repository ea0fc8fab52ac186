// The shop's products, shared by the services that seed their own databases from it.
'use strict';

const PRODUCTS = [
  { sku: 'SKU-1001', name: 'Espresso beans 1 kg', price_cents: 2400, stock: 500 },
  { sku: 'SKU-1002', name: 'Hand grinder', price_cents: 5900, stock: 120 },
  { sku: 'SKU-1003', name: 'Milk jug', price_cents: 1500, stock: 300 },
  { sku: 'SKU-1004', name: 'Tamper', price_cents: 2900, stock: 200 },
  { sku: 'SKU-1005', name: 'Cleaning tablets', price_cents: 900, stock: 800 },
  { sku: 'SKU-1006', name: 'Scale', price_cents: 3900, stock: 90 },
];

/** `?, ?, ?` for an IN list of `count` values. */
function placeholders(count) {
  return Array.from({ length: count }, () => '?').join(', ');
}

module.exports = { PRODUCTS, placeholders };
