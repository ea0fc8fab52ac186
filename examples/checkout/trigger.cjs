// Sends one checkout (POST /checkout, five line items) to the frontend on FRONTEND_PORT and exits 0
// on a 2xx answer, 1 otherwise, printing one line. Untraced: the frontend's server span is the root.
'use strict';
const http = require('node:http');

const port = Number(process.env.FRONTEND_PORT);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error(`trigger: FRONTEND_PORT=${process.env.FRONTEND_PORT ?? ''} is not a port: give a number from 1 to 65535`);
  process.exit(2);
}

// Five line items: enough for a per-item query loop to show as N+1 (detectors want at least 5).
const cart = {
  customer: 'ada@example.com',
  items: [
    { sku: 'SKU-1001', quantity: 2 },
    { sku: 'SKU-1002', quantity: 1 },
    { sku: 'SKU-1003', quantity: 1 },
    { sku: 'SKU-1004', quantity: 1 },
    { sku: 'SKU-1005', quantity: 3 },
  ],
};
const payload = JSON.stringify(cart);
const started = process.hrtime.bigint();
const request = http.request(
  { host: '127.0.0.1', port, path: '/checkout', method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } },
  (response) => {
    let text = '';
    response.on('data', (chunk) => (text += chunk));
    response.on('end', () => {
      const ms = Number((process.hrtime.bigint() - started) / 1_000_000n);
      const ok = response.statusCode >= 200 && response.statusCode < 300;
      console.log(`checkout ${ok ? 'ok' : 'failed'}: HTTP ${response.statusCode} in ${ms} ms: ${text.slice(0, 200)}`);
      process.exit(ok ? 0 : 1);
    });
  },
);
request.on('error', (error) => {
  console.error(`checkout failed: cannot reach the frontend on 127.0.0.1:${port}: ${error.message}`);
  process.exit(1);
});
request.end(payload);
