// payment-service (Node fallback): authorizes a card payment. payment-service/app.py is the same
// service in Python; run.sh picks that one when its virtual environment exists.
'use strict';
const { randomUUID } = require('node:crypto');
const { setTimeout: sleep } = require('node:timers/promises');
const { HttpError, serveJson } = require('../lib/json-http.cjs');
const { withSpan } = require('../lib/business-span.cjs');
const { activeDefects, portFromEnv } = require('../lib/service-env.cjs');

const defects = activeDefects();
// A card network authorizes in tens of milliseconds; the slow-payment defect stands for a gateway
// timeout-and-retry, 1200 ms, well past the specs' 500 ms budget yet short enough for tests.
const AUTHORIZE_MS = 20;
const SLOW_AUTHORIZE_MS = 1200;

async function pay(body) {
  const amount = body.amount_cents;
  const attributes = {
    'payment.order_id': String(body.order_id ?? ''),
    'payment.amount': typeof amount === 'number' ? amount / 100 : 0,
    'payment.currency': String(body.currency ?? ''),
    'payment.method': 'card',
  };
  return withSpan('payment-service', 'payment.process', attributes, async (span) => {
    if (!Number.isInteger(amount) || amount <= 0 || typeof body.order_id !== 'string' || body.currency !== 'USD') {
      throw new HttpError(400, 'expected { order_id: string, amount_cents: positive integer, currency: "USD" }');
    }
    await sleep(defects.has('slow-payment') ? SLOW_AUTHORIZE_MS : AUTHORIZE_MS);
    const paymentId = `pay-${randomUUID().slice(0, 8)}`;
    span.setAttribute('payment.id', paymentId);
    return { status: 200, body: { payment_id: paymentId, status: 'authorized' } };
  });
}

serveJson(portFromEnv('PAYMENT_PORT'), { 'POST /payments': pay });
