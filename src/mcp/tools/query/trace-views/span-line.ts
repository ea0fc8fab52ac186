import type { Span } from '../../../../model/span.js';
import { formatDuration } from '../../../../analysis/index.js';
import { durationMs } from '../../../../model/time.js';
import { round } from '../trace-summary-output.js';

/** Attributes worth showing without being asked: what identifies an HTTP, RPC, DB or messaging call. */
export const KEY_ATTRIBUTES = [
  'http.request.method',
  'http.method',
  'http.route',
  'url.path',
  'http.response.status_code',
  'http.status_code',
  'rpc.system',
  'rpc.method',
  'rpc.grpc.status_code',
  'db.system.name',
  'db.system',
  'db.operation.name',
  'messaging.system',
  'messaging.destination.name',
  'error.type',
];

export function keyAttributes(span: Span): Record<string, string | number | boolean> {
  const picked: Record<string, string | number | boolean> = {};
  for (const key of KEY_ATTRIBUTES) {
    const value = span.attributes[key];
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      picked[key] = value;
  }
  return picked;
}

/**
 * `checkout-service: POST /checkout (server) 123ms ✗ message`. Three significant digits, in µs below
 * a millisecond: a database call of 12 µs rounded to a tenth of a millisecond read "0 ms".
 */
export function describeSpan(span: Span): string {
  const error =
    span.status.code === 'error' ? ` ✗${span.status.message ? ` ${span.status.message}` : ''}` : '';
  return `${span.serviceName}: ${span.name} (${span.kind}) ${formatDuration(durationMs(span))}${error}`;
}

/** Offset of a span's start from the trace start, in ms. */
export function offsetMs(span: Span, traceStart: bigint): number {
  return round(Number(span.startTimeUnixNano - traceStart) / 1e6);
}

export function traceBounds(spans: readonly Span[]): { start: bigint; end: bigint } {
  let start = spans[0]?.startTimeUnixNano ?? 0n;
  let end = spans[0]?.endTimeUnixNano ?? 0n;
  for (const span of spans) {
    if (span.startTimeUnixNano < start) start = span.startTimeUnixNano;
    if (span.endTimeUnixNano > end) end = span.endTimeUnixNano;
  }
  return { start, end };
}
