import type Database from 'better-sqlite3';
import type { AttributeValue } from '../../model/span.js';
import { decodeSpanMessageAttributes, findSpanMessageAttribute } from '../../otlp/span-message.js';
import { PLAIN, TAGGED, encodeJson, hasSpecialNumber } from '../schema/json-codec.js';
import { indexValue, indexValueOfJsonAtom } from './attribute-values.js';
import type { BodyLog } from '../spans/body-log.js';
import { isOtelMcpError } from '../../model/errors.js';

const registered = new WeakSet<Database.Database>();

/**
 * Registers on a connection (once) the functions that judge a span's own attributes exactly as the
 * postings the writer builds would (the same JS computes both), for the unindexed tail and a
 * search's re-check:
 * - `otel_index_value(type, atom, value)`: the index text of a json_each row of a JSON-era row;
 * - `otel_message_attribute(body, key)`: the index text of a body's top-level attribute, NULL
 *   without it; `otel_message_attribute_text(body, key)`: its string value, NULL for any other;
 * - `otel_message_attributes_json(body)`: a body's top-level attributes as the JSON a JSON-era row
 *   holds.
 * Deterministic, so SQLite may evaluate each once per row.
 */
export function registerAttributeFunctions(db: Database.Database, spanBodies: BodyLog): void {
  if (registered.has(db)) return;
  db.function('otel_index_value', { deterministic: true }, (type, atom, value) =>
    indexValueOfJsonAtom(String(type), atom, value),
  );
  db.function('otel_message_attribute', { deterministic: true }, (body, key) => {
    const value = attributeOf(body, key, spanBodies);
    return value === undefined ? null : indexValue(value);
  });
  db.function('otel_message_attribute_text', { deterministic: true }, (body, key) => {
    const value = attributeOf(body, key, spanBodies);
    return typeof value === 'string' ? value : null;
  });
  db.function('otel_message_attributes_json', { deterministic: true }, (body) => {
    const resolved = resolvedOrUndefined(body as Buffer, spanBodies);
    const attributes = resolved === undefined ? {} : decodeSpanMessageAttributes(resolved);
    return encodeJson(attributes, hasSpecialNumber(attributes) ? TAGGED : PLAIN);
  });
  registered.add(db);
}

/**
 * A body's top-level attribute `key`; the substring test skips the bodies without it undecoded. A
 * key holding U+FFFD may stand for bytes that were not UTF-8 on the wire, which only decoding every
 * key finds (as the postings, built from decoded keys, do).
 */
function attributeOf(stored: unknown, key: unknown, spanBodies: BodyLog): AttributeValue | undefined {
  if (!Buffer.isBuffer(stored) || typeof key !== 'string') return undefined;
  const body = resolvedOrUndefined(stored, spanBodies);
  if (body === undefined) return undefined;
  if (key.includes('\uFFFD')) {
    const attributes = decodeSpanMessageAttributes(body);
    return Object.hasOwn(attributes, key) ? attributes[key] : undefined;
  }
  return body.includes(key) ? findSpanMessageAttribute(body, key) : undefined;
}

/**
 * A span's body, or undefined when its body file is gone (a power loss undid the retention delete
 * that removed it): such a span matches nothing, rather than failing the whole search; reading
 * its trace says what is missing.
 */
function resolvedOrUndefined(stored: Buffer, spanBodies: BodyLog): Buffer | undefined {
  try {
    return spanBodies.resolve(stored);
  } catch (error) {
    if (isOtelMcpError(error)) return undefined;
    throw error;
  }
}

/** SQL text and the values it binds, in order. */
export interface SqlFragment {
  sql: string;
  params: unknown[];
}

/**
 * What a span's attribute JSON must contain when it has the top-level key: the key's JSON text and
 * a colon (the store writes JSON.stringify output, without spaces). Checked with instr() before
 * json_each: a substring search skips the spans without the key for ~0.2 µs instead of parsing
 * their ~10 attributes, which made walks over many spans several times slower.
 */
function keyNeedle(key: string): string {
  return `${JSON.stringify(key)}:`;
}

/**
 * A condition on span `alias`'s top-level attribute `key`, for both kinds of row: one stored with a
 * body (span-body-schema.ts) is judged by `onBody` over the registered functions below, one stored
 * before that by `onJson` over its attribute JSON (after the needle check). CASE evaluates one
 * branch, but both bind their values.
 */
function eitherRow(
  alias: string,
  key: string,
  onJson: string,
  onBody: string,
  values: unknown[],
): SqlFragment {
  return {
    sql: `(CASE WHEN ${alias}.body IS NULL THEN (instr(${alias}.attributes, ?) > 0 AND EXISTS (SELECT 1 FROM json_each(${alias}.attributes) j WHERE j.key = ?${onJson})) ELSE ${onBody} END)`,
    params: [keyNeedle(key), key, ...values, key, ...values],
  };
}

/** True when span `alias` has the top-level attribute `key` whose index text is one of `texts`. */
export function attributeEquals(alias: string, key: string, texts: readonly string[]): SqlFragment {
  const marks = texts.map(() => '?').join(',');
  return eitherRow(
    alias,
    key,
    ` AND otel_index_value(j.type, j.atom, j.value) IN (${marks})`,
    `otel_message_attribute(${alias}.body, ?) IN (${marks})`,
    [...texts],
  );
}

/** True when span `alias` has the top-level key. */
export function attributePresent(alias: string, key: string): SqlFragment {
  return eitherRow(alias, key, '', `otel_message_attribute(${alias}.body, ?) IS NOT NULL`, []);
}

/** True when span `alias` has the top-level key with exactly this text (a value too long to index). */
export function attributeTextEquals(alias: string, key: string, text: string): SqlFragment {
  return eitherRow(
    alias,
    key,
    ` AND j.type = 'text' AND j.atom = ?`,
    `otel_message_attribute_text(${alias}.body, ?) = ?`,
    [text],
  );
}

/**
 * The top-level attributes of span `alias` as JSON for json_each, from whichever kind of row it is
 * (for walks that list keys and values rather than test one key).
 */
export function spanAttributesJson(alias: string): string {
  return `(CASE WHEN ${alias}.body IS NULL THEN ${alias}.attributes ELSE otel_message_attributes_json(${alias}.body) END)`;
}
