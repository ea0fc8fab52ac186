import type Database from 'better-sqlite3';
import type { Attributes } from '../../model/span.js';
import { indexValue, type IndexValue } from './attribute-values.js';
import { DURATION_KEY, OPERATION_KEY, RESOURCE_KEY, durationClass } from '../spans/span-field-postings.js';
import type { IdRegistry } from '../spans/id-registry.js';
import { decodeSpanMessageAttributes } from '../../otlp/span-message.js';
import type { BodyLog } from '../spans/body-log.js';
import { decodeJson, type Encoding } from '../schema/json-codec.js';
import { INSERT_POSTING_PART, insertPostingParts, postingRowRoom } from './posting-parts.js';
import { BUCKET_HAS_SPANS, BUCKET_SHIFT, bucketOf } from '../spans/span-buckets.js';

/**
 * Migration 7: the attribute index as postings, one row per (bucket of 1,024 spans, key, value)
 * listing the spans of the bucket that carry it, instead of one row per span and attribute.
 *
 * The per-span index cost ~10 B-tree inserts a span (~15 µs of the ~30 µs a span took to store,
 * half of the whole OTLP ingest path: bench/ingest-pipeline.ts). A bucket's postings are built in
 * memory while it fills and written once when the next bucket opens: repeated values (methods,
 * routes, status codes, db systems) then cost one row per bucket, and only distinct values (request
 * ids) one row each. The open bucket is not in the table: readers check its ≤1,024 spans against
 * their own attributes, which attribute-sql.ts judges exactly as the postings would.
 *
 * Span ids are given by the writer from `span_high_water` (the last id given) and never reused
 * (SQLite's own rowid would reuse the ids of the newest spans after retention deleted them), so a
 * bucket once closed never gains a span. The bucket of the next id is the open one: a bucket's
 * postings are written in the transaction that gives its last id. Migration 12 lets a value's offsets
 * take several rows (`part`, posting-parts.ts) so that none spills to overflow pages.
 */
export const ATTRIBUTE_POSTINGS_SCHEMA = `
CREATE TABLE store_meta (
  key TEXT PRIMARY KEY,
  value ANY
) WITHOUT ROWID, STRICT;
INSERT INTO store_meta (key, value) VALUES ('span_high_water', (SELECT coalesce(max(id), 0) FROM spans));

CREATE TABLE attribute_postings (
  bucket INTEGER NOT NULL,            -- spans.id >> ${BUCKET_SHIFT}
  key_id INTEGER NOT NULL,            -- attribute_keys.id
  value ANY NOT NULL,                 -- as span_attributes.value was: the coerced text, or 0 = present, not indexed
  offsets TEXT NOT NULL,              -- JSON array of span ids minus (bucket << ${BUCKET_SHIFT}), ascending
  PRIMARY KEY (bucket, key_id, value)
) WITHOUT ROWID, STRICT;

INSERT INTO attribute_postings (bucket, key_id, value, offsets)
  SELECT bucket, key_id, value, json_group_array(span_ref - (bucket << ${BUCKET_SHIFT}))
  FROM span_attributes
  WHERE bucket < ((SELECT value FROM store_meta WHERE key = 'span_high_water') + 1) >> ${BUCKET_SHIFT}
  GROUP BY bucket, key_id, value;
DROP TABLE span_attributes;
`;

/** SQL for the last span id committed (0 in an empty store). */
export const SPAN_HIGH_WATER_SQL =
  "coalesce((SELECT value FROM store_meta WHERE key = 'span_high_water'), 0)";

/** SQL for the open bucket (the next span id's): every bucket below it has its postings. */
export const OPEN_BUCKET_SQL = `((${SPAN_HIGH_WATER_SQL} + 1) >> ${BUCKET_SHIFT})`;

const BUCKET_SPANS = 2 ** BUCKET_SHIFT;

/** An attribute's index value, or a span field's integer (span-field-postings.ts). */
export type PostingValue = IndexValue | number;

/** The span fields kept in the postings beside its attributes (span-field-postings.ts). */
export interface SpanFields {
  operationId: number;
  durationNs: number | bigint;
  resourceId: number;
}

/**
 * The writer's side: gives span ids, collects the open bucket's postings, and writes a bucket's
 * postings in the transaction that opens the next one. After a rolled-back write `forget()` makes it
 * rebuild from the table on the next use, since what it held may include rolled-back spans.
 */
