/**
 * ExportTraceServiceRequest protobuf → the spans as columns, for the store's ingest path: the fields
 * the store indexes (ids, names, kinds, times, status codes, top-level attributes, link ids) and,
 * per span, where its `Span` message lies in the request, which the store keeps as the span's body.
 * No span, attribute, event or link object is built: that, their garbage and their re-encoding cost
 * the ingest path about as much as the rest of decoding (bench/ingest-vs-jaeger.md).
 *
 * It accepts and rejects exactly what decodeTraceRequestProtobuf does, and every nested message is
 * walked with the same checks, so a stored body always decodes (span-message.ts). On malformed input
 * it returns undefined: the object decoder then gives the error, with its field path.
 */
import { objectArray } from '../model/object-array.js';
import type { AttributeValue, InstrumentationScope, Resource } from '../model/span.js';
import { decodeAnyValue } from './common-protobuf.js';
import {
  Rejections,
  describeRejectedSpan,
  idProblem,
  parentOrUndefined,
  serviceNameOf,
  spanIdsProblem,
} from './decoded-batch.js';
import { walkProtobufEnvelope } from './envelope-protobuf.js';
import {
  MAX_GROUP_DEPTH,
  ProtoError,
  ProtoReader,
  NEVER_MARKED,
  UNMARKED,
  type CachedText,
  WIRE_FIXED32,
  WIRE_FIXED64,
  WIRE_LENGTH,
  WIRE_VARINT,
} from './proto-reader.js';
import { spanTimesProblem } from './timestamp-problems.js';

/** The spans of one export request, in request order, the rejected ones left out. */
export interface SpanColumns {
  count: number;
  /** The resource and scope blocks of the request; span i is in blocks[blockOf[i]]. */
  blocks: { resource: Resource; scope: InstrumentationScope; serviceName: string }[];
  blockOf: number[];
  traceIds: string[];
  spanIds: string[];
  parentSpanIds: (string | null)[];
  names: string[];
  /** OTLP's numbering of span kinds and status codes (an unknown number reads as 0). */
  kinds: number[];
  statuses: number[];
  /** Start and end nanoseconds of span i at 2i and 2i + 1. */
  times: bigint[];
  /**
   * Span i's top-level attributes at [attributeEnds[i - 1] (0 for the first), attributeEnds[i]): each
   * key once, with its last value, as the span object's attributes would hold it (decoded by the
   * object decoder's own decodeAnyValue).
   */
  attributeKeys: string[];
  attributeValues: AttributeValue[];
  attributeEnds: number[];
  /** Span i's valid links (linked trace and span id) at [linkEnds[i - 1], linkEnds[i]). */
  linkTraceIds: string[];
  linkSpanIds: string[];
  linkEnds: number[];
  /** Span i's `Span` message is request[bodyStarts[i], bodyEnds[i]). */
  request: Uint8Array;
  bodyStarts: number[];
  bodyEnds: number[];
}

export interface DecodedSpanColumns {
  columns: SpanColumns;
  rejected: number;
  errors: string[];
}

export function decodeTraceRequestColumns(bytes: Uint8Array): DecodedSpanColumns | undefined {
  const columns: SpanColumns = {
    count: 0,
    blocks: objectArray(),
    blockOf: [],
    traceIds: objectArray(),
    spanIds: objectArray(),
    parentSpanIds: objectArray(),
    names: objectArray(),
    kinds: [],
    statuses: [],
    times: objectArray(),
    attributeKeys: objectArray(),
    attributeValues: objectArray(),
    attributeEnds: [],
    linkTraceIds: objectArray(),
    linkSpanIds: objectArray(),
    linkEnds: [],
    request: bytes,
    bodyStarts: [],
    bodyEnds: [],
  };
  const rejections = new Rejections();
  let lastResource: Resource | undefined;
  let lastScope: InstrumentationScope | undefined;
  try {
    walkProtobufEnvelope(bytes, {
      request: 'ExportTraceServiceRequest',
      resourceBlock: 'resource_spans',
      scopeBlock: 'scope_spans',
      items: 'spans',
      item: (r, end, resource, scope) => {
        if (resource !== lastResource || scope !== lastScope) {
          columns.blocks.push({ resource, scope, serviceName: '' });
          lastResource = resource;
          lastScope = scope;
        }
        readSpan(r, end, columns, rejections);
      },
      resourceDone: () => undefined,
    });
  } catch {
    return undefined;
  }
  // A resource may follow its spans on the wire: names are known once the request is read.
  for (const block of columns.blocks) block.serviceName = serviceNameOf(block.resource);
  return { columns, rejected: rejections.count, errors: rejections.lines() };
}

