export {
  MAX_BUCKETS,
  bucketCount,
  chooseBucketMs,
  formatBucket,
  formatInstant,
  smallestBucketMs,
} from './bucket-size.js';
export {
  PERCENTILE_RELATIVE_ERROR,
  buildSeries,
  type OperationSeries,
  type TrendBucket,
  type TrendRow,
  type Window,
} from './trend-series.js';
export {
  DEFAULT_TREND_SETTINGS,
  ms as roundMs,
  readTrend,
  type Change,
  type Direction,
  type TrendReading,
  type TrendSettings,
} from './trend-reading.js';
export { readTrends, type OperationTrend } from './read-trends.js';
export { rowsFromSummaries, type SummaryRows } from './summary-rows.js';
