/**
 * Protobuf decoding of the OTLP messages shared by every signal (opentelemetry/proto/common/v1 and
 * resource/v1): AnyValue, KeyValue, InstrumentationScope, Resource. Field numbers from the .proto files.
 */
import { setOwnProperty } from '../model/own-property.js';
import type { AttributeValue, Attributes, InstrumentationScope, Resource } from '../model/span.js';
import {
  MAX_GROUP_DEPTH,
  ProtoError,
  ProtoReader,
  WIRE_FIXED64,
  WIRE_LENGTH,
  WIRE_VARINT,
} from './proto-reader.js';

/** Adds the failing field (and its index among repeats) to a ProtoError's path. */
export function annotate(
  error: unknown,
  names: Readonly<Record<number, string>>,
  field: number,
  index = -1,
): unknown {
  if (error instanceof ProtoError) {
    const name = names[field] ?? `field ${field}`;
    return error.within(index >= 0 ? `${name}[${index}]` : name);
  }
  return error;
}

export function rethrowWithin(
  error: unknown,
  names: Readonly<Record<number, string>>,
  field: number,
  index = -1,
): never {
  throw annotate(error, names, field, index);
}

const ANY_VALUE_FIELDS: Record<number, string> = {
  1: 'string_value',
  2: 'bool_value',
  3: 'int_value',
  4: 'double_value',
  5: 'array_value',
  6: 'kvlist_value',
  7: 'bytes_value',
};

/** AnyValue → the model's AttributeValue (see span.ts); an empty AnyValue is null. */
export function decodeAnyValue(r: ProtoReader, end: number, depth: number): AttributeValue {
  if (depth > MAX_GROUP_DEPTH)
    throw new ProtoError(`AnyValue nested deeper than ${MAX_GROUP_DEPTH} levels`, r.pos);
  let value: AttributeValue = null;
  let field = 0;
  try {
    while (r.pos < end) {
      const key = r.tag();
      field = key >>> 3;
      switch (field) {
        case 1:
          r.expect(key, WIRE_LENGTH);
          value = r.repeatedString();
          break;
        case 2:
          r.expect(key, WIRE_VARINT);
          value = r.bool();
          break;
        case 3:
          r.expect(key, WIRE_VARINT);
          value = r.int64();
          break;
        case 4:
          r.expect(key, WIRE_FIXED64);
          value = r.double();
          break;
        case 5: {
          r.expect(key, WIRE_LENGTH);
          const arrayEnd = r.lengthEnd();
          value = decodeArrayValue(r, arrayEnd, depth + 1);
          break;
        }
        case 6: {
          r.expect(key, WIRE_LENGTH);
          const listEnd = r.lengthEnd();
          const object: Attributes = {};
          decodeKeyValueList(r, listEnd, object, depth + 1);
          value = object;
          break;
        }
        case 7:
          r.expect(key, WIRE_LENGTH);
          value = r.base64();
          break;
        default:
          // 8 string_value_strindex refers to a profiles dictionary that traces and logs never carry.
          r.skip(key & 7);
      }
    }
    r.finish(end);
  } catch (error) {
    rethrowWithin(error, ANY_VALUE_FIELDS, field);
  }
  return value;
}

function decodeArrayValue(r: ProtoReader, end: number, depth: number): AttributeValue[] {
  const values: AttributeValue[] = [];
  let field = 0;
  try {
    while (r.pos < end) {
      const key = r.tag();
      field = key >>> 3;
      if (field === 1) {
        r.expect(key, WIRE_LENGTH);
        const valueEnd = r.lengthEnd();
        values.push(decodeAnyValue(r, valueEnd, depth));
      } else {
        r.skip(key & 7);
      }
    }
    r.finish(end);
  } catch (error) {
    rethrowWithin(error, { 1: 'values' }, field, values.length);
  }
  return values;
}

function decodeKeyValueList(r: ProtoReader, end: number, into: Attributes, depth: number): void {
  let field = 0;
  let index = 0;
  try {
    while (r.pos < end) {
      const key = r.tag();
      field = key >>> 3;
      if (field === 1) {
        r.expect(key, WIRE_LENGTH);
        const pairEnd = r.lengthEnd();
        decodeKeyValue(r, pairEnd, into, depth);
        index++;
      } else {
        r.skip(key & 7);
      }
    }
    r.finish(end);
  } catch (error) {
    rethrowWithin(error, { 1: 'values' }, field, index);
  }
}

