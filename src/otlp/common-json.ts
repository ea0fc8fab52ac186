/**
 * OTLP/JSON readers shared by every signal (the protobuf JSON mapping as the OTLP spec narrows it):
 * lowerCamelCase keys, ids as hex, enums as integers, 64-bit integers as decimal strings or numbers,
 * unknown keys ignored. Also accepted, because real servers send them: enum names
 * (`SPAN_KIND_SERVER`) and base64 ids (the protobuf JSON default that Tempo and gogo-jsonpb emit).
 */
import { Buffer } from 'node:buffer';
import { OtelMcpError } from '../model/errors.js';
import type { AttributeValue, Attributes, InstrumentationScope, Resource } from '../model/span.js';
import { setAttribute } from './common-protobuf.js';
import { MAX_GROUP_DEPTH } from './proto-reader.js';

/** A shape error inside an OTLP JSON document; the readers prepend the path of keys being read. */
export class JsonShapeError extends Error {
  readonly path: string[] = [];

  within(segment: string): this {
    this.path.unshift(segment);
    return this;
  }
}

export type JsonObject = Record<string, unknown>;

/** Runs `read` for one element of a document, adding `segment` to the path of any failure. */
export function at<T>(segment: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof JsonShapeError) throw error.within(segment);
    throw error;
  }
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

export function asObject(value: unknown): JsonObject {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as JsonObject;
  throw new JsonShapeError(`expected an object, got ${describe(value)}`);
}

/** A repeated field: absent or null is empty. */
export function arrayField(object: JsonObject, key: string): unknown[] {
  const value = object[key];
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value;
  throw new JsonShapeError(`expected an array, got ${describe(value)}`).within(key);
}

export function stringField(object: JsonObject, key: string): string {
  const value = object[key];
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  throw new JsonShapeError(`expected a string, got ${describe(value)}`).within(key);
}

export function optionalString(object: JsonObject, key: string): string | undefined {
  const value = stringField(object, key);
  return value === '' ? undefined : value;
}

const DECIMAL = /^-?\d+$/;

/** uint32/int32 fields: a number, or a decimal string. */
export function intField(object: JsonObject, key: string): number {
  const value = object[key];
  if (value === undefined || value === null) return 0;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && DECIMAL.test(value)) return Number(value);
  throw new JsonShapeError(`expected an integer, got ${describe(value)}`).within(key);
}

const UINT32_MAX = 4_294_967_295;

/**
 * uint32 and fixed32 fields (dropped counts, flags): an integer from 0 to 2^32-1, as on the wire,
 * where a larger or negative value cannot be written.
 */
export function uint32Field(object: JsonObject, key: string): number {
  const value = intField(object, key);
  if (value < 0 || value > UINT32_MAX)
    throw new JsonShapeError(`expected an integer from 0 to ${UINT32_MAX}, got ${value}`).within(key);
  return value;
}

export function optionalUint32Field(object: JsonObject, key: string): number | undefined {
  return object[key] === undefined || object[key] === null ? undefined : uint32Field(object, key);
}

/**
 * fixed64 nanosecond timestamps: a decimal string is exact; a number is taken as is (JSON numbers
 * beyond 2^53 were already rounded by the parser, which is why OTLP sends strings).
 */
export function nanosField(object: JsonObject, key: string): bigint {
  const value = object[key];
  if (value === undefined || value === null) return 0n;
  if (typeof value === 'string' && DECIMAL.test(value)) return BigInt(value);
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  throw new JsonShapeError(
    `expected nanoseconds as a decimal string or an integer, got ${describe(value)}`,
  ).within(key);
}

/** An enum as its integer or its name in `names` (index = value). */
export function enumField(object: JsonObject, key: string, names: readonly string[]): number {
  const value = object[key];
  if (typeof value === 'string' && !DECIMAL.test(value)) {
    const index = names.indexOf(value);
    if (index >= 0) return index;
    throw new JsonShapeError(
      `unknown enum name ${JSON.stringify(value)}; expected an integer or one of ${names.join(', ')}`,
    ).within(key);
  }
  return intField(object, key);
}

