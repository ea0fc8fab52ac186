// Sends one loan (POST /loans, member M-100, five books) to the gateway on GATEWAY_PORT and exits 0
// on a 2xx answer, 1 otherwise, printing one line (stdout on success, stderr on failure).
// Untraced: the gateway's server span is the root of the trace.
'use strict';
const http = require('node:http');

const text = process.env.GATEWAY_PORT ?? '';
const port = Number(text);
if (!/^\d+$/.test(text) || port < 1 || port > 65535) {
  console.error(`trigger: GATEWAY_PORT=${text} is not a port: give a number from 1 to 65535`);
  process.exit(2);
}

// Five books: enough for a per-book query loop to show as N+1 (detectors want at least 5).
const loan = { member: 'M-100', books: ['B-1', 'B-2', 'B-3', 'B-4', 'B-5'] };
const payload = JSON.stringify(loan);
const started = process.hrtime.bigint();
const elapsed = () => `${Number((process.hrtime.bigint() - started) / 1_000_000n)} ms`;
const request = http.request(
  { host: '127.0.0.1', port, path: '/loans', method: 'POST', timeout: 30_000, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } },
  (response) => {
    let body = '';
    response.on('data', (chunk) => (body += chunk));
    response.on('end', () => {
      const ok = response.statusCode >= 200 && response.statusCode < 300;
      const line = `loan ${ok ? 'ok' : 'failed'}: HTTP ${response.statusCode} in ${elapsed()}: ${body.replace(/\s+/g, ' ').slice(0, 200)}`;
      if (ok) console.log(line);
      else console.error(line);
      process.exit(ok ? 0 : 1);
    });
    response.on('error', (error) => {
      console.error(`loan failed: the gateway on 127.0.0.1:${port} broke off its answer after ${elapsed()}: ${error.message}`);
      process.exit(1);
    });
  },
);
request.on('timeout', () => request.destroy(new Error('no answer within 30 s')));
request.on('error', (error) => {
  console.error(`loan failed: cannot get an answer from the gateway on 127.0.0.1:${port} after ${elapsed()}: ${error.message}`);
  process.exit(1);
});
request.end(payload);
