import type Database from 'better-sqlite3';
import { BUCKET_SHIFT } from './span-buckets.js';
import type { EncodedSpans } from './encoded-spans.js';

/**
 * Migration 9: a span's operation, duration and resource are found through the per-bucket postings
 * (attribute-postings.ts) instead of three indexes over every span row.
 *
 * Each of those indexes cost a B-tree insert a span on ingest (the writer spent ~20% less CPU a span
 * without them, in process, at 1,024 spans a commit), and each found only what a bucket's postings
 * find for a few rows a bucket: a bucket of 1,024 spans holds a handful of operations, resources and
 * duration classes. They live in `attribute_postings` under reserved negative key ids, which no
 * attribute key has (attribute_keys ids start at 1), so one writer, one seal and one retention sweep
 * serve them all.
 */
export const OPERATION_KEY = -1;
/** Value: the span's duration class (durationClass), so a range of durations is a range of values. */
export const DURATION_KEY = -2;
export const RESOURCE_KEY = -3;

/** Classes per doubling of the duration: a class is at most ~19% wide, so few spans are re-checked. */
const CLASSES_PER_DOUBLING = 4;

/**
 * The duration class of a span: 0 for a duration of 0 ns or less (a span may end before it starts),
 * then 1 + 4·⌊log2 ns⌋ + the quarter of that doubling the duration falls in. Exact integer steps, not
 * a floating logarithm, so it never decreases as the duration grows: every span with a duration in
 * [min, max] has a class in [durationClass(min), durationClass(max)], and a search re-checks the
 * spans of the classes at both ends against the duration itself.
 */
export function durationClass(ns: bigint | number): number {
  const value = Number(ns);
  if (!(value >= 1)) return 0;
  // int64 times are at most 2^64 apart, which a Number may round up to.
  if (value >= 2 ** 64) return 1 + 64 * CLASSES_PER_DOUBLING;
  // ⌊log2 value⌋ from the leading zeros of its high or low 32 bits (ToUint32 truncates).
  const exponent = value < 2 ** 32 ? 31 - Math.clz32(value) : 63 - Math.clz32(value / 2 ** 32);
  const quarter = Math.min(
    CLASSES_PER_DOUBLING - 1,
    Math.floor((value / POWERS_OF_TWO[exponent]! - 1) * CLASSES_PER_DOUBLING),
  );
  return 1 + exponent * CLASSES_PER_DOUBLING + quarter;
}

const POWERS_OF_TWO = Array.from({ length: 64 }, (_, exponent) => 2 ** exponent);

/** The span-field postings of a batch, grouped as AttributePostings.addGroups takes them. */
export interface FieldGroups {
  keyIds: number[];
  values: number[];
  /** Group g's spans (indexes into the batch) are spans[ends[g - 1] .. ends[g]). */
  ends: number[];
  spans: Uint32Array;
}

/**
 * Groups a batch's spans by operation, duration class and resource, given the store's ids for the
 * batch's operations and resources (by their index in the batch).
 */
export function spanFieldGroups(
  batch: EncodedSpans,
  operationIds: readonly number[],
  resourceIds: readonly number[],
): FieldGroups {
  const byOperation = new Map<number, number[]>();
  const byDuration = new Map<number, number[]>();
  const byResource = new Map<number, number[]>();
  const add = (map: Map<number, number[]>, value: number, span: number) => {
    const list = map.get(value);
    if (list) list.push(span);
    else map.set(value, [span]);
  };
  for (let span = 0; span < batch.count; span += 1) {
    add(byOperation, operationIds[batch.operation[span]!]!, span);
    add(byDuration, durationClass(batch.times[2 * span + 1]! - batch.times[2 * span]!), span);
    add(byResource, resourceIds[batch.resource[span]!]!, span);
  }
  const result: FieldGroups = {
    keyIds: [],
    values: [],
    ends: [],
    spans: new Uint32Array(batch.count * 3),
  };
  let at = 0;
  for (const [key, map] of [
    [OPERATION_KEY, byOperation],
    [DURATION_KEY, byDuration],
    [RESOURCE_KEY, byResource],
  ] as const) {
    for (const [value, spans] of map) {
      result.keyIds.push(key);
      result.values.push(value);
      result.spans.set(spans, at);
      at += spans.length;
      result.ends.push(at);
    }
  }
  return result;
}

/** Rows read per step while migrating: 50,000 rows of four integers is a few MB at a time. */
const MIGRATION_CHUNK = 50_000;

/**
 * Migration 9: writes the span-field postings of every closed bucket (the open one is rebuilt from
 * its rows at start-up, as its attribute postings are), then drops the three indexes they replace.
 */
export function migrateSpanFieldPostings(db: Database.Database): void {
  const open = db
    .prepare(
      `SELECT (coalesce((SELECT value FROM store_meta WHERE key = 'span_high_water'), 0) + 1) >> ${BUCKET_SHIFT}`,
    )
    .pluck()
    .get() as number;
  const read = db
    .prepare(
      `SELECT id, operation_id, end_ns - start_ns, resource_id FROM spans
       WHERE id > ? AND id < ? ORDER BY id LIMIT ${MIGRATION_CHUNK}`,
    )
    .raw()
    .safeIntegers();
  const insert = db.prepare(
    'INSERT OR REPLACE INTO attribute_postings (bucket, key_id, value, offsets) VALUES (?, ?, ?, ?)',
  );
  let bucket = -1;
  let entries = new Map<string, { key: number; value: number; offsets: number[] }>();
  const flush = () => {
    for (const { key, value, offsets } of entries.values())
      insert.run(bucket, key, BigInt(value), JSON.stringify(offsets));
    entries = new Map();
  };
  const add = (key: number, value: number, offset: number) => {
    const name = `${key}:${value}`;
    const entry = entries.get(name);
    if (entry) entry.offsets.push(offset);
    else entries.set(name, { key, value, offsets: [offset] });
  };
  let after = 0n;
  for (;;) {
    const rows = read.all(after, BigInt(open) << BigInt(BUCKET_SHIFT)) as bigint[][];
    for (const [id, operationId, duration, resourceId] of rows) {
      const spanBucket = Number(id! >> BigInt(BUCKET_SHIFT));
      if (spanBucket !== bucket) {
        flush();
        bucket = spanBucket;
      }
      const offset = Number(id! - (BigInt(spanBucket) << BigInt(BUCKET_SHIFT)));
      add(OPERATION_KEY, Number(operationId), offset);
      add(DURATION_KEY, durationClass(duration!), offset);
      add(RESOURCE_KEY, Number(resourceId), offset);
    }
    if (rows.length < MIGRATION_CHUNK) break;
    after = rows[rows.length - 1]![0]!;
  }
  flush();
  db.exec(`DROP INDEX spans_by_operation; DROP INDEX spans_by_duration; DROP INDEX spans_by_resource;`);
}
