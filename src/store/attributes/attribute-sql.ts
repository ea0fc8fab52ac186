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
 * What a span's attribute JSON must contain when it has the top-level key: the key's JSON text and
 * a colon (the store writes JSON.stringify output, without spaces). Checked with instr() before
 * json_each: a substring search skips the spans without the key for ~0.2 µs instead of parsing
 * their ~10 attributes, which made walks over many spans several times slower.
 */
export function keyNeedle(key: string): string {
  return `${JSON.stringify(key)}:`;
}

/**
 * SQL true when span `alias` has the top-level attribute whose index text is one of `count` texts.
 * Binds keyNeedle(key), key, then the texts.
 */
export function attributeEqualsSql(alias: string, count: number): string {
  return `(instr(${alias}.attributes, ?) > 0 AND EXISTS (SELECT 1 FROM json_each(${alias}.attributes) j WHERE j.key = ?
    AND otel_index_value(j.type, j.atom, j.value) IN (${Array.from({ length: count }, () => '?').join(',')})))`;
}

/** SQL true when span `alias` has the top-level key. Binds keyNeedle(key), then key. */
export function attributePresentSql(alias: string): string {
  return `(instr(${alias}.attributes, ?) > 0 AND EXISTS (SELECT 1 FROM json_each(${alias}.attributes) j WHERE j.key = ?))`;
}

/** SQL true when span `alias` has the top-level key with exactly this text (a value too long to index). Binds keyNeedle(key), key, text. */
export function attributeTextEqualsSql(alias: string): string {
  return `(instr(${alias}.attributes, ?) > 0 AND EXISTS (SELECT 1 FROM json_each(${alias}.attributes) j WHERE j.key = ? AND j.type = 'text' AND j.atom = ?))`;
}
