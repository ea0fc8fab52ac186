/**
 * ExportTraceServiceRequest (or TracesData: same field 1) protobuf → model spans. Field numbers from
 * opentelemetry/proto/trace/v1/trace.proto. Unknown fields are skipped; malformed input throws
 * `OtelMcpError('INVALID_ARGUMENT')` naming the byte and field path; a span with bad ids or times is
 * rejected alone.
 */
import type {
  Attributes,
  InstrumentationScope,
  Resource,
  Span,
  SpanEvent,
  SpanKind,
  SpanLink,
  SpanStatus,
} from '../model/span.js';
import { SPAN_KINDS } from '../model/span.js';
import { decodeAttribute, rethrowWithin } from './common-protobuf.js';
import {
  describeRejectedSpan,
  idProblem,
  parentOrUndefined,
  Rejections,
  serviceNameOf,
  spanIdsProblem,
  type DecodedSpans,
} from './decoded-batch.js';
import { walkProtobufEnvelope } from './envelope-protobuf.js';
import { spanTimesProblem } from './timestamp-problems.js';
import { ProtoReader, WIRE_FIXED32, WIRE_FIXED64, WIRE_LENGTH, WIRE_VARINT } from './proto-reader.js';

export function decodeTraceRequestProtobuf(bytes: Uint8Array): DecodedSpans {
  const spans: Span[] = [];
  const rejections = new Rejections();
  let first = 0;
  walkProtobufEnvelope(bytes, {
    request: 'ExportTraceServiceRequest',
    resourceBlock: 'resource_spans',
    scopeBlock: 'scope_spans',
    items: 'spans',
    item: (r, end, resource, scope) => decodeSpan(r, end, resource, scope, spans, rejections),
    resourceDone: (resource) => {
      const serviceName = serviceNameOf(resource);
      for (let i = first; i < spans.length; i++) spans[i]!.serviceName = serviceName;
      first = spans.length;
    },
  });
  return { spans, rejected: rejections.count, errors: rejections.lines() };
}

const SPAN_FIELDS: Record<number, string> = {
  1: 'trace_id',
  2: 'span_id',
  3: 'trace_state',
  4: 'parent_span_id',
  5: 'name',
  6: 'kind',
  7: 'start_time_unix_nano',
  8: 'end_time_unix_nano',
  9: 'attributes',
  10: 'dropped_attributes_count',
  11: 'events',
  12: 'dropped_events_count',
  13: 'links',
  14: 'dropped_links_count',
  15: 'status',
  16: 'flags',
};

/**
 * Decodes one Span message into `spans` and returns it, or counts it in `rejections` when its ids or
 * times are invalid. `checked: false` reads a span as it is (one the store already holds).
 */
export function decodeSpan(
  r: ProtoReader,
  end: number,
  resource: Resource,
  scope: InstrumentationScope,
  spans: Span[],
  rejections: Rejections,
  checked = true,
): Span | undefined {
  let traceId = '';
  let spanId = '';
  let traceState: string | undefined;
  let parentSpanId: string | undefined;
  let flags: number | undefined;
  let name = '';
  let kind: SpanKind = 'unspecified';
  let start = 0n;
  let finish = 0n;
  const attributes: Attributes = {};
  let droppedAttributesCount = 0;
  const events: SpanEvent[] = [];
  let droppedEventsCount = 0;
  const links: SpanLink[] = [];
  let droppedLinksCount = 0;
  let droppedInvalidLinks = 0;
  let status: SpanStatus = { code: 'unset', message: undefined };
  let field = 0;
  let attributeIndex = 0;
  let linkIndex = 0;
  try {
    while (r.pos < end) {
      const key = r.tag();
      field = key >>> 3;
      switch (field) {
        case 1:
          r.expect(key, WIRE_LENGTH);
          traceId = r.hex();
          break;
        case 2:
          r.expect(key, WIRE_LENGTH);
          spanId = r.hex();
          break;
        case 3: {
          r.expect(key, WIRE_LENGTH);
          const state = r.string();
          traceState = state === '' ? undefined : state;
          break;
        }
        case 4:
          r.expect(key, WIRE_LENGTH);
          parentSpanId = parentOrUndefined(r.hex());
          break;
        case 5:
          r.expect(key, WIRE_LENGTH);
          name = r.repeatedString();
          break;
        case 6:
          r.expect(key, WIRE_VARINT);
          kind = SPAN_KINDS[r.uint32()] ?? 'unspecified';
          break;
        case 7:
          r.expect(key, WIRE_FIXED64);
          start = r.fixed64();
          break;
        case 8:
          r.expect(key, WIRE_FIXED64);
          finish = r.fixed64();
          break;
        case 9:
          decodeAttribute(r, key, attributes);
          attributeIndex++;
          break;
        case 10:
          r.expect(key, WIRE_VARINT);
          droppedAttributesCount = r.uint32();
          break;
        case 11: {
          r.expect(key, WIRE_LENGTH);
          const eventEnd = r.lengthEnd();
          events.push(decodeEvent(r, eventEnd));
          break;
        }
        case 12:
          r.expect(key, WIRE_VARINT);
          droppedEventsCount = r.uint32();
          break;
        case 13: {
          r.expect(key, WIRE_LENGTH);
          const linkEnd = r.lengthEnd();
          const link = decodeLink(r, linkEnd);
          linkIndex++;
          // A link to an invalid id points nowhere; it is dropped and counted, the span is kept.
          if (idProblem('trace id', link.traceId) ?? idProblem('span id', link.spanId)) droppedInvalidLinks++;
          else links.push(link);
          break;
        }
        case 14:
          r.expect(key, WIRE_VARINT);
          droppedLinksCount = r.uint32();
          break;
        case 15: {
          r.expect(key, WIRE_LENGTH);
          const statusEnd = r.lengthEnd();
          status = decodeStatus(r, statusEnd);
          break;
        }
        case 16:
          r.expect(key, WIRE_FIXED32);
          flags = r.fixed32();
          break;
        default:
          r.skip(key & 7);
      }
    }
    r.finish(end);
  } catch (error) {
    const index = field === 9 ? attributeIndex : field === 11 ? events.length : field === 13 ? linkIndex : -1;
    rethrowWithin(error, SPAN_FIELDS, field, index);
  }
  const problem = !checked
    ? undefined
    : (spanIdsProblem(traceId, spanId, parentSpanId) ?? spanTimesProblem(start, finish, events));
  if (problem !== undefined) {
    rejections.add(describeRejectedSpan(name, spanId, problem));
    return undefined;
  }
  const span: Span = {
    traceId,
    spanId,
    parentSpanId,
    traceState,
    flags,
    name,
    kind,
    serviceName: '',
    startTimeUnixNano: start,
    endTimeUnixNano: finish,
    status,
    attributes,
    droppedAttributesCount,
    events,
    droppedEventsCount,
    links,
    droppedLinksCount: droppedLinksCount + droppedInvalidLinks,
    resource,
    scope,
  };
  spans.push(span);
  return span;
}