const STATUS_CODE_COUNT = 3;
const SPAN_KIND_COUNT = 6;

/** One Span message, with decodeSpan's checks (trace-protobuf.ts), appended to the columns unless rejected. */
function readSpan(r: ProtoReader, end: number, columns: SpanColumns, rejections: Rejections): void {
  const start = r.pos;
  const attributesFrom = columns.attributeKeys.length;
  const linksFrom = columns.linkTraceIds.length;
  let traceId = '';
  let spanId = '';
  let parentSpanId: string | undefined;
  let name = '';
  let kind = 0;
  let startNs = 0n;
  let endNs = 0n;
  let status = 0;
  let events: { name: string; timeUnixNano: bigint }[] | undefined;
  while (r.pos < end) {
    const key = r.tag();
    switch (key >>> 3) {
      case 1:
        r.expect(key, WIRE_LENGTH);
        traceId = r.repeatedHex();
        break;
      case 2:
        r.expect(key, WIRE_LENGTH);
        spanId = r.hex();
        break;
      case 4:
        r.expect(key, WIRE_LENGTH);
        parentSpanId = parentOrUndefined(r.hex());
        break;
      case 5:
        r.expect(key, WIRE_LENGTH);
        name = r.repeatedString();
        break;
      case 6: {
        r.expect(key, WIRE_VARINT);
        const number = r.uint32();
        kind = number < SPAN_KIND_COUNT ? number : 0;
        break;
      }
      case 7:
        r.expect(key, WIRE_FIXED64);
        startNs = r.fixed64();
        break;
      case 8:
        r.expect(key, WIRE_FIXED64);
        endNs = r.fixed64();
        break;
      case 9:
        readTopAttribute(r, key, columns, attributesFrom, start);
        break;
      case 3:
        r.expect(key, WIRE_LENGTH);
        r.pos = r.lengthEnd();
        break;
      case 10:
      case 12:
      case 14:
        r.expect(key, WIRE_VARINT);
        r.uint32();
        break;
      case 11: {
        r.expect(key, WIRE_LENGTH);
        (events ??= []).push(readEvent(r, r.lengthEnd()));
        break;
      }
      case 13: {
        r.expect(key, WIRE_LENGTH);
        readLink(r, r.lengthEnd(), columns);
        break;
      }
      case 15:
        r.expect(key, WIRE_LENGTH);
        status = readStatus(r, r.lengthEnd());
        break;
      case 16:
        r.expect(key, WIRE_FIXED32);
        r.fixed32();
        break;
      default:
        r.skip(key & 7);
    }
  }
  r.finish(end);
  const problem =
    spanIdsProblem(traceId, spanId, parentSpanId) ?? spanTimesProblem(startNs, endNs, events ?? []);
  if (problem !== undefined) {
    rejections.add(describeRejectedSpan(name, spanId, problem));
    columns.attributeKeys.length = attributesFrom;
    columns.attributeValues.length = attributesFrom;
    columns.linkTraceIds.length = linksFrom;
    columns.linkSpanIds.length = linksFrom;
    return;
  }
  columns.count += 1;
  columns.blockOf.push(columns.blocks.length - 1);
  columns.traceIds.push(traceId);
  columns.spanIds.push(spanId);
  columns.parentSpanIds.push(parentSpanId ?? null);
  columns.names.push(name);
  columns.kinds.push(kind);
  columns.statuses.push(status);
  columns.times.push(startNs, endNs);
  columns.attributeEnds.push(columns.attributeKeys.length);
  columns.linkEnds.push(columns.linkTraceIds.length);
  columns.bodyStarts.push(start);
  columns.bodyEnds.push(end);
}

