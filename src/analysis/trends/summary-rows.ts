import type { TraceSummary } from '../../model/query.js';
import { addTo, binOf } from '../../model/duration-histogram.js';
import type { TrendRow } from './trend-series.js';

export interface SummaryRows {
  rows: TrendRow[];
  /** Summaries used: rooted in the service (or with an unknown root service). */
  used: number;
  /** Summaries whose root span belongs to another service (the service only took part). */
  otherRoots: number;
}

/**
 * Trend rows from trace summaries, for backends without rollups: one "operation" per root span name
 * of the service, the trace's duration as its duration, and a trace with any error span as an error.
 */
export function rowsFromSummaries(
  summaries: readonly TraceSummary[],
  serviceName: string,
  bucketMs: number,
): SummaryRows {
  const rows = new Map<string, TrendRow>();
  let used = 0;
  let otherRoots = 0;
  for (const summary of summaries) {
    if (summary.rootServiceName !== undefined && summary.rootServiceName !== serviceName) {
      otherRoots += 1;
      continue;
    }
    used += 1;
    const operation = summary.rootName ?? '(root span missing)';
    const startMs = Number(summary.startTimeUnixNano / 1_000_000n);
    const bucketStartMs = Math.floor(startMs / bucketMs) * bucketMs;
    const durationNs = Math.max(0, summary.durationMs * 1e6);
    const key = `${operation}\u0000${bucketStartMs}`;
    let row = rows.get(key);
    if (!row) {
      row = {
        operation,
        bucketStartMs,
        spanCount: 0,
        errorCount: 0,
        durationSumNs: 0,
        durationMinNs: durationNs,
        durationMaxNs: durationNs,
        histogram: new Map(),
      };
      rows.set(key, row);
    }
    row.spanCount += 1;
    if (summary.errorCount > 0) row.errorCount += 1;
    row.durationSumNs += durationNs;
    row.durationMinNs = Math.min(row.durationMinNs, durationNs);
    row.durationMaxNs = Math.max(row.durationMaxNs, durationNs);
    addTo(row.histogram, binOf(durationNs));
  }
  return { rows: [...rows.values()], used, otherRoots };
}
