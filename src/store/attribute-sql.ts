import type Database from 'better-sqlite3';
import { indexValueOfJsonAtom } from './attribute-values.js';

const registered = new WeakSet<Database.Database>();

/**
 * Registers `otel_index_value(type, atom, value)` on a connection (once): the attribute's index
 * text from a json_each row, computed by the same JS as the postings the writer builds, so a span
 * checked against its own JSON (the unindexed tail, a search's re-check) is judged exactly as the
 * index would judge it. Deterministic, so SQLite may evaluate it once per row.
 */
export function registerAttributeFunctions(db: Database.Database): void {
  if (registered.has(db)) return;
  db.function('otel_index_value', { deterministic: true }, (type, atom, value) =>
    indexValueOfJsonAtom(String(type), atom, value),
  );
  registered.add(db);
}

/**
 * SQL true when span `alias` has the top-level attribute bound first whose index text is one of the
 * texts bound after it (`count` of them).
 */
export function attributeEqualsSql(alias: string, count: number): string {
  return `EXISTS (SELECT 1 FROM json_each(${alias}.attributes) j WHERE j.key = ?
    AND otel_index_value(j.type, j.atom, j.value) IN (${Array.from({ length: count }, () => '?').join(',')}))`;
}
