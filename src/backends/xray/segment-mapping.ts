/**
 * X-Ray segment documents → model spans. X-Ray keeps less than OTLP, and this says what is left:
 * - a segment is the work of one service (its `name`); it becomes a SERVER span. Subsegments, nested
 *   to any depth, are spans of that service: CLIENT when `namespace` is `remote` or `aws` (a call
 *   out), else INTERNAL. PRODUCER and CONSUMER cannot be told apart from these.
 * - times are epoch seconds as floats, whose 53-bit mantissa keeps microseconds (not nanoseconds).
 * - `fault`, `error` and `throttle` all mean the span failed (the exporter sets them from an ERROR
 *   status); each of `cause.exceptions` becomes an `exception` event at the span's end (X-Ray keeps
 *   no time per exception). Other span events and links are not stored by X-Ray.
 * - `origin` (AWS::EC2::Instance, ...) becomes the resource's `cloud.platform`.
 */
import type { Span, SpanEvent, SpanKind, SpanStatus, Attributes } from '../../model/span.js';
import { segmentAttributes } from './segment-attributes.js';
import type { XrayCause, XraySegmentDocument } from './segment-document.js';
import { fromXrayTraceId } from './xray-trace-id.js';

const ORIGIN_PLATFORMS: Record<string, string> = {
  'AWS::EC2::Instance': 'aws_ec2',
  'AWS::ECS::Container': 'aws_ecs',
  'AWS::EKS::Container': 'aws_eks',
  'AWS::ElasticBeanstalk::Environment': 'aws_elastic_beanstalk',
  'AWS::Lambda::Function': 'aws_lambda',
  'AWS::AppRunner::Service': 'aws_app_runner',
};

/** Every span of the documents (segments with their subsegments), in document order. */
export function spansFromSegments(documents: readonly XraySegmentDocument[]): Span[] {
  const spans: Span[] = [];
  for (const doc of documents) {
    if (doc.trace_id === undefined) continue;
    const traceId = fromXrayTraceId(doc.trace_id);
    const isSegment = doc.type !== 'subsegment';
    // A subsegment sent on its own names neither its service nor its segment's resource.
    const service = isSegment ? doc.name : 'unknown_service';
    addSpan(spans, doc, traceId, service, resourceOf(doc, service), doc.parent_id, isSegment);
  }
  return spans;
}

function addSpan(
  spans: Span[],
  doc: XraySegmentDocument,
  traceId: string,
  service: string,
  resource: Span['resource'],
  parentSpanId: string | undefined,
  isSegment: boolean,
): void {
  const start = secondsToNanos(doc.start_time);
  // An in-progress span has no end yet: it ends where it starts rather than in 1970.
  const end = doc.end_time === undefined ? start : secondsToNanos(doc.end_time);
  const span: Span = {
    traceId,
    spanId: doc.id,
    name: doc.name,
    kind: kindOf(doc, isSegment),
    serviceName: service,
    startTimeUnixNano: start,
    endTimeUnixNano: end,
    status: statusOf(doc),
    attributes: segmentAttributes(doc),
    droppedAttributesCount: 0,
    events: exceptionEvents(doc.cause, end),
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    resource,
    scope: { name: '', attributes: {}, droppedAttributesCount: 0 },
  };
  if (parentSpanId !== undefined) span.parentSpanId = parentSpanId;
  spans.push(span);
  for (const child of doc.subsegments ?? []) addSpan(spans, child, traceId, service, resource, doc.id, false);
}

/** Epoch seconds (float) → nanoseconds, rounded to the microsecond the float can hold. */
export function secondsToNanos(seconds: number): bigint {
  return BigInt(Math.round(seconds * 1e6)) * 1000n;
}

function kindOf(doc: XraySegmentDocument, isSegment: boolean): SpanKind {
  if (isSegment) return 'server';
  return doc.namespace === 'remote' || doc.namespace === 'aws' ? 'client' : 'internal';
}

function statusOf(doc: XraySegmentDocument): SpanStatus {
  if (!doc.fault && !doc.error && !doc.throttle) return { code: 'unset' };
  const message = typeof doc.cause === 'object' ? doc.cause.exceptions?.[0]?.message : undefined;
  return message ? { code: 'error', message } : { code: 'error' };
}

function exceptionEvents(cause: XrayCause | string | undefined, at: bigint): SpanEvent[] {
  if (typeof cause !== 'object') return [];
  return (cause.exceptions ?? []).map((exception) => {
    const attributes: Attributes = {};
    if (exception.type !== undefined) attributes['exception.type'] = exception.type;
    if (exception.message !== undefined) attributes['exception.message'] = exception.message;
    if (exception.stack && exception.stack.length > 0) {
      attributes['exception.stacktrace'] = exception.stack
        .map((frame) => `at ${frame.label ?? '?'} (${frame.path ?? '?'}:${frame.line ?? '?'})`)
        .join('\n');
    }
    return { timeUnixNano: at, name: 'exception', attributes, droppedAttributesCount: 0 };
  });
}

function resourceOf(doc: XraySegmentDocument, service: string): Span['resource'] {
  const attributes: Attributes = { 'service.name': service };
  if (doc.origin !== undefined) {
    attributes['cloud.provider'] = 'aws';
    attributes['cloud.platform'] = ORIGIN_PLATFORMS[doc.origin] ?? doc.origin;
  }
  return { attributes, droppedAttributesCount: 0 };
}
