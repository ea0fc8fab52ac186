/**
 * Every mapping and sequence of a YAML node tree, keys included, in no particular order.
 *
 * yaml's own `visit` copies the path from the root at every collection and pair it enters, so it
 * costs a node's depth per node: ~4 YAML levels per span level, and spans nest 32 levels. This walk
 * keeps a stack of the nodes still to see instead.
 */
import { isCollection, isPair, type YAMLMap, type YAMLSeq } from 'yaml';

export function forEachCollection(root: unknown, use: (collection: YAMLMap | YAMLSeq) => void): void {
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const node = pending.pop();
    if (!isCollection(node)) continue;
    use(node);
    for (const item of node.items) {
      if (isPair(item)) pending.push(item.key, item.value);
      else pending.push(item);
    }
  }
}