export class AttributePostings {
  private readonly statements;
  private loaded = false;
  private highWater = 0;
  private bucket = 0;
  private entries = new Map<number, Map<PostingValue, number[]>>();
  /** Characters a posting row's value and offsets may take without spilling off its page. */
  private readonly rowRoom: number;

  constructor(
    db: Database.Database,
    private readonly ids: IdRegistry,
    private readonly spanBodies: BodyLog,
  ) {
    this.statements = {
      highWater: db
        .prepare(`SELECT max(${SPAN_HIGH_WATER_SQL}, coalesce((SELECT max(id) FROM spans), 0))`)
        .pluck(),
      setHighWater: db.prepare("UPDATE store_meta SET value = ? WHERE key = 'span_high_water'"),
      openBucketSpans: db.prepare(
        `SELECT id, attributes, encoding, body, operation_id, CAST(end_ns - start_ns AS REAL) AS duration_ns, resource_id
         FROM spans WHERE id >= ? ORDER BY id`,
      ),
      deleteBucket: db.prepare('DELETE FROM attribute_postings WHERE bucket = ?'),
      bucketHasSpans: db.prepare(`SELECT ${BUCKET_HAS_SPANS}`).pluck(),
      insert: db.prepare(INSERT_POSTING_PART),
    };
    this.rowRoom = postingRowRoom(db.pragma('page_size', { simple: true }) as number);
  }

  /** The id for the next span; `add` it once it is stored (an ignored duplicate does not use it up). */
  nextSpanId(): number {
    this.load();
    return this.highWater + 1;
  }

  /** Indexes a stored span, its fields and attributes; `spanRef` is the id `nextSpanId` gave. */
  add(spanRef: number, fields: SpanFields, attributes: Attributes): void {
    const keyIds: number[] = [OPERATION_KEY, DURATION_KEY, RESOURCE_KEY];
    const values: PostingValue[] = [fields.operationId, durationClass(fields.durationNs), fields.resourceId];
    for (const key in attributes) {
      keyIds.push(this.ids.keyId(key));
      values.push(indexValue(attributes[key] as Attributes[string]));
    }
    this.addEntries(spanRef, keyIds, values, 0, keyIds.length);
  }

  /** Indexes a stored span by entries `from` to `to` of `keyIds` and `values` (encoded-spans.ts). */
  addEntries(
    spanRef: number,
    keyIds: ArrayLike<number>,
    values: readonly PostingValue[],
    from: number,
    to: number,
  ): void {
    this.load();
    const bucket = bucketOf(spanRef);
    if (bucket !== this.bucket) this.open(bucket);
    this.highWater = spanRef;
    const offset = spanRef - bucket * BUCKET_SPANS;
    for (let entry = from; entry < to; entry += 1)
      this.openOffsets(keyIds[entry]!, values[entry]!).push(offset);
    if (offset === BUCKET_SPANS - 1) this.open(bucket + 1);
  }

  /**
   * Indexes a batch's stored spans from their entries grouped by (key, value) (encoded-spans.ts):
   * group g is the key `keyIds[g]` with `values[g]`, carried by the spans at [ends[g - 1], ends[g])
   * of `spans`; `refs[span]` is the id that span was stored under, or -1 when it was not (a
   * duplicate). The ids are the ones `nextSpanId` gave, in turn, up to `lastRef` (the high water
   * after the batch, even when its spans carry no attribute).
   */
  addGroups(
    lastRef: number,
    refs: Float64Array,
    keyIds: ArrayLike<number>,
    values: readonly PostingValue[],
    ends: ArrayLike<number>,
    spans: ArrayLike<number>,
  ): void {
    this.load();
    if (lastRef <= this.highWater) return;
    // Each group's ids, ascending (spans are stored a trace at a time, so not always in batch order).
    const lists: number[][] = [];
    for (let group = 0, from = 0; group < ends.length; from = ends[group]!, group += 1) {
      const list: number[] = [];
      let sorted = true;
      for (let entry = from; entry < ends[group]!; entry += 1) {
        const ref = refs[spans[entry]!]!;
        if (ref < 0) continue;
        if (list.length > 0 && ref < list[list.length - 1]!) sorted = false;
        list.push(ref);
      }
      if (!sorted) list.sort((a, b) => a - b);
      lists.push(list);
    }
    // The batch's ids may run past the open bucket: each bucket is filled, then written as the next opens.
    const cursors = new Uint32Array(lists.length);
    for (;;) {
      const base = this.bucket * BUCKET_SPANS;
      const end = base + BUCKET_SPANS;
      for (let group = 0; group < lists.length; group += 1) {
        const list = lists[group]!;
        let cursor = cursors[group]!;
        if (cursor >= list.length || list[cursor]! >= end) continue;
        const offsets = this.openOffsets(keyIds[group]!, values[group]!);
        // `| 0`: an offset is below BUCKET_SPANS. Kept a small integer rather than the double the
        // ids' Float64Array gives, it skips JSON.stringify's double path at the bucket's close
        // (600 offsets: ~9 against ~14 µs).
        for (; cursor < list.length && list[cursor]! < end; cursor += 1)
          offsets.push((list[cursor]! - base) | 0);
        cursors[group] = cursor;
      }
      if (lastRef < end - 1) break;
      this.open(this.bucket + 1);
      if (lastRef < end) break;
    }
    this.highWater = lastRef;
  }

