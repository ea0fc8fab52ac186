import type { Span } from '../../model/span.js';

/** What the `traces` table keeps per trace, updated as its spans arrive. */
export interface TraceAggregate {
  startNs: bigint;
  endNs: bigint;
  spanCount: number;
  errorCount: number;
  root?: { spanId: string; startNs: bigint; service: string; name: string };
  /** Sorted. */
  services: string[];
}

/**
 * Adds newly stored spans of one trace to its aggregate. Spans arrive over many batches and in any
 * order (a child's batch often lands before its root's), so every field is an order-free fold:
 * min, max, sums, a set, and the root as the earliest span without a parent (a tie goes to the
 * lower span id), which is the same whichever batch brings it.
 */
export function addSpans(aggregate: TraceAggregate | undefined, spans: readonly Span[]): TraceAggregate {
  const first = spans[0];
  if (!aggregate && !first) throw new RangeError('addSpans needs an aggregate or at least one span');
  const next: TraceAggregate = aggregate
    ? { ...aggregate, services: aggregate.services }
    : {
        startNs: (first as Span).startTimeUnixNano,
        endNs: (first as Span).endTimeUnixNano,
        spanCount: 0,
        errorCount: 0,
        services: [],
      };
  let services: Set<string> | undefined;
  for (const span of spans) {
    if (span.startTimeUnixNano < next.startNs) next.startNs = span.startTimeUnixNano;
    if (span.endTimeUnixNano > next.endNs) next.endNs = span.endTimeUnixNano;
    next.spanCount += 1;
    if (span.status.code === 'error') next.errorCount += 1;
    if (span.parentSpanId === undefined && isEarlierRoot(span, next.root)) {
      next.root = {
        spanId: span.spanId,
        startNs: span.startTimeUnixNano,
        service: span.serviceName,
        name: span.name,
      };
    }
    if (!next.services.includes(span.serviceName) && !services?.has(span.serviceName)) {
      (services ??= new Set(next.services)).add(span.serviceName);
    }
  }
  if (services) next.services = [...services].sort();
  return next;
}

function isEarlierRoot(span: Span, root: TraceAggregate['root']): boolean {
  if (!root) return true;
  if (span.startTimeUnixNano !== root.startNs) return span.startTimeUnixNano < root.startNs;
  return span.spanId < root.spanId;
}
