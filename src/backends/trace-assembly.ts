/**
 * Turns the spans an adapter decoded into model traces and search summaries. Backends answer with
 * spans of several traces mixed (Jaeger merges every match into one document), so grouping by
 * trace id is the adapters' common last step.
 */
import { nanosToMs } from '../model/time.js';
import type { Span, Trace } from '../model/span.js';
import type { TraceSummary } from '../model/query.js';

/** Spans in start-time order; ties keep the backend's order (Array.prototype.sort is stable). */
export function sortByStart(spans: Span[]): Span[] {
  return spans.sort((a, b) =>
    a.startTimeUnixNano < b.startTimeUnixNano ? -1 : a.startTimeUnixNano > b.startTimeUnixNano ? 1 : 0,
  );
}

/** Groups spans by trace id, in order of first appearance; each trace's spans in start-time order. */
export function groupIntoTraces(spans: Span[]): Trace[] {
  const byId = new Map<string, Span[]>();
  for (const span of spans) {
    const list = byId.get(span.traceId);
    if (list) list.push(span);
    else byId.set(span.traceId, [span]);
  }
  return [...byId].map(([traceId, list]) => ({ traceId, spans: sortByStart(list) }));
}

/** The one trace with this id among decoded spans, or undefined when none of them belongs to it. */
export function traceFromSpans(traceId: string, spans: Span[]): Trace | undefined {
  const own = spans.filter((span) => span.traceId === traceId);
  return own.length === 0 ? undefined : { traceId, spans: sortByStart(own) };
}

/** What a search shows for one trace. The root is the earliest span whose parent is not in the trace. */
export function summarizeTrace(trace: Trace): TraceSummary {
  const ids = new Set(trace.spans.map((span) => span.spanId));
  let start: bigint | undefined;
  let end: bigint | undefined;
  let root: Span | undefined;
  let errorCount = 0;
  const services = new Set<string>();
  for (const span of trace.spans) {
    if (start === undefined || span.startTimeUnixNano < start) start = span.startTimeUnixNano;
    if (end === undefined || span.endTimeUnixNano > end) end = span.endTimeUnixNano;
    if (span.status.code === 'error') errorCount++;
    services.add(span.serviceName);
    const isRoot = span.parentSpanId === undefined || !ids.has(span.parentSpanId);
    if (isRoot && (root === undefined || span.startTimeUnixNano < root.startTimeUnixNano)) root = span;
  }
  return {
    traceId: trace.traceId,
    rootServiceName: root?.serviceName,
    rootName: root?.name,
    startTimeUnixNano: start ?? 0n,
    durationMs: start === undefined || end === undefined ? 0 : nanosToMs(end - start),
    spanCount: trace.spans.length,
    errorCount,
    services: [...services].sort(),
  };
}

/** Most recent first, at most `limit`. */
export function mostRecentFirst(summaries: TraceSummary[], limit: number): TraceSummary[] {
  return summaries
    .sort((a, b) =>
      a.startTimeUnixNano > b.startTimeUnixNano ? -1 : a.startTimeUnixNano < b.startTimeUnixNano ? 1 : 0,
    )
    .slice(0, limit);
}