/**
 * A top-level KeyValue: a key seen before in this span keeps its place and takes the new value.
 * `span` is the span message's offset in the request, which names the span in its keys' cache
 * entries: a key marked with it is at the index the mark gives, so a span's keys are not compared
 * with each other (~10 keys a span, ~45 comparisons).
 */
function readTopAttribute(
  r: ProtoReader,
  key: number,
  columns: SpanColumns,
  spanFrom: number,
  span: number,
): void {
  r.expect(key, WIRE_LENGTH);
  const end = r.lengthEnd();
  let name = '';
  let entry: CachedText | undefined;
  let value: AttributeValue = null;
  while (r.pos < end) {
    const field = r.tag();
    if (field >>> 3 === 1) {
      r.expect(field, WIRE_LENGTH);
      name = r.repeatedString();
      entry = r.lastCached;
    } else if (field >>> 3 === 2) {
      r.expect(field, WIRE_LENGTH);
      value = decodeAnyValue(r, r.lengthEnd(), 0);
    } else {
      r.skip(field & 7);
    }
  }
  r.finish(end);
  const keys = columns.attributeKeys;
  let at = -1;
  if (entry !== undefined && entry.keyOwner === span) at = entry.keyAt;
  else if (entry === undefined || entry.keyOwner === UNMARKED || entry.keyOwner === NEVER_MARKED) {
    // A key not cached, an entry made in this span (its text may have been a key of this span under
    // an entry since evicted), or one never marked (a text other bytes decode to as well, or a long
    // one): compared with this span's keys. An entry marked by an earlier span existed before this
    // one began, and the same text comes from the same bytes, so any use of its key as a key here
    // would have marked it.
    for (let index = spanFrom; index < keys.length; index += 1) {
      if (keys[index] === name) {
        at = index;
        break;
      }
    }
  }
  if (at >= 0) {
    columns.attributeValues[at] = value;
  } else {
    at = keys.length;
    keys.push(name);
    columns.attributeValues.push(value);
  }
  if (entry !== undefined && entry.keyOwner !== NEVER_MARKED) {
    entry.keyOwner = span;
    entry.keyAt = at;
  }
}

/** Walks an AnyValue with decodeAnyValue's checks, building nothing. */
function checkAnyValue(r: ProtoReader, end: number, depth: number): void {
  if (depth > MAX_GROUP_DEPTH)
    throw new ProtoError(`AnyValue nested deeper than ${MAX_GROUP_DEPTH} levels`, r.pos);
  while (r.pos < end) {
    const key = r.tag();
    switch (key >>> 3) {
      case 1:
      case 7:
        r.expect(key, WIRE_LENGTH);
        r.pos = r.lengthEnd();
        break;
      case 2:
        r.expect(key, WIRE_VARINT);
        r.varint32();
        break;
      case 3:
        r.expect(key, WIRE_VARINT);
        r.int64();
        break;
      case 4:
        r.expect(key, WIRE_FIXED64);
        r.double();
        break;
      case 5:
        r.expect(key, WIRE_LENGTH);
        checkArrayValue(r, r.lengthEnd(), depth + 1);
        break;
      case 6:
        r.expect(key, WIRE_LENGTH);
        checkKeyValues(r, r.lengthEnd(), depth + 1);
        break;
      default:
        r.skip(key & 7);
    }
  }
  r.finish(end);
}

function checkArrayValue(r: ProtoReader, end: number, depth: number): void {
  while (r.pos < end) {
    const key = r.tag();
    if (key >>> 3 === 1) {
      r.expect(key, WIRE_LENGTH);
      checkAnyValue(r, r.lengthEnd(), depth);
    } else {
      r.skip(key & 7);
    }
  }
  r.finish(end);
}

