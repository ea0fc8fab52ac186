import type Database from 'better-sqlite3';

/**
 * Rows a statement inserts at once. Each statement run costs a call into SQLite, a reset and its
 * own VDBE setup: inserting 32 span rows at a time took ~2.4 against ~2.8 µs a row with its commit
 * (SQLite alone, 8 KiB pages, 2,048 rows a transaction; 8 at a time ~2.55, 16 ~2.5).
 */
export const ROWS_PER_INSERT = 32;

/**
 * Inserts rows of one table in statements of ROWS_PER_INSERT rows: the caller writes a row's values
 * at `values[next()]` onward and calls `added()`, which runs the statement once a set is full;
 * `flush` inserts the rest, before anything in the transaction reads the table (a read that may meet
 * a gathered row flushes first: KnownTraces.insertPending).
 */
export class MultiRowInsert {
  /** The gathered rows' values, `valuesPerRow` a row; written in place, so no array is made a row. */
  readonly values: unknown[];
  private readonly full: Database.Statement;
  /** By row count, for what is left at a flush (made when first needed). */
  private readonly partial = new Map<number, Database.Statement>();
  private rows = 0;
  private readonly valuesPerRow: number;
  private readonly columns: string;
  /** One row's VALUES tuple. */
  private readonly row: string;

  /**
   * `bound` names the columns each row gives a value for, in order; `constants` the columns every row
   * sets to the same SQL literal, written into the statement instead of bound.
   */
  constructor(
    private readonly db: Database.Database,
    private readonly table: string,
    bound: readonly string[],
    constants: Readonly<Record<string, string>> = {},
  ) {
    this.valuesPerRow = bound.length;
    this.columns = [...bound, ...Object.keys(constants)].join(', ');
    this.row = `(${[...bound.map(() => '?'), ...Object.values(constants)].join(', ')})`;
    this.values = new Array<unknown>(ROWS_PER_INSERT * this.valuesPerRow);
    this.full = db.prepare(this.sql(ROWS_PER_INSERT));
  }

  /** A row given whole: for tables written a few rows a batch (a span's row is written in place). */
  add(...row: unknown[]): void {
    if (row.length !== this.valuesPerRow)
      throw new Error(
        `a ${this.table} row of ${row.length} values where the insert takes ${this.valuesPerRow}`,
      );
    const at = this.next();
    for (let value = 0; value < row.length; value += 1) this.values[at + value] = row[value];
    this.added();
  }

  /** Where the next row's first value goes in `values`. */
  next(): number {
    return this.rows * this.valuesPerRow;
  }

  /** The row at `next()` is written: a full set of rows is inserted now. */
  added(): void {
    this.rows += 1;
    if (this.rows === ROWS_PER_INSERT) {
      this.rows = 0;
      // Spread: better-sqlite3 reads an array argument element by element through V8's generic
      // property lookup, which cost ~6% of the writer thread; arguments it takes as they are.
      this.full.run(...this.values);
    }
  }

  /** Inserts the rows gathered since the last full statement. */
  flush(): void {
    const rows = this.rows;
    // Cleared first: a failed insert leaves nothing gathered for the next transaction.
    this.rows = 0;
    if (rows > 0) {
      let statement = this.partial.get(rows);
      if (!statement) this.partial.set(rows, (statement = this.db.prepare(this.sql(rows))));
      statement.run(...this.values.slice(0, rows * this.valuesPerRow));
    }
    // Values that view a batch's buffers would otherwise keep them alive until the next batch.
    this.values.fill(undefined);
  }

  /** After a rolled-back write: rows gathered and not yet inserted belong to it. */
  forget(): void {
    this.rows = 0;
    this.values.fill(undefined);
  }

  private sql(rows: number): string {
    return `INSERT INTO ${this.table} (${this.columns}) VALUES ${Array<string>(rows).fill(this.row).join(', ')}`;
  }
}
