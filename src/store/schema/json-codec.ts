/**
 * JSON for stored attribute trees. Plain JSON.stringify is exact for strings, booleans, null and
 * finite doubles, and it is the fastest serializer V8 has (~1 µs for a span's attributes), so it is
 * the normal path. JSON has no NaN, ±Infinity or -0, which OTLP doubles can carry: a tree holding
 * one is written with those numbers tagged, and its row is marked (`encoding` = 1) so only such rows
 * pay for the reviver when read back. The tag is a one-key object whose key starts with NUL,
 * which no attribute map uses in practice.
 */
const TAG = '\u0000num';

export const PLAIN = 0;
export const TAGGED = 1;
export type Encoding = typeof PLAIN | typeof TAGGED;

/** True when `value` holds a number JSON cannot carry exactly. */
export function hasSpecialNumber(value: unknown): boolean {
  if (typeof value === 'number') return !Number.isFinite(value) || Object.is(value, -0);
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) {
    for (const item of value) if (hasSpecialNumber(item)) return true;
    return false;
  }
  for (const key in value) if (hasSpecialNumber((value as Record<string, unknown>)[key])) return true;
  return false;
}

export function encodeJson(value: unknown, encoding: Encoding): string {
  return encoding === PLAIN ? JSON.stringify(value) : JSON.stringify(value, tagSpecialNumbers);
}

export function decodeJson<T>(text: string, encoding: Encoding): T {
  return (encoding === PLAIN ? JSON.parse(text) : JSON.parse(text, untagSpecialNumbers)) as T;
}

function tagSpecialNumbers(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && (!Number.isFinite(value) || Object.is(value, -0))) {
    return { [TAG]: Object.is(value, -0) ? '-0' : String(value) };
  }
  return value;
}

function untagSpecialNumbers(_key: string, value: unknown): unknown {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const tagged = (value as Record<string, unknown>)[TAG];
    if (typeof tagged === 'string' && Object.keys(value).length === 1) return Number(tagged);
  }
  return value;
}
