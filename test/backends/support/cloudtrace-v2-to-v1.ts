/**
 * Cloud Trace v2 spans (as BatchWriteSpans receives them) → the v1 trace shape `projects.traces`
 * answers with, the way the Cloud Trace references describe the two: span ids become decimal
 * uint64 strings, `displayName` the name, `spanKind` SERVER/CLIENT the v1 RPC kinds and everything
 * else SPAN_KIND_UNSPECIFIED, timestamps RFC 3339 with nanoseconds, and attributes labels holding
 * strings (a string attribute keeps at most 256 bytes, v2's TruncatableString limit). v1 has no field
 * for a status; it is written as `g.co/status/code` (a google.rpc.Code) and `g.co/status/message`,
 * the labels v1 readers of v2-written spans see. Time events, links and stack traces have no place
 * in v1 and are not kept.
 */
import { Buffer } from 'node:buffer';
import type { TraceSpanV1 } from '../../../src/backends/cloudtrace/trace-v1.js';

/** A v2 span as proto-loader decodes it with `longs: String, enums: String, oneofs: true`. */
export interface SpanV2 {
  name: string;
  spanId: string;
  parentSpanId?: string;
  displayName?: { value?: string };
  startTime?: { seconds?: string; nanos?: number };
  endTime?: { seconds?: string; nanos?: number };
  attributes?: { attributeMap?: Record<string, AttributeValueV2> };
  status?: { code?: number; message?: string };
  spanKind?: string;
}

interface AttributeValueV2 {
  stringValue?: { value?: string };
  intValue?: string;
  boolValue?: boolean;
}

/** v2 `TruncatableString` attribute values hold up to 256 bytes. */
export const ATTRIBUTE_VALUE_MAX_BYTES = 256;
/** v1 span names must be under 128 bytes. */
const NAME_MAX_BYTES = 127;

const V2_NAME = /^projects\/([^/]+)\/traces\/([0-9a-f]{32})\/spans\/([0-9a-f]{16})$/;

export interface ConvertedSpan {
  projectId: string;
  traceId: string;
  span: TraceSpanV1;
}

export function v2ToV1(span: SpanV2): ConvertedSpan {
  const match = V2_NAME.exec(span.name);
  if (!match) throw new Error(`span name ${span.name} is not projects/P/traces/T/spans/S`);
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(span.attributes?.attributeMap ?? {})) {
    if (value.stringValue !== undefined)
      labels[key] = truncate(value.stringValue.value ?? '', ATTRIBUTE_VALUE_MAX_BYTES);
    else if (value.intValue !== undefined) labels[key] = value.intValue;
    else if (value.boolValue !== undefined) labels[key] = String(value.boolValue);
  }
  if (span.status) {
    labels['g.co/status/code'] = String(span.status.code ?? 0);
    if (span.status.message) labels['g.co/status/message'] = span.status.message;
  }
  const v1: TraceSpanV1 = {
    spanId: BigInt(`0x${span.spanId}`).toString(10),
    kind:
      span.spanKind === 'SERVER'
        ? 'RPC_SERVER'
        : span.spanKind === 'CLIENT'
          ? 'RPC_CLIENT'
          : 'SPAN_KIND_UNSPECIFIED',
    name: truncate(span.displayName?.value ?? '', NAME_MAX_BYTES),
    labels,
  };
  if (span.startTime) v1.startTime = rfc3339(span.startTime);
  if (span.endTime) v1.endTime = rfc3339(span.endTime);
  if (span.parentSpanId) v1.parentSpanId = BigInt(`0x${span.parentSpanId}`).toString(10);
  return { projectId: match[1]!, traceId: match[2]!, span: v1 };
}

function rfc3339(time: { seconds?: string; nanos?: number }): string {
  const seconds = Number(time.seconds ?? 0);
  const nanos = String(time.nanos ?? 0).padStart(9, '0');
  return `${new Date(seconds * 1000).toISOString().slice(0, 19)}.${nanos}Z`;
}

/** Cut to at most `max` UTF-8 bytes without splitting a character. */
function truncate(text: string, max: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= max) return text;
  let end = max;
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}
