import { invalidArgument } from '../../model/errors.js';
import { isValidSpanId, isValidTraceId } from '../../model/ids.js';
import type { Span } from '../../model/span.js';

/** SQLite INTEGER is int64: a time at or past 2^63 ns (year 2262) cannot be stored exactly. */
const MAX_NANOS = (1n << 63n) - 1n;

/**
 * Checks what the store relies on before a batch touches the database, so bad input is refused
 * whole with a message naming the span, never half-written or turned into an SQL error. Spans are
 * numbered from `firstIndex` (a slice of a larger batch is named by its place in the batch).
 */
export function checkSpans(spans: readonly Span[], firstIndex = 0): void {
  spans.forEach((span, at) => {
    const index = firstIndex + at;
    // Messages are built only on failure (describeSpan): two strings a span showed in the ingest profile.
    if (typeof span.traceId !== 'string' || !isValidTraceId(span.traceId)) {
      throw invalidArgument(
        `${describeSpan(span, index)} has trace id '${String(span.traceId)}'`,
        'trace ids are 32 lower-case hex digits, not all zero',
      );
    }
    if (typeof span.spanId !== 'string' || !isValidSpanId(span.spanId)) {
      throw invalidArgument(
        `${describeSpan(span, index)} has an invalid span id`,
        'span ids are 16 lower-case hex digits, not all zero',
      );
    }
    if (span.parentSpanId !== undefined && !isValidSpanId(span.parentSpanId)) {
      throw invalidArgument(
        `${describeSpan(span, index)} has parent span id '${String(span.parentSpanId)}'`,
        'a parent span id is 16 lower-case hex digits, or absent for a root span',
      );
    }
    if (typeof span.name !== 'string' || typeof span.serviceName !== 'string') {
      throw invalidArgument(
        `${describeSpan(span, index)} lacks a name or service name`,
        'both are strings (possibly empty)',
      );
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
        `${describeSpan(span, index)} lacks attributes, events, links, status, resource or scope`,
        'pass spans in the model shape (src/model/span.ts)',
      );
    }
    if (!isStorableNanos(span.startTimeUnixNano))
      throw badNanos(span.startTimeUnixNano, `${describeSpan(span, index)} start time`);
    if (!isStorableNanos(span.endTimeUnixNano))
      throw badNanos(span.endTimeUnixNano, `${describeSpan(span, index)} end time`);
    for (const event of span.events) {
      if (!isStorableNanos(event.timeUnixNano))
        throw badNanos(event.timeUnixNano, `${describeSpan(span, index)} event '${event.name}' time`);
    }
    // What a Span message can hold (the store keeps each span as one: otlp/span-message.ts).
    span.links.forEach((link, at) => {
      if (!isValidTraceId(link.traceId) || !isValidSpanId(link.spanId)) {
        throw invalidArgument(
          `${describeSpan(span, index)} link #${at} points to trace '${String(link.traceId)}', span '${String(link.spanId)}'`,
          'a link names a valid trace id and span id; leave out a link to nowhere (and count it in droppedLinksCount)',
        );
      }
    });
    const counts = [
      span.flags,
      span.droppedAttributesCount,
      span.droppedEventsCount,
      span.droppedLinksCount,
      ...span.events.map((event) => event.droppedAttributesCount),
      ...span.links.flatMap((link) => [link.flags, link.droppedAttributesCount]),
    ];
    if (counts.some((count) => count !== undefined && !isUint32(count))) {
      throw invalidArgument(
        `${describeSpan(span, index)} has a flags value or dropped count outside 0 to 2^32-1`,
        'flags and dropped counts are unsigned 32-bit integers, as in OTLP',
      );
    }
  });
}

function isUint32(value: unknown): boolean {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 0xffff_ffff;
}

function describeSpan(span: Span, index: number): string {
  return `span #${index} ('${String(span.name)}', span id '${String(span.spanId)}')`;
}

function isStorableNanos(value: unknown): boolean {
  return typeof value === 'bigint' && value >= 0n && value <= MAX_NANOS;
}

function badNanos(value: unknown, what: string): Error {
  return invalidArgument(
    `${what} is ${String(value)}`,
    'times are bigint nanoseconds since the Unix epoch, from 0 to 2^63-1',
  );
}

export function checkNanos(value: unknown, what: string): void {
  if (!isStorableNanos(value)) throw badNanos(value, what);
}
