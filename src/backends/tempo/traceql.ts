/**
 * A TraceQuery as one TraceQL spanset filter: every span-level condition inside one `{ }` so that
 * one span must meet them all, as the contract says; `status: 'error'` is a second spanset joined
 * with `&&` (some span of the trace failed). Strings are Go string literals (TraceQL unquotes them with
 * strconv.Unquote, whose escapes JSON's are a subset of); attribute names that are not plain are
 * quoted, which in TraceQL allows only the escapes \" and \\.
 */
import { OtelMcpError } from '../../model/errors.js';
import type { AttributeFilter, TraceQuery } from '../../model/query.js';
import type { AttributeValue } from '../../model/span.js';

const PLAIN_NAME = /^[A-Za-z0-9_:/-]+(\.[A-Za-z0-9_:/-]+)*$/;
const NUMBER = /^-?\d+(\.\d+)?$/;

export function traceQlFor(query: TraceQuery): string {
  const conditions: string[] = [];
  if (query.serviceName !== undefined)
    conditions.push(`resource.service.name = ${stringLiteral(query.serviceName)}`);
  if (query.operationName !== undefined) conditions.push(`name = ${stringLiteral(query.operationName)}`);
  for (const filter of query.attributes ?? []) conditions.push(attributeCondition(filter));
  if (query.minDurationMs !== undefined)
    conditions.push(`duration >= ${durationLiteral(query.minDurationMs)}`);
  if (query.maxDurationMs !== undefined)
    conditions.push(`duration <= ${durationLiteral(query.maxDurationMs)}`);
  const spans = conditions.length === 0 ? '{ }' : `{ ${conditions.join(' && ')} }`;
  // `status` is about the whole trace (model/query.ts): any span of it failed, not the matching one.
  if (query.status === 'error')
    return conditions.length === 0 ? '{ status = error }' : `${spans} && { status = error }`;
  return spans;
}

export function stringLiteral(text: string): string {
  return JSON.stringify(text);
}

/** An unscoped attribute (`.key`): Tempo looks in the span's and then the resource's attributes. */
export function attributeName(key: string): string {
  if (PLAIN_NAME.test(key)) return `.${key}`;
  return `."${key.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Nanoseconds, so no precision is lost to a unit. */
export function durationLiteral(ms: number): string {
  return `${Math.round(ms * 1_000_000)}ns`;
}

function attributeCondition(filter: AttributeFilter): string {
  const name = attributeName(filter.key);
  if (filter.value === undefined) return `${name} != nil`;
  // Equality after type coercion: 200 must find the int 200 and the string "200".
  const literals = valueLiterals(filter.key, filter.value);
  const terms = literals.map((literal) => `${name} = ${literal}`);
  return terms.length === 1 ? terms[0]! : `(${terms.join(' || ')})`;
}

function valueLiterals(key: string, value: AttributeValue): string[] {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw unsupportedValue(key, String(value));
    return [String(value), stringLiteral(String(value))];
  }
  if (typeof value === 'boolean') return [String(value), stringLiteral(String(value))];
  if (typeof value === 'string') {
    if (NUMBER.test(value)) return [stringLiteral(value), value];
    if (value === 'true' || value === 'false') return [stringLiteral(value), value];
    return [stringLiteral(value)];
  }
  throw unsupportedValue(key, JSON.stringify(value));
}

function unsupportedValue(key: string, shown: string): OtelMcpError {
  return new OtelMcpError(
    'UNSUPPORTED',
    `tempo cannot compare attribute '${key}' with ${shown} in TraceQL`,
    'filter by a string, a finite number or a boolean',
  );
}
