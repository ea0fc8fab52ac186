/**
 * Jaeger's own span model (the internal HTTP API's JSON, also Jaeger 1.x's) → model spans.
 * What Jaeger keeps of an OTLP span is spread over tags, and is put back here:
 * - `span.kind` → kind; `otel.status_code` / `otel.status_description` → status (the older `error`
 *   tag set to true alone → error); `otel.scope.name` / `otel.scope.version` (or the older
 *   `otel.library.*`) → scope; `w3c.tracestate` → trace state. Those tags are not kept as attributes.
 * - the first CHILD_OF reference in the same trace is the parent; the other references are links.
 * - logs → events (their `event` field is the name); process tags → resource attributes.
 * - times are microseconds, so nanoseconds end in 000; 64-bit trace ids are padded to 32 digits.
 */
import { padTraceId } from '../../model/ids.js';
import { setOwnProperty } from '../../model/own-property.js';
import type {
  AttributeValue,
  Attributes,
  InstrumentationScope,
  Resource,
  Span,
  SpanEvent,
  SpanKind,
  SpanLink,
} from '../../model/span.js';
import { UNKNOWN_SERVICE } from '../../model/span.js';

interface JaegerTag {
  key: string;
  type?: string;
  value: unknown;
}

interface JaegerReference {
  refType?: string;
  traceID: string;
  spanID: string;
}

interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName?: string;
  references?: JaegerReference[] | null;
  startTime: number;
  duration: number;
  tags?: JaegerTag[] | null;
  logs?: { timestamp: number; fields?: JaegerTag[] | null }[] | null;
  processID?: string;
  process?: JaegerProcess;
  flags?: number;
}

interface JaegerProcess {
  serviceName?: string;
  tags?: JaegerTag[] | null;
}

export interface JaegerTraceJson {
  traceID?: string;
  spans?: JaegerSpan[] | null;
  processes?: Record<string, JaegerProcess> | null;
}

const KINDS: Record<string, SpanKind> = {
  client: 'client',
  server: 'server',
  producer: 'producer',
  consumer: 'consumer',
  internal: 'internal',
};

const NANOS_PER_MICRO = 1000n;

/** Tags that carry OTLP fields rather than attributes. */
const FIELD_TAGS = new Set([
  'span.kind',
  'otel.status_code',
  'otel.status_description',
  'otel.scope.name',
  'otel.scope.version',
  'otel.library.name',
  'otel.library.version',
  'w3c.tracestate',
]);

export function spansFromJaegerTraces(traces: JaegerTraceJson[]): Span[] {
  const spans: Span[] = [];
  for (const trace of traces) {
    const resources = new Map<string, { resource: Resource; serviceName: string }>();
    for (const [id, process] of Object.entries(trace.processes ?? {}))
      resources.set(id, resourceFrom(process));
    for (const raw of trace.spans ?? []) {
      const origin = raw.process ? resourceFrom(raw.process) : resources.get(raw.processID ?? '');
      spans.push(
        spanFrom(
          raw,
          origin ?? { resource: { attributes: {}, droppedAttributesCount: 0 }, serviceName: UNKNOWN_SERVICE },
        ),
      );
    }
  }
  return spans;
}

function resourceFrom(process: JaegerProcess): { resource: Resource; serviceName: string } {
  const attributes = tagsToAttributes(process.tags);
  const serviceName = process.serviceName || UNKNOWN_SERVICE;
  return {
    resource: { attributes: { 'service.name': serviceName, ...attributes }, droppedAttributesCount: 0 },
    serviceName,
  };
}

