import type { EncodedSpans } from './encoded-spans.js';
import { STATUS_ERROR } from './span-codec.js';

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
 * Adds newly stored spans of one trace (indexes into `batch`) to its aggregate. Spans arrive over many batches and in any
 * order (a child's batch often lands before its root's), so every field is an order-free fold:
 * min, max, sums, a set, and the root as the earliest span without a parent (a tie goes to the
 * lower span id), which is the same whichever batch brings it.
 */
export function addSpans(
  aggregate: TraceAggregate | undefined,
  batch: EncodedSpans,
  spans: readonly number[],
): TraceAggregate {
  const first = spans[0];
  if (!aggregate && first === undefined)
    throw new RangeError('addSpans needs an aggregate or at least one span');
  const { times } = batch;
  const next: TraceAggregate = aggregate
    ? { ...aggregate, services: aggregate.services }
    : {
        startNs: times[2 * first!]!,
        endNs: times[2 * first! + 1]!,
        spanCount: 0,
        errorCount: 0,
        services: [],
      };
  let services: Set<string> | undefined;
  for (const span of spans) {
    const startNs = times[2 * span]!;
    const endNs = times[2 * span + 1]!;
    const operation = batch.operations[batch.operation[span]!]!;
    if (startNs < next.startNs) next.startNs = startNs;
    if (endNs > next.endNs) next.endNs = endNs;
    next.spanCount += 1;
    if (batch.statuses[span] === STATUS_ERROR) next.errorCount += 1;
    if (batch.parentSpanIds[span] === null && isEarlierRoot(startNs, batch.spanIds[span]!, next.root)) {
      next.root = {
        spanId: batch.spanIds[span]!,
        startNs,
        service: operation.service,
        name: operation.name,
      };
    }
    if (!next.services.includes(operation.service) && !services?.has(operation.service)) {
      (services ??= new Set(next.services)).add(operation.service);
    }
  }
  if (services) next.services = [...services].sort();
  return next;
}

function isEarlierRoot(startNs: bigint, spanId: string, root: TraceAggregate['root']): boolean {
  if (!root) return true;
  if (startNs !== root.startNs) return startNs < root.startNs;
  return spanId < root.spanId;
}
