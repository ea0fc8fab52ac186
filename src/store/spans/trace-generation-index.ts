import type Database from 'better-sqlite3';
import { FIRST_UNLISTED_TRACE_REF, TRACE_GENERATION_SHIFT } from '../schema/trace-generations-schema.js';

/**
 * New trace rows listed at once: the rows not listed yet are read one by one by every lookup
 * (~0.2 ms at 4,096 of them, ~0.02 at 512), and each listing rewrites the newest generation's pages.
 */
export const LISTED_TRACE_ROWS = 512;

/**
 * The writer's side of `trace_generations` (trace-generations-schema.ts): it gives new trace rows
 * their ids and lists them, LISTED_TRACE_ROWS at a time.
 *
 * Ids go up from above both the highest stored row and the last listed one. SQLite's own choice
 * (the highest row id plus one) would go back among the listed ones once retention had deleted the
 * newest of them, and a row there would be found by no lookup.
 */
export class TraceGenerationIndex {
  private readonly statements;
  private next = 0;
  /** The first id given out since begin(). */
  private firstOfBatch = 0;
  private firstUnlisted = 0;

  constructor(db: Database.Database) {
    this.statements = {
      highest: db.prepare('SELECT max(id) FROM traces').pluck(),
      firstUnlisted: db.prepare(FIRST_UNLISTED_TRACE_REF).pluck(),
      // Sorted, so the entries go into the newest generation's pages in key order.
      list: db.prepare(
        `INSERT OR IGNORE INTO trace_generations (generation, trace_id, id)
         SELECT id >> ${TRACE_GENERATION_SHIFT}, trace_id, id FROM traces WHERE id >= ? AND id < ?
         ORDER BY 1, 2`,
      ),
      setFirstUnlisted: db.prepare(
        "INSERT OR REPLACE INTO store_meta (key, value) VALUES ('traces_listed_below', ?)",
      ),
    };
  }

  /**
   * Inside a write transaction, before its new trace rows: read afresh each time, since another
   * connection's retention may have deleted rows (and their listings) since the last one.
   */
  begin(): void {
    const highest = (this.statements.highest.get() as number | null) ?? 0;
    this.firstUnlisted = this.statements.firstUnlisted.get() as number;
    this.next = this.firstOfBatch = Math.max(highest + 1, this.firstUnlisted);
  }

  /**
   * Whether row id `ref` may have been given out since begin(): every id from the first one given
   * is above the rows stored before it, so a lower id belongs to a row stored earlier.
   */
  mayBeNew(ref: number): boolean {
    return ref >= this.firstOfBatch;
  }

  /** The id of the next new trace row. */
  nextId(): number {
    return this.next++;
  }

  /** After the new rows: lists every row not listed yet, once there are LISTED_TRACE_ROWS of them. */
  listIfDue(): void {
    if (this.next - this.firstUnlisted < LISTED_TRACE_ROWS) return;
    this.statements.list.run(this.firstUnlisted, this.next);
    // A bigint, so it is stored as the migration stores it: an INTEGER, not a REAL.
    this.statements.setFirstUnlisted.run(BigInt(this.next));
    this.firstUnlisted = this.next;
  }
}