  /**
   * Writes the open bucket's postings now and starts the next span in a new bucket, so everything
   * stored so far is in the index (at close, so a restart or a second reader has no spans to re-check).
   * Costs the rest of the bucket's ids, of which there are 2^53.
   */
  seal(): void {
    this.load();
    if (this.highWater + 1 === this.bucket * BUCKET_SPANS) return;
    this.highWater = (this.bucket + 1) * BUCKET_SPANS - 1;
    this.open(this.bucket + 1);
    this.statements.setHighWater.run(this.highWater);
  }

  /** Records the high water in the caller's transaction (once per batch). */
  commit(): void {
    if (this.loaded) this.statements.setHighWater.run(this.highWater);
  }

  forget(): void {
    this.loaded = false;
  }

  /** The open bucket's offsets for (key, value), started empty the first time. */
  private openOffsets(keyId: number, value: PostingValue): number[] {
    let byValue = this.entries.get(keyId);
    if (!byValue) this.entries.set(keyId, (byValue = new Map()));
    let offsets = byValue.get(value);
    if (!offsets) byValue.set(value, (offsets = []));
    return offsets;
  }

  /** Writes the postings of the bucket held so far and starts collecting `bucket`'s. */
  private open(bucket: number): void {
    if (bucket < this.bucket)
      throw new Error(`span id in bucket ${bucket} after bucket ${this.bucket}: ids must grow`);
    // Retention may have deleted every span of the bucket while it was open: nothing to index then.
    if (this.entries.size > 0 && this.statements.bucketHasSpans.get({ bucket: this.bucket }) === 1) {
      this.statements.deleteBucket.run(this.bucket);
      for (const [keyId, values] of this.entries) {
        for (const [value, offsets] of values)
          insertPostingParts(
            this.statements.insert,
            this.rowRoom,
            this.bucket,
            keyId,
            sqlValue(value),
            offsets,
          );
      }
    }
    this.bucket = bucket;
    this.entries = new Map();
  }

  /** The high water and the open bucket's postings, from the tables (at start-up and after a rollback). */
  private load(): void {
    if (this.loaded) return;
    const highWater = this.statements.highWater.get() as number;
    this.bucket = bucketOf(highWater + 1);
    this.entries = new Map();
    this.loaded = true;
    const spans = this.statements.openBucketSpans.all(this.bucket * BUCKET_SPANS) as {
      id: number;
      attributes: string;
      encoding: number;
      body: Buffer | null;
      operation_id: number;
      duration_ns: number;
      resource_id: number;
    }[];
    for (const span of spans) {
      this.add(
        span.id,
        { operationId: span.operation_id, durationNs: span.duration_ns, resourceId: span.resource_id },
        span.body === null
          ? decodeJson<Attributes>(span.attributes, span.encoding as Encoding)
          : decodeSpanMessageAttributes(this.spanBodies.resolve(span.body)),
      );
    }
    // The newest spans may have been deleted by retention: their ids stay used.
    this.highWater = highWater;
  }
}

/** A number as an SQLite INTEGER (a JS number binds as REAL, 8 bytes where an id takes 1–3). */
export function sqlValue(value: PostingValue): string | bigint {
  return typeof value === 'number' ? BigInt(value) : value;
}
