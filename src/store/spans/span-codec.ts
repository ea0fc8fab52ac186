import type {
  Attributes,
  InstrumentationScope,
  Resource,
  Span,
  SpanEvent,
  SpanKind,
  SpanLink,
  StatusCode,
} from '../../model/span.js';
import { SPAN_KINDS } from '../../model/span.js';
import {
  PLAIN,
  TAGGED,
  decodeJson,
  encodeJson,
  hasSpecialNumber,
  type Encoding,
} from '../schema/json-codec.js';

/** OTLP's numbering, so a row reads the same as the wire. */
const STATUS_CODES: readonly StatusCode[] = ['unset', 'ok', 'error'];
export const STATUS_ERROR = 2;

export function kindNumber(kind: SpanKind): number {
  const index = SPAN_KINDS.indexOf(kind);
  return index < 0 ? 0 : index;
}

export function kindName(kind: number): SpanKind {
  return SPAN_KINDS[kind] ?? 'unspecified';
}

export function statusNumber(code: StatusCode): number {
  const index = STATUS_CODES.indexOf(code);
  return index < 0 ? 0 : index;
}

/** The JSON columns of a span row. Event times go as decimal strings: JSON numbers are doubles. */
export interface EncodedSpanBody {
  attributes: string;
  events: string | null;
  links: string | null;
  encoding: Encoding;
}

interface StoredEvent {
  timeUnixNano: string;
  name: string;
  attributes: Attributes;
  droppedAttributesCount: number;
}

export function encodeSpanBody(span: Span): EncodedSpanBody {
  const encoding =
    hasSpecialNumber(span.attributes) ||
    span.events.some((event) => hasSpecialNumber(event.attributes)) ||
    span.links.some((link) => hasSpecialNumber(link.attributes))
      ? TAGGED
      : PLAIN;
  return {
    attributes: encodeJson(span.attributes, encoding),
    events: span.events.length === 0 ? null : encodeJson(span.events.map(storedEvent), encoding),
    links: span.links.length === 0 ? null : encodeJson(span.links, encoding),
    encoding,
  };
}

function storedEvent(event: SpanEvent): StoredEvent {
  return {
    timeUnixNano: event.timeUnixNano.toString(),
    name: event.name,
    attributes: event.attributes,
    droppedAttributesCount: event.droppedAttributesCount,
  };
}

/** A span row as read with safe integers (every INTEGER column arrives as a bigint). */
export interface SpanRow {
  trace_id: string;
  span_id: string;
  parent_span_id: string | null;
  service: string;
  name: string;
  kind: bigint;
  start_ns: bigint;
  end_ns: bigint;
  status_code: bigint;
  status_message: string | null;
  trace_state: string | null;
  flags: bigint | null;
  resource_id: bigint;
  scope_id: bigint;
  attributes: string;
  dropped_attributes: bigint;
  events: string | null;
  dropped_events: bigint;
  links: string | null;
  dropped_links: bigint;
  encoding: bigint;
}

export function decodeSpan(row: SpanRow, resource: Resource, scope: InstrumentationScope): Span {
  const encoding = Number(row.encoding) as Encoding;
  const span: Span = {
    traceId: row.trace_id,
    spanId: row.span_id,
    name: row.name,
    kind: kindName(Number(row.kind)),
    serviceName: row.service,
    startTimeUnixNano: row.start_ns,
    endTimeUnixNano: row.end_ns,
    status: { code: STATUS_CODES[Number(row.status_code)] ?? 'unset' },
    attributes: decodeJson<Attributes>(row.attributes, encoding),
    droppedAttributesCount: Number(row.dropped_attributes),
    events: row.events === null ? [] : decodeJson<StoredEvent[]>(row.events, encoding).map(modelEvent),
    droppedEventsCount: Number(row.dropped_events),
    links: row.links === null ? [] : decodeJson<SpanLink[]>(row.links, encoding),
    droppedLinksCount: Number(row.dropped_links),
    resource,
    scope,
  };
  if (row.parent_span_id !== null) span.parentSpanId = row.parent_span_id;
  if (row.trace_state !== null) span.traceState = row.trace_state;
  if (row.flags !== null) span.flags = Number(row.flags);
  if (row.status_message !== null) span.status.message = row.status_message;
  return span;
}

function modelEvent(event: StoredEvent): SpanEvent {
  return {
    timeUnixNano: BigInt(event.timeUnixNano),
    name: event.name,
    attributes: event.attributes,
    droppedAttributesCount: event.droppedAttributesCount,
  };
}
