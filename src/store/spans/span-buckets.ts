/**
 * Spans are grouped in buckets of 1,024 consecutive row ids (row ids grow with arrival), and the
 * indexes on random values (attribute values, durations) are keyed by bucket first. A batch then
 * inserts into the last bucket's few dozen pages instead of one random page per entry, at the price
 * of one index seek per bucket on lookup: ~1,000 seeks (about a millisecond) per million spans.
 * 1,024 keeps a bucket's attribute entries (~10 per span, ~30 B each) near 75 pages, so a
 * 512-span commit rewrites under ~0.3 MB of index.
 */
export const BUCKET_SHIFT = 10;

export function bucketOf(spanRef: number): number {
  return Math.floor(spanRef / 2 ** BUCKET_SHIFT);
}

/**
 * SQL yielding every bucket from the highest down to the lowest (bound in that order) as column
 * `b`, newest first: the outer loop of a per-bucket lookup.
 */
export const BUCKET_SERIES =
  'WITH RECURSIVE series(b) AS (SELECT ? UNION ALL SELECT b - 1 FROM series WHERE b > ?) SELECT b FROM series';

/** SQL true while bucket `:bucket` still holds a span (postings of an empty bucket are dropped). */
export const BUCKET_HAS_SPANS = `EXISTS (SELECT 1 FROM spans WHERE id >= :bucket << ${BUCKET_SHIFT} AND id < (:bucket + 1) << ${BUCKET_SHIFT})`;
