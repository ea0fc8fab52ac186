/** Limits on a spec's text, the same for a spec given inline to a tool and a file in the specs dir. */

/**
 * The largest spec text read. A real spec is a few KB (the biggest example, checkout_structure.yaml,
 * is 3.7 KB), so 1 MiB is ~280× that; parsing 1 MiB of YAML takes ~0.4 s where a 50 MB file took
 * 21 s and 2.1 GiB.
 */
export const MAX_SPEC_BYTES = 1024 * 1024;
export const MAX_SPEC_SIZE = '1 MiB';

/**
 * yaml's alias budget: aliases used × the nodes each one expands to. A spec repeats a span or a tag
 * set a few times at most; a "billion laughs" document needs ~10^9 and would exhaust the memory.
 */
export const MAX_SPEC_ALIASES = 100;

/** The text's size in UTF-8 bytes, as a file holding it would have. */
export function utf8Length(text: string): number {
  // A UTF-16 unit is never more than its UTF-8 bytes, so a text this long is too big without encoding it.
  if (text.length > MAX_SPEC_BYTES) return text.length;
  return new TextEncoder().encode(text).length;
}
