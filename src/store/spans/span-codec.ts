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
import { decodeSpanMessage } from '../../otlp/span-message.js';
import { decodeJson, type Encoding } from '../schema/json-codec.js';

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

/** An event as rows stored before span bodies keep it: times as decimal strings (JSON numbers are doubles). */
interface StoredEvent {
  timeUnixNano: string;
  name: string;
  attributes: Attributes;
  droppedAttributesCount: number;
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
  /** The span's OTLP message (span-body-schema.ts); NULL in rows stored before it, read from the columns above. */
  body: Buffer | null;
}

export function decodeSpan(row: SpanRow, resource: Resource, scope: InstrumentationScope): Span {
  if (row.body !== null) return decodeSpanMessage(row.body, resource, scope, row.service);
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