const EVENT_FIELDS: Record<number, string> = {
  1: 'time_unix_nano',
  2: 'name',
  3: 'attributes',
  4: 'dropped_attributes_count',
};

function decodeEvent(r: ProtoReader, end: number): SpanEvent {
  let timeUnixNano = 0n;
  let name = '';
  const attributes: Attributes = {};
  let droppedAttributesCount = 0;
  let field = 0;
  let index = 0;
  try {
    while (r.pos < end) {
      const key = r.tag();
      field = key >>> 3;
      switch (field) {
        case 1:
          r.expect(key, WIRE_FIXED64);
          timeUnixNano = r.fixed64();
          break;
        case 2:
          r.expect(key, WIRE_LENGTH);
          name = r.string();
          break;
        case 3:
          decodeAttribute(r, key, attributes);
          index++;
          break;
        case 4:
          r.expect(key, WIRE_VARINT);
          droppedAttributesCount = r.uint32();
          break;
        default:
          r.skip(key & 7);
      }
    }
    r.finish(end);
  } catch (error) {
    rethrowWithin(error, EVENT_FIELDS, field, field === 3 ? index : -1);
  }
  return { timeUnixNano, name, attributes, droppedAttributesCount };
}

const LINK_FIELDS: Record<number, string> = {
  1: 'trace_id',
  2: 'span_id',
  3: 'trace_state',
  4: 'attributes',
  5: 'dropped_attributes_count',
  6: 'flags',
};

function decodeLink(r: ProtoReader, end: number): SpanLink {
  let traceId = '';
  let spanId = '';
  let traceState: string | undefined;
  let flags: number | undefined;
  const attributes: Attributes = {};
  let droppedAttributesCount = 0;
  let field = 0;
  let index = 0;
  try {
    while (r.pos < end) {
      const key = r.tag();
      field = key >>> 3;
      switch (field) {
        case 1:
          r.expect(key, WIRE_LENGTH);
          traceId = r.hex();
          break;
        case 2:
          r.expect(key, WIRE_LENGTH);
          spanId = r.hex();
          break;
        case 3: {
          r.expect(key, WIRE_LENGTH);
          const state = r.string();
          traceState = state === '' ? undefined : state;
          break;
        }
        case 4:
          decodeAttribute(r, key, attributes);
          index++;
          break;
        case 5:
          r.expect(key, WIRE_VARINT);
          droppedAttributesCount = r.uint32();
          break;
        case 6:
          r.expect(key, WIRE_FIXED32);
          flags = r.fixed32();
          break;
        default:
          r.skip(key & 7);
      }
    }
    r.finish(end);
  } catch (error) {
    rethrowWithin(error, LINK_FIELDS, field, field === 4 ? index : -1);
  }
  return { traceId, spanId, traceState, flags, attributes, droppedAttributesCount };
}

const STATUS_CODES: readonly SpanStatus['code'][] = ['unset', 'ok', 'error'];

function decodeStatus(r: ProtoReader, end: number): SpanStatus {
  let code: SpanStatus['code'] = 'unset';
  let message: string | undefined;
  let field = 0;
  try {
    while (r.pos < end) {
      const key = r.tag();
      field = key >>> 3;
      if (field === 2) {
        r.expect(key, WIRE_LENGTH);
        const text = r.string();
        message = text === '' ? undefined : text;
      } else if (field === 3) {
        r.expect(key, WIRE_VARINT);
        code = STATUS_CODES[r.uint32()] ?? 'unset';
      } else {
        r.skip(key & 7);
      }
    }
    r.finish(end);
  } catch (error) {
    rethrowWithin(error, { 2: 'message', 3: 'code' }, field);
  }
  return { code, message };
}
