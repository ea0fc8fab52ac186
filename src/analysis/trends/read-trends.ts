import { buildSeries, type OperationSeries, type TrendRow, type Window } from './trend-series.js';
import { DEFAULT_TREND_SETTINGS, readTrend, type TrendReading, type TrendSettings } from './trend-reading.js';

export interface OperationTrend {
  series: OperationSeries;
  reading: TrendReading;
}

/**
 * Trends per operation over a window: series on the bucket grid, each read (latency, error rate,
 * gaps). Ranked: notable trends first (error rate rising, latency rising, traffic stopped, the
 * rest), then by span count.
 */
export function readTrends(
  rows: readonly TrendRow[],
  window: Window,
  settings: TrendSettings = DEFAULT_TREND_SETTINGS,
): OperationTrend[] {
  const trends = buildSeries(rows, window).map((series) => ({
    series,
    reading: readTrend(series, window.bucketMs, settings),
  }));
  return trends.sort(
    (a, b) =>
      rank(a.reading) - rank(b.reading) ||
      b.series.spanCount - a.series.spanCount ||
      a.series.operation.localeCompare(b.series.operation),
  );
}

function rank(reading: TrendReading): number {
  if (reading.errorChange?.direction === 'rising') return 0;
  if (reading.latencyChange?.direction === 'rising') return 1;
  if (reading.silentSinceMs !== undefined) return 2;
  return reading.notable ? 3 : 4;
}
