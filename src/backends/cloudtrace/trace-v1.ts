/**
 * The Cloud Trace v1 read API's shapes (REST reference, `projects.traces`), as `projects.traces.list`
 * with `view=COMPLETE` and `projects.traces.get` return them. Only the fields the mapping reads are
 * typed; the generated client types every field optional and nullable, so answers are checked here.
 */
import { isValidTraceId, normalizeHexId } from '../../model/ids.js';

export interface TraceSpanV1 {
  /** A uint64 as a decimal string (the proto's fixed64 in JSON), not hex. */
  spanId: string;
  /** `RPC_SERVER`, `RPC_CLIENT` or `SPAN_KIND_UNSPECIFIED` (every other OpenTelemetry kind). */
  kind?: string;
  name?: string;
  /** RFC 3339 with up to nine fractional digits. */
  startTime?: string;
  endTime?: string;
  /** Decimal like spanId; absent or "0" for a root. */
  parentSpanId?: string;
  /** Every value a string; keys under 128 bytes, values under 16 KiB. */
  labels?: Record<string, string>;
}

export interface TraceV1 {
  projectId?: string;
  /** 32 hex digits. */
  traceId: string;
  spans: TraceSpanV1[];
}

/** v1 span ids are decimal uint64 strings; the model's are 16 hex digits. */
export function spanIdFromDecimal(decimal: string): string {
  return BigInt(decimal).toString(16).padStart(16, '0');
}

export function spanIdToDecimal(hex: string): string {
  return BigInt(`0x${hex}`).toString(10);
}

/** What an answer must hold before the mapping trusts it; the reason when it does not. */
export function invalidTrace(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'expected a trace object';
  const trace = value as { traceId?: unknown; spans?: unknown };
  if (typeof trace.traceId !== 'string' || !isValidTraceId(normalizeHexId(trace.traceId)))
    return 'expected traceId to be 32 hex digits, not all zero';
  if (trace.spans !== undefined && !Array.isArray(trace.spans)) return 'expected spans to be a list';
  for (const span of (trace.spans ?? []) as unknown[]) {
    const s = span as Partial<Record<keyof TraceSpanV1, unknown>> | null;
    if (typeof s !== 'object' || s === null || typeof s.spanId !== 'string' || !/^\d{1,20}$/.test(s.spanId))
      return 'expected every span to have a decimal spanId';
    if (
      s.parentSpanId !== undefined &&
      (typeof s.parentSpanId !== 'string' || !/^\d{1,20}$/.test(s.parentSpanId))
    )
      return 'expected parentSpanId to be decimal';
    if (s.startTime !== undefined && typeof s.startTime !== 'string')
      return 'expected startTime to be a string';
    if (s.labels !== undefined && (typeof s.labels !== 'object' || s.labels === null))
      return 'expected labels to be a map';
  }
  return undefined;
}