/** A KeyValueList's `repeated KeyValue values = 1`. */
function checkKeyValues(r: ProtoReader, end: number, depth: number): void {
  while (r.pos < end) {
    const key = r.tag();
    if (key >>> 3 === 1) {
      r.expect(key, WIRE_LENGTH);
      checkKeyValue(r, r.lengthEnd(), depth);
    } else {
      r.skip(key & 7);
    }
  }
  r.finish(end);
}

function checkKeyValue(r: ProtoReader, end: number, depth: number): void {
  while (r.pos < end) {
    const key = r.tag();
    if (key >>> 3 === 1) {
      r.expect(key, WIRE_LENGTH);
      r.pos = r.lengthEnd();
    } else if (key >>> 3 === 2) {
      r.expect(key, WIRE_LENGTH);
      checkAnyValue(r, r.lengthEnd(), depth);
    } else {
      r.skip(key & 7);
    }
  }
  r.finish(end);
}

/** An event's attributes are only checked: the span's time checks need its name and time. */
function readEvent(r: ProtoReader, end: number): { name: string; timeUnixNano: bigint } {
  let name = '';
  let timeUnixNano = 0n;
  while (r.pos < end) {
    const key = r.tag();
    switch (key >>> 3) {
      case 1:
        r.expect(key, WIRE_FIXED64);
        timeUnixNano = r.fixed64();
        break;
      case 2:
        r.expect(key, WIRE_LENGTH);
        name = r.repeatedString();
        break;
      case 3:
        r.expect(key, WIRE_LENGTH);
        checkKeyValue(r, r.lengthEnd(), 0);
        break;
      case 4:
        r.expect(key, WIRE_VARINT);
        r.uint32();
        break;
      default:
        r.skip(key & 7);
    }
  }
  r.finish(end);
  return { name, timeUnixNano };
}

/** A link's ids go to the columns when both are valid; the decoder drops and counts the others. */
function readLink(r: ProtoReader, end: number, columns: SpanColumns): void {
  let traceId = '';
  let spanId = '';
  while (r.pos < end) {
    const key = r.tag();
    switch (key >>> 3) {
      case 1:
        r.expect(key, WIRE_LENGTH);
        traceId = r.hex();
        break;
      case 2:
        r.expect(key, WIRE_LENGTH);
        spanId = r.hex();
        break;
      case 3:
        r.expect(key, WIRE_LENGTH);
        r.pos = r.lengthEnd();
        break;
      case 4:
        r.expect(key, WIRE_LENGTH);
        checkKeyValue(r, r.lengthEnd(), 0);
        break;
      case 5:
        r.expect(key, WIRE_VARINT);
        r.uint32();
        break;
      case 6:
        r.expect(key, WIRE_FIXED32);
        r.fixed32();
        break;
      default:
        r.skip(key & 7);
    }
  }
  r.finish(end);
  if (idProblem('trace id', traceId) === undefined && idProblem('span id', spanId) === undefined) {
    columns.linkTraceIds.push(traceId);
    columns.linkSpanIds.push(spanId);
  }
}

function readStatus(r: ProtoReader, end: number): number {
  let code = 0;
  while (r.pos < end) {
    const key = r.tag();
    if (key >>> 3 === 2) {
      r.expect(key, WIRE_LENGTH);
      r.pos = r.lengthEnd();
    } else if (key >>> 3 === 3) {
      r.expect(key, WIRE_VARINT);
      const number = r.uint32();
      code = number < STATUS_CODE_COUNT ? number : 0;
    } else {
      r.skip(key & 7);
    }
  }
  r.finish(end);
  return code;
}

/** Spans `from` to `to` of an export's columns: the unit the receiver's queue hands to the store. */
export interface SpanColumnsSlice {
  columns: SpanColumns;
  from: number;
  to: number;
}
