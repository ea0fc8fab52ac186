import {
  PERCENTILE_RELATIVE_ERROR,
  addTo,
  mergeInto,
  quantileNs,
  type DurationHistogram,
} from '../../model/duration-histogram.js';

/** One operation's spans in one bucket, as the store's rollups or a backend's summaries give them. */
export interface TrendRow {
  operation: string;
  spanKind?: string;
  bucketStartMs: number;
  spanCount: number;
  errorCount: number;
  durationSumNs: number;
  durationMinNs: number;
  durationMaxNs: number;
  histogram: DurationHistogram;
}

/** A bucket as the trend reports it; percentiles within ±PERCENTILE_RELATIVE_ERROR of the exact ones. */
export interface TrendBucket {
  startMs: number;
  /** The part of the bucket inside the window (the first and last can be partial). */
  coveredMs: number;
  spanCount: number;
  errorCount: number;
  /** Spans per minute over the covered part. */
  perMinute: number;
  errorRate: number;
  p50Ms?: number;
  p95Ms?: number;
  p99Ms?: number;
}

export interface OperationSeries {
  operation: string;
  spanKind?: string;
  buckets: TrendBucket[];
  spanCount: number;
  errorCount: number;
  /** Over the whole window. */
  p50Ms?: number;
  p95Ms?: number;
  p99Ms?: number;
  meanMs?: number;
}

export { PERCENTILE_RELATIVE_ERROR };

export interface Window {
  startMs: number;
  endMs: number;
  bucketMs: number;
}

/** Groups rows by operation (name and kind) onto the window's epoch-aligned bucket grid; empty buckets stay, with a zero count. */
export function buildSeries(rows: readonly TrendRow[], window: Window): OperationSeries[] {
  const { startMs, endMs, bucketMs } = window;
  const first = Math.floor(startMs / bucketMs) * bucketMs;
  const count = Math.max(1, Math.ceil((endMs - first) / bucketMs));
  const grouped = new Map<string, { operation: string; spanKind?: string; rows: (TrendRow | undefined)[] }>();
  for (const row of rows) {
    const index = Math.floor((row.bucketStartMs - first) / bucketMs);
    if (index < 0 || index >= count) continue;
    const key = `${row.operation}\u0000${row.spanKind ?? ''}`;
    let group = grouped.get(key);
    if (!group) {
      group = {
        operation: row.operation,
        ...(row.spanKind !== undefined ? { spanKind: row.spanKind } : {}),
        rows: new Array<TrendRow | undefined>(count),
      };
      grouped.set(key, group);
    }
    const existing = group.rows[index];
    group.rows[index] = existing ? combine(existing, row) : row;
  }
  const series: OperationSeries[] = [];
  for (const group of grouped.values()) {
    const total: DurationHistogram = new Map();
    let spanCount = 0;
    let errorCount = 0;
    let sumNs = 0;
    let minNs = Number.POSITIVE_INFINITY;
    let maxNs = 0;
    const buckets: TrendBucket[] = [];
    for (let index = 0; index < count; index += 1) {
      const bucketStart = first + index * bucketMs;
      const coveredMs = Math.max(0, Math.min(endMs, bucketStart + bucketMs) - Math.max(startMs, bucketStart));
      const row = group.rows[index];
      if (!row || row.spanCount === 0) {
        buckets.push({
          startMs: bucketStart,
          coveredMs,
          spanCount: 0,
          errorCount: 0,
          perMinute: 0,
          errorRate: 0,
        });
        continue;
      }
      mergeInto(total, row.histogram);
      spanCount += row.spanCount;
      errorCount += row.errorCount;
      sumNs += row.durationSumNs;
      minNs = Math.min(minNs, row.durationMinNs);
      maxNs = Math.max(maxNs, row.durationMaxNs);
      buckets.push({
        startMs: bucketStart,
        coveredMs,
        spanCount: row.spanCount,
        errorCount: row.errorCount,
        perMinute: coveredMs > 0 ? row.spanCount / (coveredMs / 60_000) : 0,
        errorRate: row.errorCount / row.spanCount,
        ...percentiles(row.histogram, row.durationMinNs, row.durationMaxNs),
      });
    }
    series.push({
      operation: group.operation,
      ...(group.spanKind !== undefined ? { spanKind: group.spanKind } : {}),
      buckets,
      spanCount,
      errorCount,
      ...(spanCount > 0 ? { ...percentiles(total, minNs, maxNs), meanMs: sumNs / spanCount / 1e6 } : {}),
    });
  }
  return series;
}

function combine(a: TrendRow, b: TrendRow): TrendRow {
  const histogram: DurationHistogram = new Map(a.histogram);
  for (const [bin, count] of b.histogram) addTo(histogram, bin, count);
  return {
    ...a,
    spanCount: a.spanCount + b.spanCount,
    errorCount: a.errorCount + b.errorCount,
    durationSumNs: a.durationSumNs + b.durationSumNs,
    durationMinNs: Math.min(a.durationMinNs, b.durationMinNs),
    durationMaxNs: Math.max(a.durationMaxNs, b.durationMaxNs),
    histogram,
  };
}

/** p50/p95/p99 in ms, clamped to the exact min and max (which only makes the estimate closer). */
function percentiles(
  histogram: DurationHistogram,
  minNs: number,
  maxNs: number,
): { p50Ms?: number; p95Ms?: number; p99Ms?: number } {
  const at = (q: number): number | undefined => {
    const ns = quantileNs(histogram, q);
    return ns === undefined ? undefined : Math.min(maxNs, Math.max(minNs, ns)) / 1e6;
  };
  const [p50, p95, p99] = [at(0.5), at(0.95), at(0.99)];
  return {
    ...(p50 !== undefined ? { p50Ms: p50 } : {}),
    ...(p95 !== undefined ? { p95Ms: p95 } : {}),
    ...(p99 !== undefined ? { p99Ms: p99 } : {}),
  };
}
