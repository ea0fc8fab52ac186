/**
 * Which attribute keys may carry a business transaction's id when the caller names none: keys that
 * end like an identifier (order.id, request_id, messaging.message.id, orderId, correlation.key,
 * invoice.number). Every key would also find a short value in counters and status codes ("200"),
 * and searching one costs an index seek per bucket of spans, so the search keeps to these.
 */
const IDENTIFIER_KEY = /(^|[._-])(id|uuid|guid|key|number|ref|reference)$|[a-z](Id|ID)$/i;

/** Identifiers of the process and of the telemetry itself, never a business transaction's. */
const NOT_TRANSACTION_KEYS = new Set([
  'thread.id',
  'process.pid',
  'span_id',
  'trace_id',
  'span.id',
  'trace.id',
]);

export function isTransactionKey(key: string): boolean {
  return IDENTIFIER_KEY.test(key) && !NOT_TRANSACTION_KEYS.has(key);
}
