import { invalidArgument } from '../../model/errors.js';
import type { TraceQuery } from '../../model/query.js';
import { msToNanos } from '../../model/time.js';
import { isFilterScalar, type FilterScalar } from '../attributes/attribute-values.js';

/** 10,000 summaries of ~200 B each is 2 MB: more than any tool shows, small enough to sort in memory. */
export const MAX_SEARCH_LIMIT = 10_000;
const MAX_NANOS = (1n << 63n) - 1n;

/** A TraceQuery after validation, in the units the SQL uses. */
export interface CheckedQuery {
  serviceName?: string;
  operationName?: string;
  attributes: { key: string; value?: FilterScalar }[];
  minDurationNs?: bigint;
  maxDurationNs?: bigint;
  status?: 'error' | 'ok';
  windowStartNs?: bigint;
  windowEndNs?: bigint;
  limit: number;
}

/** Refuses a malformed query with a message naming the field and what it accepts. */
export function checkTraceQuery(query: TraceQuery): CheckedQuery {
  if (query === null || typeof query !== 'object') {
    throw invalidArgument(
      'the trace query is not an object',
      'pass { limit, serviceName?, operationName?, attributes?, … }',
    );
  }
  if (!Number.isInteger(query.limit) || query.limit < 1 || query.limit > MAX_SEARCH_LIMIT) {
    throw invalidArgument(
      `limit ${String(query.limit)} is out of range`,
      `pass an integer from 1 to ${MAX_SEARCH_LIMIT}`,
    );
  }
  const checked: CheckedQuery = { attributes: [], limit: query.limit };
  for (const field of ['serviceName', 'operationName'] as const) {
    const value = query[field];
    if (value === undefined) continue;
    if (typeof value !== 'string') throw invalidArgument(`${field} must be a string, got ${typeof value}`);
    checked[field] = value;
  }
  if (query.attributes !== undefined && !Array.isArray(query.attributes)) {
    throw invalidArgument('attributes is not a list', 'pass [{ key, value? }, …]');
  }
  for (const [index, filter] of (query.attributes ?? []).entries()) {
    if (
      filter === null ||
      typeof filter !== 'object' ||
      typeof filter.key !== 'string' ||
      filter.key === ''
    ) {
      throw invalidArgument(
        `attribute filter #${index} has no key`,
        'pass { key: "http.route", value?: "/cart" }',
      );
    }
    if (filter.value !== undefined && !isFilterScalar(filter.value)) {
      throw invalidArgument(
        `attribute filter '${filter.key}' has a ${filter.value === null ? 'null' : Array.isArray(filter.value) ? 'list' : 'map'} value`,
        'a filter value is a string, number or boolean (compared after coercion: 200 matches "200"); omit it to ask only that the attribute exists',
      );
    }
    checked.attributes.push(
      filter.value === undefined ? { key: filter.key } : { key: filter.key, value: filter.value },
    );
  }
  for (const field of ['minDurationMs', 'maxDurationMs'] as const) {
    const value = query[field];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw invalidArgument(
        `${field} ${String(value)} is not a duration`,
        'pass milliseconds as a number ≥ 0',
      );
    }
  }
  if (query.minDurationMs !== undefined) checked.minDurationNs = clamp(msToNanos(query.minDurationMs));
  if (query.maxDurationMs !== undefined) checked.maxDurationNs = clamp(msToNanos(query.maxDurationMs));
  if (
    checked.minDurationNs !== undefined &&
    checked.maxDurationNs !== undefined &&
    checked.minDurationNs > checked.maxDurationNs
  ) {
    throw invalidArgument(
      `minDurationMs ${query.minDurationMs} exceeds maxDurationMs ${query.maxDurationMs}`,
    );
  }
  if (query.status !== undefined) {
    if (query.status !== 'error' && query.status !== 'ok') {
      throw invalidArgument(
        `status '${String(query.status)}' is unknown`,
        "pass 'error' (has an error span) or 'ok' (has none)",
      );
    }
    checked.status = query.status;
  }
  if (query.window !== undefined) {
    const { startUnixNano, endUnixNano } = query.window ?? {};
    if (typeof startUnixNano !== 'bigint' || typeof endUnixNano !== 'bigint' || startUnixNano > endUnixNano) {
      throw invalidArgument(
        'the time window is not a pair of bigint nanoseconds with start ≤ end',
        'pass { startUnixNano, endUnixNano } as bigints',
      );
    }
    // Outside [0, 2^63) nothing is stored, so clamping changes no answer and keeps SQLite's int64 happy.
    checked.windowStartNs = clamp(startUnixNano);
    checked.windowEndNs = clamp(endUnixNano);
  }
  return checked;
}

function clamp(nanos: bigint): bigint {
  return nanos < 0n ? 0n : nanos > MAX_NANOS ? MAX_NANOS : nanos;
}
