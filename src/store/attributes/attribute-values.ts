import type { AttributeValue } from '../../model/span.js';
import { TAGGED, decodeJson } from '../schema/json-codec.js';

/**
 * Longest string value kept in the attribute index. 128 characters cover what people search by
 * equality (routes, hosts, status codes, UUIDs at 36, user and tenant ids) and leave out what they
 * do not (SQL statements, stack traces, full URLs with query strings), which would otherwise make
 * up most of the index's bytes. A longer value is still found: its key is indexed as present and
 * the value is compared in the span's own attributes.
 */
export const INDEXED_VALUE_MAX_LENGTH = 128;

/** Stands for "present, value not indexed": an integer never equals the TEXT of an indexed value. */
export const NOT_INDEXED = 0;

export type IndexValue = string | typeof NOT_INDEXED;

/**
 * The index entry of a top-level attribute value: its coerced text (so 200, 200.0 and "200" meet
 * at "200", true and "true" at "true"), or NOT_INDEXED.
 */
export function indexValue(value: AttributeValue): IndexValue {
  switch (typeof value) {
    case 'string':
      return value.length <= INDEXED_VALUE_MAX_LENGTH ? value : NOT_INDEXED;
    case 'number':
    case 'boolean':
      return String(value);
    default:
      return NOT_INDEXED;
  }
}

/** A scalar a search may compare an attribute with. */
export type FilterScalar = string | number | boolean;

export function isFilterScalar(value: unknown): value is FilterScalar {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/**
 * The index texts an equality filter accepts. A string that reads as a number also matches that
 * number ("200" → "200"; "200.0" and "2e2" → "200" as well as themselves), so a value typed in a
 * tool call finds the integer attribute the SDK recorded. Undefined for a long string: it is
 * compared in the span's own attributes instead.
 */
export function filterIndexValues(value: FilterScalar): string[] | undefined {
  if (typeof value !== 'string') return [String(value)];
  if (value.length > INDEXED_VALUE_MAX_LENGTH) return undefined;
  const numeric = numericText(value);
  return numeric === undefined || numeric === value ? [value] : [value, numeric];
}

const DECIMAL = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

function numericText(value: string): string | undefined {
  if (!DECIMAL.test(value)) return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? String(number) : undefined;
}

/**
 * indexValue of one top-level attribute as SQLite's json_each reports it (`type`, `atom`, and the
 * JSON text of an object), so a condition evaluated on a span's stored JSON agrees exactly with the
 * attribute postings built from the same attribute in JS. Registered as the SQL function
 * `otel_index_value` (see attribute-sql.ts).
 */
export function indexValueOfJsonAtom(type: string, atom: unknown, json: unknown): IndexValue {
  switch (type) {
    case 'text':
      return indexValue(atom as string);
    case 'integer':
    case 'real':
      return indexValue(Number(atom));
    case 'true':
      return 'true';
    case 'false':
      return 'false';
    case 'object':
      // A number JSON cannot carry (NaN, ±Infinity, -0) is stored tagged as a one-key object.
      return typeof json === 'string' ? indexValue(decodeJson<AttributeValue>(json, TAGGED)) : NOT_INDEXED;
    default:
      return NOT_INDEXED;
  }
}
