import type Database from 'better-sqlite3';
import { MultiRowInsert } from './multi-row-insert.js';

const BOUND_COLUMNS = [
  'id',
  'trace_ref',
  'span_id',
  'parent_span_id',
  'operation_id',
  'start_ns',
  'end_ns',
  'status_code',
  'resource_id',
  'scope_id',
  'body',
];
// The columns a body replaces (span-body-schema.ts) are written as constants: nothing binds them.
const BODY_REPLACED = {
  attributes: "'{}'",
  dropped_attributes: '0',
  dropped_events: '0',
  dropped_links: '0',
  encoding: '0',
};

/**
 * Span rows, inserted several at a time (multi-row-insert.ts). The writer flushes them at the end of
 * each batch: a later batch of the same transaction reads the spans of a trace it extends.
 */
export class SpanRowInserts {
  private readonly rows: MultiRowInsert;

  constructor(db: Database.Database) {
    this.rows = new MultiRowInsert(db, 'spans', BOUND_COLUMNS, BODY_REPLACED);
  }

  /** One parameter a column, so no array is made for every span. */
  add(
    id: number,
    traceRef: number,
    spanId: string,
    parentSpanId: string | null,
    operationId: number,
    startNs: bigint,
    endNs: bigint,
    statusCode: number,
    resourceId: number,
    scopeId: number,
    body: Uint8Array,
  ): void {
    const values = this.rows.values;
    const at = this.rows.next();
    values[at] = id;
    values[at + 1] = traceRef;
    values[at + 2] = spanId;
    values[at + 3] = parentSpanId;
    values[at + 4] = operationId;
    values[at + 5] = startNs;
    values[at + 6] = endNs;
    values[at + 7] = statusCode;
    values[at + 8] = resourceId;
    values[at + 9] = scopeId;
    values[at + 10] = body;
    this.rows.added();
  }

  flush(): void {
    this.rows.flush();
  }

  forget(): void {
    this.rows.forget();
  }
}
