/**
 * Bucket sizes for a trend: from the period, the smallest "round" size giving at most 30 buckets
 * (1h → 5m, 24h → 1h, 7d → 6h, 30d → 1d): enough points to see a shape, few enough to read.
 */
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const ROUND_SIZES_MS = [
  MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  DAY,
  7 * DAY,
];
const TARGET_BUCKETS = 30;
/** Beyond 500 buckets an answer cannot show them and a reader cannot read them. */
export const MAX_BUCKETS = 500;

export function chooseBucketMs(periodMs: number): number {
  for (const size of ROUND_SIZES_MS) if (periodMs / size <= TARGET_BUCKETS) return size;
  return Math.ceil(periodMs / TARGET_BUCKETS / DAY) * DAY;
}

/** The smallest round bucket size that keeps a window within MAX_BUCKETS. */
export function smallestBucketMs(startMs: number, endMs: number): number {
  for (const size of ROUND_SIZES_MS) if (bucketCount(startMs, endMs, size) <= MAX_BUCKETS) return size;
  return Math.ceil((endMs - startMs) / (MAX_BUCKETS - 1) / DAY) * DAY;
}

/** The number of epoch-aligned buckets a window touches. */
export function bucketCount(startMs: number, endMs: number, bucketMs: number): number {
  const first = Math.floor(startMs / bucketMs) * bucketMs;
  return Math.max(1, Math.ceil((endMs - first) / bucketMs));
}

/** '6h', '15m', '1d', '90s': how a bucket size is written back to the agent. */
export function formatBucket(bucketMs: number): string {
  if (bucketMs % DAY === 0) return `${bucketMs / DAY}d`;
  if (bucketMs % HOUR === 0) return `${bucketMs / HOUR}h`;
  if (bucketMs % MINUTE === 0) return `${bucketMs / MINUTE}m`;
  return `${bucketMs / 1000}s`;
}

/** Minute-precision UTC time of a bucket start, e.g. '2026-11-21T06:00Z'. */
export function formatInstant(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16)}Z`;
}
