/**
 * SDK spans → Zipkin v2 JSON, by the OpenTelemetry specification's Zipkin exporter mapping
 * (specification/trace/sdk_exporters/zipkin.md): kind INTERNAL omitted; attributes as string tags
 * (arrays JSON-encoded); `otel.status_code` and an `error` tag holding the status description;
 * `otel.scope.name`/`otel.scope.version`; events as annotations, `"name": {attributes}` when they
 * have attributes; remoteEndpoint from `peer.service`. No Zipkin exporter package is installed, and
 * Zipkin itself accepts no OTLP, so the contract suite posts this to `/api/v2/spans`.
 */
import { SpanKind, SpanStatusCode, type HrTime } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { ZipkinSpan } from '../../../src/backends/zipkin/zipkin-span.js';

const KINDS: Partial<Record<SpanKind, ZipkinSpan['kind']>> = {
  [SpanKind.SERVER]: 'SERVER',
  [SpanKind.CLIENT]: 'CLIENT',
  [SpanKind.PRODUCER]: 'PRODUCER',
  [SpanKind.CONSUMER]: 'CONSUMER',
};

/** Rounded to the nearest microsecond in integers: a double has only ~0.25 µs to spare at today's epoch. */
function micros(time: HrTime): number {
  return Number((BigInt(time[0]) * 1_000_000_000n + BigInt(time[1]) + 500n) / 1000n);
}

function tagValue(value: unknown): string {
  return Array.isArray(value) ? JSON.stringify(value) : String(value);
}

export function toZipkinSpan(span: ReadableSpan): ZipkinSpan {
  const context = span.spanContext();
  const tags: Record<string, string> = {};
  for (const [key, value] of Object.entries(span.attributes))
    if (value !== undefined) tags[key] = tagValue(value);
  if (span.status.code !== SpanStatusCode.UNSET)
    tags['otel.status_code'] = span.status.code === SpanStatusCode.ERROR ? 'ERROR' : 'OK';
  if (span.status.code === SpanStatusCode.ERROR) tags.error = span.status.message ?? '';
  tags['otel.scope.name'] = span.instrumentationScope.name;
  if (span.instrumentationScope.version) tags['otel.scope.version'] = span.instrumentationScope.version;
  const peer = span.attributes['peer.service'];
  const zipkin: ZipkinSpan = {
    traceId: context.traceId,
    id: context.spanId,
    name: span.name,
    timestamp: micros(span.startTime),
    duration: Math.max(1, micros(span.endTime) - micros(span.startTime)),
    localEndpoint: { serviceName: String(span.resource.attributes['service.name']) },
    annotations: span.events.map((event) => ({
      timestamp: micros(event.time),
      value:
        event.attributes && Object.keys(event.attributes).length > 0
          ? `${JSON.stringify(event.name)}: ${JSON.stringify(event.attributes)}`
          : event.name,
    })),
    tags,
  };
  if (span.parentSpanContext) zipkin.parentId = span.parentSpanContext.spanId;
  const kind = KINDS[span.kind];
  if (kind) zipkin.kind = kind;
  if (typeof peer === 'string') zipkin.remoteEndpoint = { serviceName: peer };
  return zipkin;
}

/** Posts spans to a Zipkin server's collector; throws unless it answers 202. */
export async function postZipkinSpans(baseUrl: string, spans: ZipkinSpan[]): Promise<void> {
  const response = await fetch(`${baseUrl}/api/v2/spans`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(spans),
  });
  if (response.status !== 202)
    throw new Error(`zipkin refused the spans: ${response.status} ${await response.text()}`);
}
