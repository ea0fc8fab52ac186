/**
 * Cloud Trace v1 traces → model spans. v1 keeps less than OTLP, and this says what is left:
 * - kinds: `RPC_SERVER` and `RPC_CLIENT`; every other OpenTelemetry kind (INTERNAL, PRODUCER,
 *   CONSUMER) was written as `SPAN_KIND_UNSPECIFIED` and reads as INTERNAL, OpenTelemetry's default.
 * - times: RFC 3339 strings with nine fractional digits, read to the nanosecond.
 * - labels: see span-labels.ts. Events, links, trace state and the instrumentation scope have no
 *   place in a v1 span and are not there to read.
 */
import { OtelMcpError } from '../../model/errors.js';
import type { Span, SpanKind } from '../../model/span.js';
import { mapLabels } from './span-labels.js';
import { spanIdFromDecimal, type TraceSpanV1, type TraceV1 } from './trace-v1.js';

const KINDS: Record<string, SpanKind> = { RPC_SERVER: 'server', RPC_CLIENT: 'client' };

/** Every span of the traces, in answer order. */
export function spansFromTraces(traces: readonly TraceV1[]): Span[] {
  const spans: Span[] = [];
  for (const trace of traces) {
    const traceId = trace.traceId.toLowerCase();
    for (const span of trace.spans) spans.push(spanFromV1(traceId, span));
  }
  return spans;
}

export function spanFromV1(traceId: string, v1: TraceSpanV1): Span {
  const { attributes, resource, serviceName, status } = mapLabels(v1.labels ?? {});
  const start = v1.startTime === undefined ? 0n : rfc3339ToNanos(v1.startTime);
  // A span still open has no end yet: it ends where it starts rather than in 1970.
  const end = v1.endTime === undefined ? start : rfc3339ToNanos(v1.endTime);
  const span: Span = {
    traceId,
    spanId: spanIdFromDecimal(v1.spanId),
    name: v1.name ?? '',
    kind: KINDS[v1.kind ?? ''] ?? 'internal',
    serviceName,
    startTimeUnixNano: start,
    endTimeUnixNano: end,
    status,
    attributes,
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    resource: { attributes: resource, droppedAttributesCount: 0 },
    scope: { name: '', attributes: {}, droppedAttributesCount: 0 },
  };
  if (v1.parentSpanId !== undefined && v1.parentSpanId !== '0')
    span.parentSpanId = spanIdFromDecimal(v1.parentSpanId);
  return span;
}

const RFC3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/i;

/** RFC 3339 → nanoseconds since the epoch, exactly (a double would round them). */
export function rfc3339ToNanos(text: string): bigint {
  const match = RFC3339.exec(text);
  const ms = match ? Date.parse(`${match[1]!}${match[3]!.toUpperCase()}`) : NaN;
  if (!match || Number.isNaN(ms)) {
    throw new OtelMcpError(
      'BACKEND_UNAVAILABLE',
      `Cloud Trace sent a time that is not RFC 3339: ${JSON.stringify(text.slice(0, 40))}`,
      'check that the endpoint is the Cloud Trace API',
    );
  }
  return BigInt(ms) * 1_000_000n + BigInt((match[2] ?? '').padEnd(9, '0'));
}
