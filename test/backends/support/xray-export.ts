/**
 * SDK spans → X-Ray segment documents, by the X-Ray segment document format and the choices the
 * ADOT X-Ray exporter makes: a span entering a service (SERVER, CONSUMER, or one whose parent is
 * in another service or absent) is a segment named after the service, with the service's other
 * spans nested under it as subsegments; CLIENT and PRODUCER subsegments are `namespace: remote`;
 * HTTP and SQL attributes fill the `http` and `sql` blocks, every other attribute goes to
 * `metadata.default` with its JSON type; an ERROR status sets `fault` (`error` for a 4xx) and
 * exception events fill `cause.exceptions`. Other events, links, scope and resource attributes
 * are not written: X-Ray has no place for them. No X-Ray exporter exists for the JS SDK's
 * ReadableSpan, so the suite sends these with PutTraceSegments.
 */
import { SpanKind, SpanStatusCode, type HrTime } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { XraySegmentDocument } from '../../../src/backends/xray/segment-document.js';
import { toXrayTraceId } from '../../../src/backends/xray/xray-trace-id.js';

/** Epoch seconds with microseconds, as X-Ray SDKs write them. */
function seconds(time: HrTime): number {
  return Number(BigInt(time[0]) * 1_000_000n + BigInt(Math.round(time[1] / 1000))) / 1e6;
}

const LIFTED = new Set([
  'http.request.method',
  'url.full',
  'http.response.status_code',
  'db.query.text',
  'db.system.name',
]);

export function toXraySegments(spans: readonly ReadableSpan[]): XraySegmentDocument[] {
  const serviceOf = (span: ReadableSpan) => String(span.resource.attributes['service.name']);
  const byId = new Map(spans.map((span) => [span.spanContext().spanId, span]));
  const documents = new Map<string, XraySegmentDocument>();
  const segments: XraySegmentDocument[] = [];
  const isEntry = (span: ReadableSpan) => {
    const parent = span.parentSpanContext ? byId.get(span.parentSpanContext.spanId) : undefined;
    return (
      span.kind === SpanKind.SERVER ||
      span.kind === SpanKind.CONSUMER ||
      !parent ||
      serviceOf(parent) !== serviceOf(span)
    );
  };
  // Parents first, so a subsegment always finds the document it nests in.
  const ordered = [...spans].sort((a, b) => depth(a) - depth(b));
  function depth(span: ReadableSpan): number {
    const parent = span.parentSpanContext ? byId.get(span.parentSpanContext.spanId) : undefined;
    return parent ? depth(parent) + 1 : 0;
  }
  for (const span of ordered) {
    const entry = isEntry(span);
    const doc = toDocument(span, entry ? serviceOf(span) : span.name, entry);
    documents.set(doc.id, doc);
    const parentId = span.parentSpanContext?.spanId;
    if (entry) {
      doc.trace_id = toXrayTraceId(span.spanContext().traceId);
      if (parentId !== undefined) doc.parent_id = parentId;
      segments.push(doc);
    } else {
      const parent = documents.get(parentId!)!;
      (parent.subsegments ??= []).push(doc);
    }
  }
  return segments;
}

function toDocument(span: ReadableSpan, name: string, entry: boolean): XraySegmentDocument {
  const doc: XraySegmentDocument = {
    name,
    id: span.spanContext().spanId,
    start_time: seconds(span.startTime),
    end_time: seconds(span.endTime),
  };
  if (!entry && (span.kind === SpanKind.CLIENT || span.kind === SpanKind.PRODUCER)) doc.namespace = 'remote';
  const a = span.attributes;
  const metadata: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(a))
    if (value !== undefined && !LIFTED.has(key)) metadata[key] = value;
  if (Object.keys(metadata).length > 0) doc.metadata = { default: metadata };
  if (
    a['http.request.method'] !== undefined ||
    a['url.full'] !== undefined ||
    a['http.response.status_code'] !== undefined
  ) {
    doc.http = {};
    if (a['http.request.method'] !== undefined || a['url.full'] !== undefined)
      doc.http.request = { method: a['http.request.method'] as string, url: a['url.full'] as string };
    if (a['http.response.status_code'] !== undefined)
      doc.http.response = { status: a['http.response.status_code'] as number };
  }
  if (a['db.query.text'] !== undefined || a['db.system.name'] !== undefined)
    doc.sql = { sanitized_query: a['db.query.text'] as string, database_type: a['db.system.name'] as string };
  if (span.status.code === SpanStatusCode.ERROR) {
    const status = a['http.response.status_code'];
    if (typeof status === 'number' && status >= 400 && status < 500) doc.error = true;
    else doc.fault = true;
    const exceptions = span.events
      .filter((event) => event.name === 'exception')
      .map((event) => ({
        type: event.attributes?.['exception.type'] as string | undefined,
        message: event.attributes?.['exception.message'] as string | undefined,
      }));
    if (exceptions.length > 0) doc.cause = { exceptions };
  }
  return doc;
}

/** Stores segment documents with PutTraceSegments (moto accepts any SigV4 signature). */
export async function putTraceSegments(
  send: (documents: string[]) => Promise<{ UnprocessedTraceSegments?: unknown[] }>,
  segments: readonly XraySegmentDocument[],
): Promise<void> {
  const answer = await send(segments.map((segment) => JSON.stringify(segment)));
  if ((answer.UnprocessedTraceSegments ?? []).length > 0)
    throw new Error(`X-Ray left segments unprocessed: ${JSON.stringify(answer.UnprocessedTraceSegments)}`);
}
