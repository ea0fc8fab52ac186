import type Database from 'better-sqlite3';
import type { Statement } from 'better-sqlite3';

/**
 * Migration 12: a bucket's postings for one (key, value) may be split over several rows (`part`),
 * each small enough to stay on its B-tree page.
 *
 * SQLite keeps at most ~1/4 of a page of a WITHOUT ROWID row on the page itself and moves the rest
 * to overflow pages of its own, which the rest of the row seldom fills. The offsets of a value most
 * spans of a bucket carry (an operation, a duration class, a resource, `http.request.method`) run to
 * ~4 KB of JSON, so the ~10 such rows of a bucket took ~10 overflow pages, two thirds of them empty:
 * 80 of the postings' 112 B a span on disk, for 54 B of content (1,024-span buckets of the
 * benchmark's checkout spans, 8 KiB pages). Each of those bytes is written twice (to the WAL, then
 * by the checkpoint). Readers take every row of (bucket, key, value) as they did: a value's offsets
 * are the union of its parts.
 */
export const POSTING_PARTS_SCHEMA = `
CREATE TABLE attribute_postings (
  bucket INTEGER NOT NULL,
  key_id INTEGER NOT NULL,
  value ANY NOT NULL,
  part INTEGER NOT NULL,              -- 0, 1, …: the value's offsets in ascending runs, one run a row
  offsets TEXT NOT NULL,              -- JSON array of span ids minus (bucket << BUCKET_SHIFT), ascending
  PRIMARY KEY (bucket, key_id, value, part)
) WITHOUT ROWID, STRICT;
`;

/**
 * Room for a row's value and offsets on a page of `pageSize` bytes: SQLite's largest local payload
 * of an index B-tree cell, (usable − 12) × 64 / 255 − 23, less the record header and the three
 * integers (bucket, key id, part; at most 8 bytes each, 8 of header).
 */
export function postingRowRoom(pageSize: number): number {
  return Math.floor(((pageSize - 12) * 64) / 255) - 23 - 32;
}

/**
 * `offsets` (ascending, each below 10,000) as JSON arrays of at most `room` characters each; an
 * offset alone in a part when `room` cannot hold even that (never on 4 KiB and larger pages, where
 * the room left beside a value is at least ~580). Cut from one JSON text at its commas: most values
 * (ids, one or two spans) fit whole, and a dense one is a few slices.
 */
export function postingParts(offsets: readonly number[], room: number): string[] {
  const whole = JSON.stringify(offsets);
  if (whole.length <= room) return [whole];
  const parts: string[] = [];
  const end = whole.length - 1; // the closing bracket
  for (let from = 1; from < end;) {
    // A part's offsets may take room − 2 characters beside its brackets.
    let to = from + room - 2;
    if (to >= end) to = end;
    else {
      const comma = whole.lastIndexOf(',', to);
      to = comma > from ? comma : whole.indexOf(',', from);
      if (to < 0) to = end;
    }
    parts.push(`[${whole.slice(from, to)}]`);
    from = to + 1;
  }
  return parts;
}

/** The bytes a posting value takes in a row: text in UTF-8, an integer at most 8. */
function postingValueBytes(value: string | bigint): number {
  return typeof value === 'string' ? Buffer.byteLength(value) : 8;
}

/** The statement both the writer and migration 12 insert parts with. */
export const INSERT_POSTING_PART =
  'INSERT INTO attribute_postings (bucket, key_id, value, part, offsets) VALUES (?, ?, ?, ?, ?)';

/**
 * Inserts one (bucket, key, value)'s offsets as parts 0, 1, …, each fitting `room` (postingRowRoom)
 * beside the value, with `insert` (INSERT_POSTING_PART).
 */
export function insertPostingParts(
  insert: Statement,
  room: number,
  bucket: number | bigint,
  keyId: number | bigint,
  value: string | bigint,
  offsets: readonly number[],
): void {
  const parts = postingParts(offsets, room - postingValueBytes(value));
  for (let part = 0; part < parts.length; part += 1) insert.run(bucket, keyId, value, part, parts[part]);
}

/**
 * Buckets migrated per read of the rows that need splitting: each holds ~4 KB for every value most of
 * its spans carry (a dozen in the benchmark's checkout spans, more in richer ones), so memory stays a
 * few MB; each read is one range seek.
 */
const MIGRATION_BUCKETS = 100;

/**
 * Migration 12: rebuilds `attribute_postings` with `part`, from the whole rows set aside under
 * another name. Rows that fit are copied as part 0 in one statement; the few per bucket that do not
 * are split here.
 */
export function migratePostingParts(db: Database.Database): void {
  const room = postingRowRoom(db.pragma('page_size', { simple: true }) as number);
  db.exec(`ALTER TABLE attribute_postings RENAME TO attribute_postings_whole; ${POSTING_PARTS_SCHEMA}`);
  const fits = `length(CAST(offsets AS BLOB)) + CASE typeof(value) WHEN 'text' THEN length(CAST(value AS BLOB)) ELSE 8 END <= ${room}`;
  db.exec(
    `INSERT INTO attribute_postings (bucket, key_id, value, part, offsets)
       SELECT bucket, key_id, value, 0, offsets FROM attribute_postings_whole WHERE ${fits}`,
  );
  const range = db.prepare('SELECT min(bucket), max(bucket) FROM attribute_postings_whole').raw().get() as [
    number | null,
    number | null,
  ];
  const oversized = db
    .prepare(
      `SELECT bucket, key_id, value, offsets FROM attribute_postings_whole
       WHERE bucket >= ? AND bucket < ? AND NOT (${fits})`,
    )
    .raw()
    .safeIntegers();
  const insert = db.prepare(INSERT_POSTING_PART);
  if (range[0] !== null && range[1] !== null) {
    for (let from = range[0]; from <= range[1]; from += MIGRATION_BUCKETS) {
      const rows = oversized.all(from, from + MIGRATION_BUCKETS) as [
        bigint,
        bigint,
        string | bigint,
        string,
      ][];
      for (const [bucket, keyId, value, offsets] of rows)
        insertPostingParts(insert, room, bucket, keyId, value, JSON.parse(offsets) as number[]);
    }
  }
  db.exec('DROP TABLE attribute_postings_whole');
}
