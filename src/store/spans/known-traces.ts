import type Database from 'better-sqlite3';

/** A trace's `traces` row as the writer reads it to extend its aggregate. */
export interface TraceRow {
  id: bigint;
  trace_id: string;
  start_ns: bigint;
  end_ns: bigint;
  span_count: bigint;
  error_count: bigint;
  root_span_id: string | null;
  root_start_ns: bigint | null;
  root_service: string | null;
  root_name: string | null;
  services: string;
}

const EMPTY = 0;
const DELETED = 1;
/** The table is rebuilt from `traces` once live and deleted slots fill half of it. */
const MAX_LOAD = 0.5;
const MIN_CAPACITY = 1_024;
/** After a rebuild, room for half as many traces again as are stored, before the next one. */
const GROWTH = 1.5;

/**
 * The writer's answer to "is this trace stored, and under which row?", which the UNIQUE index on
 * traces.trace_id gave before migration 11 (trace-generations-schema.ts): an open-addressing table
 * of a 32-bit hash of each trace id and its row id, ~12 bytes a trace. A hit is confirmed by reading
 * the row by id (the writer reads it anyway, to extend the trace's aggregate); a miss needs no read,
 * which is what a new trace costs.
 *
 * Retention deletes traces on another connection, and a deleted row's id may go to a new trace: an
 * entry whose row is gone or holds another trace is dropped when a lookup meets it, and the table is
 * rebuilt from `traces` (its live rows only) whenever it fills. After a rolled-back write, `forget()`
 * makes the next use rebuild it, since it may hold ids of rows that were never stored.
 */
export class KnownTraces {
  private readonly statements;
  private loaded = false;
  private hashes = new Uint32Array(0);
  private refs = new Float64Array(0);
  private mask = 0;
  /** Live and deleted slots. */
  private used = 0;

  constructor(db: Database.Database) {
    this.statements = {
      all: db.prepare('SELECT id, trace_id FROM traces').raw(),
      count: db.prepare('SELECT count(*) FROM traces').pluck(),
      row: db
        .prepare(
          `SELECT id, trace_id, start_ns, end_ns, span_count, error_count, root_span_id, root_start_ns,
                  root_service, root_name, services
           FROM traces WHERE id = ?`,
        )
        .safeIntegers(),
    };
  }

  /** The stored row of trace `traceId`, or undefined when the trace is not stored. */
  find(traceId: string): TraceRow | undefined {
    this.load();
    const hash = hashOf(traceId);
    for (let slot = hash & this.mask; this.hashes[slot] !== EMPTY; slot = (slot + 1) & this.mask) {
      if (this.hashes[slot] !== hash) continue;
      const row = this.statements.row.get(this.refs[slot]) as TraceRow | undefined;
      if (row?.trace_id === traceId) return row;
      // Gone, or its id now holds a trace that hashes elsewhere: this entry finds nothing any more.
      // (A row of another trace with the same hash is that trace's entry too: it stays.)
      if (!row || hashOf(row.trace_id) !== hash) this.hashes[slot] = DELETED;
    }
    return undefined;
  }

  /** Records a trace the writer has just stored under row id `ref`. */
  add(traceId: string, ref: number): void {
    this.load();
    if ((this.used + 1) / this.hashes.length > MAX_LOAD) this.rebuild();
    this.insert(hashOf(traceId), ref);
  }

  forget(): void {
    this.loaded = false;
  }

  private load(): void {
    if (this.loaded) return;
    this.rebuild();
    this.loaded = true;
  }

  /** From the stored rows (the writer's own uncommitted ones included), with room to grow. */
  private rebuild(): void {
    const live = this.statements.count.get() as number;
    let capacity = MIN_CAPACITY;
    while (capacity * MAX_LOAD < (live + 1) * GROWTH) capacity *= 2;
    this.hashes = new Uint32Array(capacity);
    this.refs = new Float64Array(capacity);
    this.mask = capacity - 1;
    this.used = 0;
    for (const [id, traceId] of this.statements.all.iterate() as IterableIterator<[number, string]>)
      this.insert(hashOf(traceId), id);
  }

  private insert(hash: number, ref: number): void {
    let slot = hash & this.mask;
    while (this.hashes[slot]! > DELETED) slot = (slot + 1) & this.mask;
    if (this.hashes[slot] === EMPTY) this.used += 1;
    this.hashes[slot] = hash;
    this.refs[slot] = ref;
  }
}

/** FNV-1a over the id's characters, kept clear of the two marker values. */
export function hashOf(traceId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < traceId.length; i += 1) hash = Math.imul(hash ^ traceId.charCodeAt(i), 0x01000193);
  hash >>>= 0;
  return hash <= DELETED ? hash + 2 : hash;
}
