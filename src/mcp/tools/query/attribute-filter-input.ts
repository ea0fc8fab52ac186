/**
 * search_traces' `attributes` input: a record of OTLP attribute keys, which may be any string.
 * zod's record parser skips a key named `__proto__` (assigning it to the plain object it builds would
 * replace the prototype), so a filter on that key would vanish and every trace would match. The keys
 * are escaped before zod sees them and restored after: `__proto__` and any key already starting
 * with NUL get one more leading NUL, which keeps the mapping one-to-one.
 */
import * as z from 'zod';
import type { AttributeFilter } from '../../../model/query.js';

const ESCAPE = '\u0000';

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const filterValue = z.union([
  scalar,
  z.object({ exists: z.literal(true).describe('The attribute only has to be present') }),
]);

function escapeKeys(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const escaped: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    escaped[key === '__proto__' || key.startsWith(ESCAPE) ? ESCAPE + key : key] = item;
  }
  return escaped;
}

export const attributeFiltersInput = z.preprocess(escapeKeys, z.record(z.string(), filterValue));

export type AttributeFiltersInput = z.infer<typeof attributeFiltersInput>;

/** The parsed input as filters, with the keys as the client sent them. */
export function attributeFilters(input: AttributeFiltersInput | undefined): AttributeFilter[] {
  return Object.entries(input ?? {}).map(([escapedKey, value]) => {
    const key = escapedKey.startsWith(ESCAPE) ? escapedKey.slice(1) : escapedKey;
    return typeof value === 'object' ? { key } : { key, value };
  });
}