const KEY_VALUE_FIELDS: Record<number, string> = { 1: 'key', 2: 'value' };

/** One KeyValue, stored into `into` (a repeated key keeps the last value, as protobuf maps do). */
export function decodeKeyValue(r: ProtoReader, end: number, into: Attributes, depth: number): void {
  let name = '';
  let value: AttributeValue = null;
  let field = 0;
  try {
    while (r.pos < end) {
      const key = r.tag();
      field = key >>> 3;
      if (field === 1) {
        r.expect(key, WIRE_LENGTH);
        name = r.repeatedString();
      } else if (field === 2) {
        r.expect(key, WIRE_LENGTH);
        const valueEnd = r.lengthEnd();
        value = decodeAnyValue(r, valueEnd, depth);
      } else {
        // 3 key_strindex: profiles dictionary only.
        r.skip(key & 7);
      }
    }
    r.finish(end);
  } catch (error) {
    rethrowWithin(error, KEY_VALUE_FIELDS, field);
  }
  setAttribute(into, name, value);
}

/** `into[key] = value`, except that a key named `__proto__` becomes an own property, not the prototype. */
export function setAttribute(into: Attributes, key: string, value: AttributeValue): void {
  setOwnProperty(into, key, value);
}

/** Reads one `repeated KeyValue attributes` element into `into`; the caller counts the index. */
export function decodeAttribute(r: ProtoReader, key: number, into: Attributes): void {
  r.expect(key, WIRE_LENGTH);
  const end = r.lengthEnd();
  decodeKeyValue(r, end, into, 0);
}

const RESOURCE_FIELDS: Record<number, string> = { 1: 'attributes', 2: 'dropped_attributes_count' };

/** Resource fields into an existing object (spans already point at it); entity_refs (3) has no place in the model. */
export function decodeResourceInto(r: ProtoReader, end: number, resource: Resource): void {
  let field = 0;
  let index = 0;
  try {
    while (r.pos < end) {
      const key = r.tag();
      field = key >>> 3;
      switch (field) {
        case 1:
          decodeAttribute(r, key, resource.attributes);
          index++;
          break;
        case 2:
          r.expect(key, WIRE_VARINT);
          resource.droppedAttributesCount = r.uint32();
          break;
        default:
          r.skip(key & 7);
      }
    }
    r.finish(end);
  } catch (error) {
    rethrowWithin(error, RESOURCE_FIELDS, field, field === 1 ? index : -1);
  }
}

const SCOPE_FIELDS: Record<number, string> = {
  1: 'name',
  2: 'version',
  3: 'attributes',
  4: 'dropped_attributes_count',
};

export function decodeScopeInto(r: ProtoReader, end: number, scope: InstrumentationScope): void {
  let field = 0;
  let index = 0;
  try {
    while (r.pos < end) {
      const key = r.tag();
      field = key >>> 3;
      switch (field) {
        case 1:
          r.expect(key, WIRE_LENGTH);
          scope.name = r.string();
          break;
        case 2: {
          r.expect(key, WIRE_LENGTH);
          const version = r.string();
          if (version !== '') scope.version = version;
          break;
        }
        case 3:
          decodeAttribute(r, key, scope.attributes);
          index++;
          break;
        case 4:
          r.expect(key, WIRE_VARINT);
          scope.droppedAttributesCount = r.uint32();
          break;
        default:
          r.skip(key & 7);
      }
    }
    r.finish(end);
  } catch (error) {
    rethrowWithin(error, SCOPE_FIELDS, field, field === 3 ? index : -1);
  }
}

export function emptyResource(): Resource {
  return { attributes: {}, droppedAttributesCount: 0, schemaUrl: undefined };
}

export function emptyScope(): InstrumentationScope {
  return { name: '', version: undefined, attributes: {}, droppedAttributesCount: 0, schemaUrl: undefined };
}
