/**
 * Finds a key written twice in one mapping, in time linear in the document.
 *
 * yaml's own `uniqueKeys` check compares each new key with every key before it in the mapping, so a
 * 1 MiB spec holding one mapping of 75,000 keys took ~3 minutes (177 s) to read, on the thread that
 * answers MCP. This walk keeps a set per mapping instead and applies yaml's rule: two scalar keys with the
 * same value are duplicates; a collection or alias used as a key is compared with nothing.
 */
import { type Document, isMap, isScalar } from 'yaml';
import { forEachCollection } from './yaml-collections.js';

/** The offset in the text of the first key (in text order) that repeats one before it, if any. */
export function firstDuplicateKeyOffset(document: Document): number | undefined {
  let first: number | undefined;
  forEachCollection(document.contents, (map) => {
    if (!isMap(map)) return;
    const seen = new Set<unknown>();
    for (const pair of map.items) {
      if (!isScalar(pair.key)) continue;
      const value: unknown = pair.key.value;
      // yaml compares with ===, so a NaN key (.nan) never equals another; a Set would say it does.
      if (Number.isNaN(value)) continue;
      if (!seen.has(value)) {
        seen.add(value);
        continue;
      }
      const offset = pair.key.range?.[0];
      if (offset !== undefined && (first === undefined || offset < first)) first = offset;
    }
  });
  return first;
}
