// What a service reads from its environment: its own port, its peers' ports, and the defect switch.
// Bad values stop the service at start with a message naming the variable and what is accepted.
'use strict';
const path = require('node:path');

const DEFECTS = ['missing-call', 'wrong-service', 'slow-payment', 'n-plus-one', 'swallowed-error'];

function fail(message) {
  console.error(`${process.env.OTEL_SERVICE_NAME ?? path.basename(process.argv[1] ?? 'checkout', '.cjs')}: ${message}`);
  process.exit(2);
}

/** A TCP port from `name`, e.g. CART_PORT=4101. */
function portFromEnv(name) {
  const text = process.env[name];
  if (text === undefined || text === '') fail(`${name} is not set: give the port as a number from 1 to 65535`);
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`${name}=${text} is not a port: give a number from 1 to 65535`);
  return port;
}

/** The defects switched on by CHECKOUT_DEFECTS (comma list, or `all`); empty for the correct behaviour. */
function activeDefects(env = process.env) {
  const text = (env.CHECKOUT_DEFECTS ?? '').trim();
  if (text === '') return new Set();
  const names = text.split(',').map((name) => name.trim()).filter((name) => name !== '');
  const unknown = names.filter((name) => name !== 'all' && !DEFECTS.includes(name));
  if (unknown.length > 0) fail(`CHECKOUT_DEFECTS has unknown defect(s) ${unknown.join(', ')}: use a comma list of ${DEFECTS.join(', ')}, or all`);
  return new Set(names.includes('all') ? DEFECTS : names);
}

module.exports = { DEFECTS, portFromEnv, activeDefects };
