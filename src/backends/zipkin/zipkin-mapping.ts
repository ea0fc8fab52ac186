/**
 * Zipkin v2 spans → model spans. Zipkin keeps less than OTLP, and this mapping says what it does with
 * what is left (the same rules as the OpenTelemetry Zipkin exporter, read backwards):
 * - times are microseconds (nanoseconds end in 000); 64-bit trace ids are padded to 32 digits.
 * - `localEndpoint.serviceName` is the service (Zipkin lower-cases it, and span names too); the
 *   resource is `{ service.name }` alone.
 * - `remoteEndpoint.serviceName` → `peer.service`; its address and port → `server.address`/`server.port`
 *   for client and producer spans, `client.address`/`client.port` for server and consumer spans,
 *   unless a tag already carries them.
 * - no kind → internal (the exporter omits INTERNAL).
 * - tags are string attributes; `otel.status_code` and the `error` tag → status (the error tag's
 *   value is the message); `otel.scope.name`/`otel.scope.version` → scope. Those tags are consumed.
 * - annotations → events; an annotation `"name": {json}` (the exporter's form for an event with
 *   attributes) is split back into the name and its attributes.
 * - a shared span (a SERVER span reusing its CLIENT parent's id): the server half gets its own id,
 *   derived from the trace id and the shared id, and becomes the child of the client half; children
 *   that the server's service created under the shared id move under the server half.
 */
import { createHash } from 'node:crypto';
import { padTraceId } from '../../model/ids.js';
import { setOwnProperty } from '../../model/own-property.js';
import type { AttributeValue, Attributes, Span, SpanEvent, SpanKind, SpanStatus } from '../../model/span.js';
import { UNKNOWN_SERVICE } from '../../model/span.js';
import type { ZipkinAnnotation, ZipkinSpan } from './zipkin-span.js';

const KINDS: Record<string, SpanKind> = {
  CLIENT: 'client',
  SERVER: 'server',
  PRODUCER: 'producer',
  CONSUMER: 'consumer',
};
const NANOS_PER_MICRO = 1000n;
const CONSUMED_TAGS = new Set([
  'otel.status_code',
  'otel.status_description',
  'error',
  'otel.scope.name',
  'otel.scope.version',
  'otel.library.name',
  'otel.library.version',
]);
const EVENT_WITH_ATTRIBUTES = /^"((?:[^"\\]|\\.)*)": ?(\{.*\})$/s;

/** Maps the spans of one or more traces; ids of shared server halves are rewritten (see above). */
export function spansFromZipkin(zipkinSpans: readonly ZipkinSpan[]): Span[] {
  const spans = zipkinSpans.map(spanFrom);
  splitSharedSpans(spans, zipkinSpans);
  return spans;
}

function spanFrom(raw: ZipkinSpan): Span {
  const serviceName = raw.localEndpoint?.serviceName || UNKNOWN_SERVICE;
  const tags = raw.tags ?? {};
  const attributes: Attributes = {};
  for (const [key, value] of Object.entries(tags))
    if (!CONSUMED_TAGS.has(key)) setOwnProperty(attributes, key, value);
  const kind = raw.kind ? (KINDS[raw.kind] ?? 'unspecified') : 'internal';
  addRemoteEndpoint(raw, kind, attributes);
  const start = BigInt(Math.round(raw.timestamp ?? 0)) * NANOS_PER_MICRO;
  const span: Span = {
    traceId: padTraceId(raw.traceId),
    spanId: raw.id.toLowerCase().padStart(16, '0'),
    parentSpanId: raw.parentId ? raw.parentId.toLowerCase().padStart(16, '0') : undefined,
    name: raw.name ?? '',
    kind,
    serviceName,
    startTimeUnixNano: start,
    endTimeUnixNano: start + BigInt(Math.round(raw.duration ?? 0)) * NANOS_PER_MICRO,
    status: statusFrom(tags),
    attributes,
    droppedAttributesCount: 0,
    events: (raw.annotations ?? []).map(eventFrom),
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    resource: { attributes: { 'service.name': serviceName }, droppedAttributesCount: 0 },
    scope: tags['otel.scope.version']
      ? {
          name: tags['otel.scope.name'] ?? '',
          version: tags['otel.scope.version'],
          attributes: {},
          droppedAttributesCount: 0,
        }
      : {
          name: tags['otel.scope.name'] ?? tags['otel.library.name'] ?? '',
          attributes: {},
          droppedAttributesCount: 0,
        },
  };
  if (span.parentSpanId === undefined) delete span.parentSpanId;
  return span;
}