function spanFrom(raw: JaegerSpan, origin: { resource: Resource; serviceName: string }): Span {
  const traceId = padTraceId(raw.traceID);
  const tags = new Map((raw.tags ?? []).map((tag) => [tag.key, tag]));
  const attributes: Attributes = {};
  for (const tag of raw.tags ?? []) {
    if (!FIELD_TAGS.has(tag.key)) setOwnProperty(attributes, tag.key, tagValue(tag));
  }
  const references = raw.references ?? [];
  const parentIndex = references.findIndex(
    (ref) => ref.refType !== 'FOLLOWS_FROM' && padTraceId(ref.traceID) === traceId,
  );
  const links: SpanLink[] = references
    .filter((_, index) => index !== parentIndex)
    .map((ref) => ({
      traceId: padTraceId(ref.traceID),
      spanId: ref.spanID,
      attributes: {},
      droppedAttributesCount: 0,
    }));
  const start = BigInt(Math.round(raw.startTime)) * NANOS_PER_MICRO;
  const span: Span = {
    traceId,
    spanId: raw.spanID.padStart(16, '0'),
    parentSpanId: parentIndex >= 0 ? references[parentIndex]!.spanID.padStart(16, '0') : undefined,
    traceState: stringTag(tags.get('w3c.tracestate')),
    flags: raw.flags,
    name: raw.operationName ?? '',
    kind: KINDS[String(tags.get('span.kind')?.value ?? '').toLowerCase()] ?? 'unspecified',
    serviceName: origin.serviceName,
    startTimeUnixNano: start,
    endTimeUnixNano: start + BigInt(Math.round(raw.duration)) * NANOS_PER_MICRO,
    status: statusFrom(tags, attributes),
    attributes,
    droppedAttributesCount: 0,
    events: (raw.logs ?? []).map(eventFrom),
    droppedEventsCount: 0,
    links,
    droppedLinksCount: 0,
    resource: origin.resource,
    scope: scopeFrom(tags),
  };
  if (span.parentSpanId === undefined) delete span.parentSpanId;
  if (span.traceState === undefined) delete span.traceState;
  if (span.flags === undefined) delete span.flags;
  return span;
}

function statusFrom(tags: Map<string, JaegerTag>, attributes: Attributes): Span['status'] {
  const code = String(tags.get('otel.status_code')?.value ?? '').toUpperCase();
  const message = stringTag(tags.get('otel.status_description'));
  if (code === 'ERROR') {
    // Jaeger adds `error=true` for an OTLP error status; it is the status, not an attribute.
    if (attributes.error === true) delete attributes.error;
    return message === undefined ? { code: 'error' } : { code: 'error', message };
  }
  if (code === 'OK') return { code: 'ok' };
  if (attributes.error === true || attributes.error === 'true') {
    delete attributes.error;
    return { code: 'error' };
  }
  return { code: 'unset' };
}

function scopeFrom(tags: Map<string, JaegerTag>): InstrumentationScope {
  const name = stringTag(tags.get('otel.scope.name')) ?? stringTag(tags.get('otel.library.name')) ?? '';
  const version = stringTag(tags.get('otel.scope.version')) ?? stringTag(tags.get('otel.library.version'));
  return version === undefined
    ? { name, attributes: {}, droppedAttributesCount: 0 }
    : { name, version, attributes: {}, droppedAttributesCount: 0 };
}

function eventFrom(log: { timestamp: number; fields?: JaegerTag[] | null }): SpanEvent {
  const attributes: Attributes = {};
  let name = '';
  for (const field of log.fields ?? []) {
    if (field.key === 'event' && name === '') name = String(field.value);
    else setOwnProperty(attributes, field.key, tagValue(field));
  }
  return {
    timeUnixNano: BigInt(Math.round(log.timestamp)) * NANOS_PER_MICRO,
    name,
    attributes,
    droppedAttributesCount: 0,
  };
}

function tagsToAttributes(tags: JaegerTag[] | null | undefined): Attributes {
  const attributes: Attributes = {};
  for (const tag of tags ?? []) setOwnProperty(attributes, tag.key, tagValue(tag));
  return attributes;
}

/** Jaeger tag types: string, bool, int64, float64, binary (base64). */
function tagValue(tag: JaegerTag): AttributeValue {
  const value = tag.value;
  switch (tag.type) {
    case 'bool':
      return value === true || value === 'true';
    case 'int64':
    case 'float64':
      return typeof value === 'number' ? value : Number(value);
    default:
      return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
        ? value
        : JSON.stringify(value);
  }
}

function stringTag(tag: JaegerTag | undefined): string | undefined {
  return tag === undefined || tag.value === '' ? undefined : String(tag.value);
}
