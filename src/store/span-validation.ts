import { invalidArgument } from '../model/errors.js';
import { isValidSpanId, isValidTraceId } from '../model/ids.js';
import type { Span } from '../model/span.js';

/** SQLite INTEGER is int64: a time at or past 2^63 ns (year 2262) cannot be stored exactly. */
const MAX_NANOS = (1n << 63n) - 1n;

/**
 * Checks what the store relies on before a batch touches the database, so bad input is refused
 * whole with a message naming the span, never half-written or turned into an SQL error.
 */
export function checkSpans(spans: readonly Span[]): void {
  spans.forEach((span, index) => {
    const where = () => `span #${index} ('${String(span.name)}', span id '${String(span.spanId)}')`;
    if (typeof span.traceId !== 'string' || !isValidTraceId(span.traceId)) {
      throw invalidArgument(
        `${where()} has trace id '${String(span.traceId)}'`,
        'trace ids are 32 lower-case hex digits, not all zero',
      );
    }
    if (typeof span.spanId !== 'string' || !isValidSpanId(span.spanId)) {
      throw invalidArgument(
        `${where()} has an invalid span id`,
        'span ids are 16 lower-case hex digits, not all zero',
      );
    }
    if (span.parentSpanId !== undefined && !isValidSpanId(span.parentSpanId)) {
      throw invalidArgument(
        `${where()} has parent span id '${String(span.parentSpanId)}'`,
        'a parent span id is 16 lower-case hex digits, or absent for a root span',
      );
    }
    if (typeof span.name !== 'string' || typeof span.serviceName !== 'string') {
      throw invalidArgument(`${where()} lacks a name or service name`, 'both are strings (possibly empty)');
    }
    if (
      typeof span.attributes !== 'object' ||
      !Array.isArray(span.events) ||
      !Array.isArray(span.links) ||
      typeof span.status !== 'object' ||
      typeof span.resource?.attributes !== 'object' ||
      typeof span.scope?.attributes !== 'object'
    ) {
      throw invalidArgument(
        `${where()} lacks attributes, events, links, status, resource or scope`,
        'pass spans in the model shape (src/model/span.ts)',
      );
    }
    checkNanos(span.startTimeUnixNano, `${where()} start time`);
    checkNanos(span.endTimeUnixNano, `${where()} end time`);
    for (const event of span.events) checkNanos(event.timeUnixNano, `${where()} event '${event.name}' time`);
  });
}

export function checkNanos(value: unknown, what: string): void {
  if (typeof value !== 'bigint' || value < 0n || value > MAX_NANOS) {
    throw invalidArgument(
      `${what} is ${String(value)}`,
      'times are bigint nanoseconds since the Unix epoch, from 0 to 2^63-1',
    );
  }
}
