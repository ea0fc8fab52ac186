import type Database from 'better-sqlite3';

const SPAN_COLUMNS = `id, trace_ref, span_id, parent_span_id, operation_id, start_ns, end_ns, status_code,
  resource_id, scope_id, body, attributes, dropped_attributes, dropped_events, dropped_links, encoding`;
const VALUES_PER_ROW = 11;
// The columns a body replaces (span-body-schema.ts) are written as constants: nothing binds them.
const ROW = `(${Array<string>(VALUES_PER_ROW).fill('?').join(', ')}, '{}', 0, 0, 0, 0)`;
/**
 * Rows a statement inserts at once. Each statement run costs a call into SQLite, a reset and its
 * own VDBE setup: inserting 32 rows at a time took ~2.4 against ~2.8 µs a span row with its commit
 * (SQLite alone, 8 KiB pages, 2,048 rows a transaction; 8 at a time ~2.55, 16 ~2.5).
 */
export const ROWS_PER_INSERT = 32;

/**
 * Inserts span rows in statements of ROWS_PER_INSERT rows: `add` gathers a row, and a full set is
 * inserted at once; `flush` inserts the rest, before anything in the transaction reads `spans`.
 */
export class SpanRowInserts {
  private readonly full: Database.Statement;
  /** By row count, for what is left at a flush (made when first needed). */
  private readonly partial = new Map<number, Database.Statement>();
  private readonly values: unknown[] = new Array<unknown>(ROWS_PER_INSERT * VALUES_PER_ROW);
  private rows = 0;

  constructor(private readonly db: Database.Database) {
    this.full = db.prepare(this.sql(ROWS_PER_INSERT));
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
    const values = this.values;
    const at = this.rows * VALUES_PER_ROW;
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
    this.rows += 1;
    if (this.rows === ROWS_PER_INSERT) {
      this.rows = 0;
      this.full.run(values);
    }
  }

  /**
   * Inserts the rows gathered since the last full statement. The writer calls it at the end of
   * each batch: a later batch of the same transaction reads the spans of a trace it extends.
   */
  flush(): void {
    const rows = this.rows;
    // Cleared first: a failed insert leaves nothing gathered for the next transaction.
    this.rows = 0;
    if (rows > 0) {
      let statement = this.partial.get(rows);
      if (!statement) this.partial.set(rows, (statement = this.db.prepare(this.sql(rows))));
      statement.run(this.values.slice(0, rows * VALUES_PER_ROW));
    }
    // Views of this batch's bodies would otherwise keep its buffer alive until the next batch.
    this.values.fill(undefined);
  }

  /** After a rolled-back write: rows gathered and not yet inserted belong to it. */
  forget(): void {
    this.rows = 0;
    this.values.fill(undefined);
  }

  private sql(rows: number): string {
    return `INSERT INTO spans (${SPAN_COLUMNS}) VALUES ${Array<string>(rows).fill(ROW).join(', ')}`;
  }
}