function addRemoteEndpoint(raw: ZipkinSpan, kind: SpanKind, attributes: Attributes): void {
  const remote = raw.remoteEndpoint;
  if (!remote) return;
  if (remote.serviceName && attributes['peer.service'] === undefined)
    attributes['peer.service'] = remote.serviceName;
  const address = remote.ipv4 ?? remote.ipv6;
  const side =
    kind === 'client' || kind === 'producer'
      ? 'server'
      : kind === 'server' || kind === 'consumer'
        ? 'client'
        : 'network.peer';
  if (address && attributes[`${side}.address`] === undefined) attributes[`${side}.address`] = address;
  if (remote.port !== undefined && attributes[`${side}.port`] === undefined)
    attributes[`${side}.port`] = remote.port;
}

function statusFrom(tags: Record<string, string>): SpanStatus {
  const code = tags['otel.status_code']?.toUpperCase();
  const error = tags.error;
  if (code === 'ERROR' || error !== undefined) {
    const message = error && error !== 'true' ? error : tags['otel.status_description'];
    return message ? { code: 'error', message } : { code: 'error' };
  }
  return code === 'OK' ? { code: 'ok' } : { code: 'unset' };
}

function eventFrom(annotation: ZipkinAnnotation): SpanEvent {
  const timeUnixNano = BigInt(Math.round(annotation.timestamp)) * NANOS_PER_MICRO;
  const match = EVENT_WITH_ATTRIBUTES.exec(annotation.value);
  if (match) {
    try {
      const parsed = JSON.parse(match[2]!) as unknown;
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
        return {
          timeUnixNano,
          name: JSON.parse(`"${match[1]!}"`) as string,
          attributes: parsed as Record<string, AttributeValue>,
          droppedAttributesCount: 0,
        };
      }
    } catch {
      // Not the exporter's form after all: keep the annotation as it is.
    }
  }
  return { timeUnixNano, name: annotation.value, attributes: {}, droppedAttributesCount: 0 };
}

/** The id a shared server half gets: stable across reads, so the same trace maps to the same ids. */
export function serverHalfSpanId(traceId: string, sharedId: string): string {
  return createHash('sha256')
    .update(`zipkin-shared-server:${traceId}:${sharedId}`)
    .digest('hex')
    .slice(0, 16);
}

function splitSharedSpans(spans: Span[], raws: readonly ZipkinSpan[]): void {
  const byKey = new Map<string, number[]>();
  spans.forEach((span, index) => {
    const key = `${span.traceId}/${span.spanId}`;
    const list = byKey.get(key);
    if (list) list.push(index);
    else byKey.set(key, [index]);
  });
  const moved = new Map<string, Span>();
  for (const [key, indexes] of byKey) {
    if (indexes.length < 2) continue;
    // The server half is flagged `shared`; older instrumentation only tells it apart by its kind.
    const serverIndex =
      indexes.find((i) => raws[i]?.shared === true) ?? indexes.find((i) => spans[i]?.kind === 'server');
    const clientIndex = indexes.find((i) => i !== serverIndex);
    if (serverIndex === undefined || clientIndex === undefined) continue;
    const server = spans[serverIndex]!;
    server.spanId = serverHalfSpanId(server.traceId, server.spanId);
    server.parentSpanId = spans[clientIndex]!.spanId;
    moved.set(key, server);
  }
  if (moved.size === 0) return;
  for (const span of spans) {
    if (span.parentSpanId === undefined) continue;
    const server = moved.get(`${span.traceId}/${span.parentSpanId}`);
    if (server && span !== server && span.serviceName === server.serviceName)
      span.parentSpanId = server.spanId;
  }
}
