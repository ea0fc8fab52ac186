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
/** Live and deleted slots may fill this much of the table before it is rehashed. */
export const MAX_LOAD = 0.7;
/** A rehash or load sizes the table so its entries fill at most this much of it. */
const TARGET_LOAD = 0.4;
export const MIN_CAPACITY = 1_024;

/**
 * The writer's answer to "is this trace stored, and under which row?", which the UNIQUE index on
 * traces.trace_id gave before migration 11 (trace-generations-schema.ts): an open-addressing table
 * of a 32-bit hash of each trace id and its row id (12 bytes a slot, ~2.5 slots a trace, so ~30 bytes
 * a stored trace: ~19 MB for 5 M spans in traces of 8). A hit is confirmed by reading the row by id
 * (the writer reads it anyway, to extend the trace's aggregate); a miss, which is what a new trace
 * costs, needs no read. The writer gathers new traces' rows before inserting them:
 * `insertPending(ref)` inserts them before a read of row `ref` that may be among them (Infinity: of
 * any row, for a rehash), or a row not inserted yet would read as deleted.
 *
 * Retention deletes traces on another connection, and a deleted row's id may go to a new trace: an
 * entry whose row is gone or holds another trace is dropped when a lookup meets it, and a rehash
 * (in memory, when the table fills) drops the entries below the lowest stored row id, which is where
 * retention deletes. The table is read from `traces` only at the first use and after `forget()` (a
 * rolled-back write may have left ids of rows that were never stored): `load()` outside a write
 * transaction, so reading a large store does not hold the write lock.
 */
export class KnownTraces {
  private readonly statements;
  private loaded = false;
  private hashes = new Uint32Array(0);
  private refs = new Float64Array(0);
  /** Live and deleted slots. */
  private used = 0;

  constructor(
    db: Database.Database,
    private readonly insertPending: (ref: number) => void,
  ) {
    this.statements = {
      all: db.prepare('SELECT id, trace_id FROM traces').raw(),
      count: db.prepare('SELECT count(*) FROM traces').pluck(),
      lowest: db.prepare('SELECT min(id) FROM traces').pluck(),
      row: db
        .prepare(
          `SELECT id, trace_id, start_ns, end_ns, span_count, error_count, root_span_id, root_start_ns,
                  root_service, root_name, services
           FROM traces WHERE id = ?`,
        )
        .safeIntegers(),
    };
  }

  /** Reads the stored traces if the table does not hold them yet (at first use, after forget()). */
  load(): void {
    if (this.loaded) return;
    this.allocate(this.statements.count.get() as number);
    for (const [id, traceId] of this.statements.all.iterate() as IterableIterator<[number, string]>)
      this.insert(hashOf(traceId), id);
    this.loaded = true;
  }

  /** The stored row of trace `traceId`, or undefined when the trace is not stored. */
  find(traceId: string): TraceRow | undefined {
    this.load();
    const hash = hashOf(traceId);
    const capacity = this.hashes.length;
    for (
      let slot = hash % capacity;
      this.hashes[slot] !== EMPTY;
      slot = slot + 1 === capacity ? 0 : slot + 1
    ) {
      if (this.hashes[slot] !== hash) continue;
      this.insertPending(this.refs[slot]!);
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
    if ((this.used + 1) / this.hashes.length > MAX_LOAD) this.rehash();
    this.insert(hashOf(traceId), ref);
  }

  forget(): void {
    this.loaded = false;
  }

  /** Entries again without the deleted slots and those below the lowest stored row, in a table sized for them. */
  private rehash(): void {
    // Every row is read (the lowest id): whatever is gathered goes in first.
    this.insertPending(Number.POSITIVE_INFINITY);
    const lowest = (this.statements.lowest.get() as number | null) ?? Number.POSITIVE_INFINITY;
    const { hashes, refs } = this;
    let keep = 0;
    for (let slot = 0; slot < hashes.length; slot += 1)
      if (hashes[slot]! > DELETED && refs[slot]! >= lowest) keep += 1;
    this.allocate(keep);
    for (let slot = 0; slot < hashes.length; slot += 1)
      if (hashes[slot]! > DELETED && refs[slot]! >= lowest) this.insert(hashes[slot]!, refs[slot]!);
  }

  private allocate(entries: number): void {
    const capacity = Math.max(MIN_CAPACITY, Math.ceil((entries + 1) / TARGET_LOAD));
    this.hashes = new Uint32Array(capacity);
    this.refs = new Float64Array(capacity);
    this.used = 0;
  }

  private insert(hash: number, ref: number): void {
    const capacity = this.hashes.length;
    let slot = hash % capacity;
    while (this.hashes[slot]! > DELETED) slot = slot + 1 === capacity ? 0 : slot + 1;
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
