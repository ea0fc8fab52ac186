/**
 * The filters of a TraceQuery (model/query.ts) as predicates, for adapters whose server matches
 * more loosely than the contract: a trace matches when one span satisfies every span-level filter
 * and the trace as a whole satisfies `status` (as the embedded store does).
 */
import type { Attributes, AttributeValue, Span } from '../model/span.js';
import type { TraceQuery } from '../model/query.js';
import { durationMs } from '../model/time.js';

export interface SpanFilterOptions {
  /** Compare service and span names ignoring case (the backend lower-cases them). */
  ignoreNameCase?: boolean;
}

export function traceMatchesQuery(
  spans: readonly Span[],
  query: TraceQuery,
  options: SpanFilterOptions = {},
): boolean {
  if (!spans.some((span) => spanMatchesQuery(span, query, options))) return false;
  if (query.status === undefined) return true;
  const failed = spans.some((span) => span.status.code === 'error');
  return query.status === 'error' ? failed : !failed;
}

/** The span-level filters only: service, operation, span duration, attributes (not `status`). */
export function spanMatchesQuery(span: Span, query: TraceQuery, options: SpanFilterOptions = {}): boolean {
  const same = options.ignoreNameCase
    ? (a: string, b: string) => a.toLowerCase() === b.toLowerCase()
    : (a: string, b: string) => a === b;
  if (query.serviceName !== undefined && !same(span.serviceName, query.serviceName)) return false;
  if (query.operationName !== undefined && !same(span.name, query.operationName)) return false;
  const duration = durationMs(span);
  if (query.minDurationMs !== undefined && duration < query.minDurationMs) return false;
  if (query.maxDurationMs !== undefined && duration > query.maxDurationMs) return false;
  for (const filter of query.attributes ?? []) {
    // Own keys only: `constructor` or `toString` would otherwise be found on every span's prototype.
    const actual = ownValue(span.attributes, filter.key) ?? ownValue(span.resource.attributes, filter.key);
    if (actual === undefined) return false;
    if (filter.value !== undefined && !looselyEqual(actual, filter.value)) return false;
  }
  return true;
}

function ownValue(attributes: Attributes, key: string): AttributeValue | undefined {
  return Object.hasOwn(attributes, key) ? attributes[key] : undefined;
}

/** Equality after type coercion: 200 equals "200", true equals "true". */
export function looselyEqual(actual: AttributeValue, expected: AttributeValue): boolean {
  if (actual === expected) return true;
  const text = (value: AttributeValue) => (typeof value === 'object' ? JSON.stringify(value) : String(value));
  if (typeof actual === 'number' || typeof expected === 'number') {
    const a = Number(actual);
    const b = Number(expected);
    if (!Number.isNaN(a) && !Number.isNaN(b) && typeof actual !== 'boolean' && typeof expected !== 'boolean')
      return a === b;
  }
  return text(actual) === text(expected);
}
