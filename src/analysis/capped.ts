import { invalidArgument } from '../model/index.js';

/** A list cut to a limit, saying honestly how many items there were and how many were left out. */
export interface Capped<T> {
  items: T[];
  total: number;
  omitted: number;
}

/** Keeps the first `limit` items; the caller sorts first so the most useful survive. */
export function cap<T>(items: readonly T[], limit: number): Capped<T> {
  const kept = items.length > limit ? items.slice(0, limit) : [...items];
  return { items: kept, total: items.length, omitted: items.length - kept.length };
}

/** Like `cap`, but maps only the items it keeps (cheap on a 10,000-span trace). */
export function capMap<T, U>(items: readonly T[], limit: number, map: (item: T) => U): Capped<U> {
  const kept = items.length > limit ? items.slice(0, limit) : items;
  return { items: kept.map(map), total: items.length, omitted: items.length - kept.length };
}

/** Checks a list limit given by a caller: a whole number ≥ 0. */
export function checkLimit(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0) {
    throw invalidArgument(
      `${name} must be a whole number ≥ 0, got ${String(value)}`,
      `e.g. ${name}: ${fallback}`,
    );
  }
  return value;
}

/** Cuts long free text (exception messages, statements) so one item cannot eat the output budget. */
export function clip(text: string, maxChars = 200): string {
  return text.length <= maxChars ? text : `${text.slice(0, maxChars - 1)}…`;
}

/** Rounds milliseconds to 0.01 ms: finer digits are noise for a reader and cost tokens. */
export function roundMs(ms: number): number {
  return Math.round(ms * 100) / 100;
}

/** Rounds a ratio to 0.001 (a tenth of a percent). */
export function roundShare(share: number): number {
  return Math.round(share * 1000) / 1000;
}