const HEX = /^[0-9a-fA-F]*$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * An id as lower-case hex. OTLP/JSON sends hex; a string that is not hex but is base64 of the expected
 * length is decoded. Anything else is returned lower-cased for the id check to report.
 */
export function idField(object: JsonObject, key: string, bytes: 16 | 8): string {
  const value = stringField(object, key);
  if (value.length === bytes * 2 && HEX.test(value)) return value.toLowerCase();
  if (value.length === Math.ceil(bytes / 3) * 4 && BASE64.test(value)) {
    return Buffer.from(value, 'base64').toString('hex');
  }
  return HEX.test(value) ? value.toLowerCase() : value;
}

/** AnyValue JSON → the model's AttributeValue (see span.ts); `{}` is null. */
export function anyValue(value: unknown, depth = 0): AttributeValue {
  if (depth > MAX_GROUP_DEPTH)
    throw new JsonShapeError(`AnyValue nested deeper than ${MAX_GROUP_DEPTH} levels`);
  const object = asObject(value);
  if (object.stringValue !== undefined && object.stringValue !== null)
    return stringField(object, 'stringValue');
  if (object.boolValue !== undefined && object.boolValue !== null) {
    if (typeof object.boolValue === 'boolean') return object.boolValue;
    throw new JsonShapeError(`expected true or false, got ${describe(object.boolValue)}`).within('boolValue');
  }
  if (object.intValue !== undefined && object.intValue !== null) return int64(object.intValue);
  if (object.doubleValue !== undefined && object.doubleValue !== null) return double(object.doubleValue);
  if (object.arrayValue !== undefined && object.arrayValue !== null) {
    return at('arrayValue', () =>
      arrayField(asObject(object.arrayValue), 'values').map((item, i) =>
        at(`values[${i}]`, () => anyValue(item, depth + 1)),
      ),
    );
  }
  if (object.kvlistValue !== undefined && object.kvlistValue !== null) {
    return at('kvlistValue', () =>
      keyValues(arrayField(asObject(object.kvlistValue), 'values'), 'values', depth + 1),
    );
  }
  if (object.bytesValue !== undefined && object.bytesValue !== null) {
    const text = stringField(object, 'bytesValue');
    if (!BASE64.test(text))
      throw new JsonShapeError(`expected base64, got ${describe(text)}`).within('bytesValue');
    return text;
  }
  return null;
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function int64(value: unknown): number | string {
  if (typeof value === 'number' && Number.isInteger(value)) {
    return Number.isSafeInteger(value) ? value : BigInt(value).toString();
  }
  if (typeof value === 'string' && DECIMAL.test(value)) {
    const big = BigInt(value);
    return big <= MAX_SAFE && big >= -MAX_SAFE ? Number(big) : big.toString();
  }
  throw new JsonShapeError(
    `expected a 64-bit integer as a decimal string or a number, got ${describe(value)}`,
  ).within('intValue');
}

const SPECIAL_DOUBLES: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

function double(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const special = SPECIAL_DOUBLES[value];
    if (special !== undefined) return special;
    if (value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
  }
  throw new JsonShapeError(`expected a number, got ${describe(value)}`).within('doubleValue');
}

/** `[{ key, value }]` → attributes; `segment` names the list in error paths. */
export function keyValues(list: unknown[], segment: string, depth = 0): Attributes {
  const attributes: Attributes = {};
  for (let i = 0; i < list.length; i++) {
    at(`${segment}[${i}]`, () => {
      const pair = asObject(list[i]);
      const value = pair.value;
      const attribute =
        value === undefined || value === null ? null : at('value', () => anyValue(value, depth));
      setAttribute(attributes, stringField(pair, 'key'), attribute);
    });
  }
  return attributes;
}

export function attributesField(object: JsonObject, key: string): Attributes {
  return keyValues(arrayField(object, key), key);
}

/** The resource of a ResourceSpans/ResourceLogs, with that container's schemaUrl. */
export function resourceFrom(container: JsonObject): Resource {
  const schemaUrl = optionalString(container, 'schemaUrl');
  return at('resource', () => {
    const object = optionalObject(container.resource);
    return {
      attributes: attributesField(object, 'attributes'),
      droppedAttributesCount: uint32Field(object, 'droppedAttributesCount'),
      schemaUrl,
    };
  });
}

/** The scope of a ScopeSpans/ScopeLogs, with that container's schemaUrl. */
export function scopeFrom(container: JsonObject): InstrumentationScope {
  const schemaUrl = optionalString(container, 'schemaUrl');
  return at('scope', () => {
    const object = optionalObject(container.scope);
    return {
      name: stringField(object, 'name'),
      version: optionalString(object, 'version'),
      attributes: attributesField(object, 'attributes'),
      droppedAttributesCount: uint32Field(object, 'droppedAttributesCount'),
      schemaUrl,
    };
  });
}

function optionalObject(value: unknown): JsonObject {
  return value === undefined || value === null ? {} : asObject(value);
}

/** A `\uD800`–`\uDFFF` escape: the only way a JSON text decoded from UTF-8 can hold a surrogate. */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * The document with every lone surrogate (an escape without its pair) in its strings and keys turned
 * into U+FFFD, the replacement character: OTLP strings are UTF-8, which cannot carry one, and the
 * store keeps spans as protobuf. Walked with a stack: the document may be deeply nested.
 */
function wellFormed(document: unknown): unknown {
  const fix = (text: string) => text.replace(LONE_SURROGATE, '\uFFFD');
  if (typeof document === 'string') return fix(document);
  const stack: unknown[] = [document];
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object') continue;
    const record = node as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const value = record[key];
      const fixedKey = fix(key);
      const fixedValue = typeof value === 'string' ? fix(value) : value;
      if (fixedKey !== key || fixedValue !== value) {
        // defineProperty, not assignment: a key named __proto__ must stay an own property.
        if (fixedKey !== key) delete record[key];
        Object.defineProperty(record, fixedKey, {
          value: fixedValue,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      if (typeof value === 'object') stack.push(value);
    }
  }
  return document;
}

/** Parses the text (when given text) and turns shape errors into the one error type. */
export function parseJsonDocument(input: unknown, messageName: string): JsonObject {
  let document = input;
  if (typeof input === 'string') {
    if (input.trim() === '') throw jsonDecodeError(new JsonShapeError('the body is empty'), messageName);
    try {
      document = JSON.parse(input);
      if (SURROGATE_ESCAPE.test(input)) document = wellFormed(document);
    } catch (error) {
      throw new OtelMcpError(
        'INVALID_ARGUMENT',
        `invalid JSON in ${messageName}: ${(error as Error).message}`,
        'send OTLP JSON (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding)',
      );
    }
  }
  try {
    return asObject(document);
  } catch (error) {
    throw jsonDecodeError(error, messageName);
  }
}

export function jsonDecodeError(error: unknown, messageName: string): OtelMcpError {
  if (error instanceof JsonShapeError) {
    const path = error.path.join('.');
    return new OtelMcpError(
      'INVALID_ARGUMENT',
      `invalid OTLP JSON ${messageName}: ${path ? `${path}: ` : ''}${error.message}`,
      'OTLP JSON uses lowerCamelCase keys, hex ids, integer enums and 64-bit integers as decimal strings',
    );
  }
  if (error instanceof RangeError)
    return new OtelMcpError('INVALID_ARGUMENT', `invalid OTLP JSON ${messageName}: ${error.message}`);
  return error instanceof OtelMcpError
    ? error
    : new OtelMcpError('INTERNAL', `decoding ${messageName} failed: ${String(error)}`, undefined, {
        cause: error,
      });
}
