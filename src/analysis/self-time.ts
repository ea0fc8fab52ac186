import type { SpanNode, SpanTree } from '../model/span-tree.js';

/** An interval of a span's time that no child covers, in ns offsets. */
export interface Gap {
  startNs: number;
  endNs: number;
}

/**
 * A span's self time: its duration minus the union of its children's intervals, each clipped to
 * the span (children that overflow their parent, from clock skew or async work, count only inside it).
 */
export function selfTimeNs(node: SpanNode): number {
  let covered = 0;
  let runStart = -1;
  let runEnd = -1;
  // Children are sorted by start, so one pass merges overlapping intervals.
  for (const child of node.children) {
    const start = Math.max(child.startNs, node.startNs);
    const end = Math.min(child.endNs, node.endNs);
    if (end <= start) continue;
    if (start > runEnd) {
      covered += runEnd - runStart;
      runStart = start;
      runEnd = end;
    } else if (end > runEnd) runEnd = end;
  }
  covered += runEnd - runStart;
  return node.endNs - node.startNs - covered;
}

/** Self time of every span in ns, by node index. */
export function selfTimes(tree: SpanTree): Float64Array {
  const result = new Float64Array(tree.nodes.length);
  for (const node of tree.nodes) result[node.index] = selfTimeNs(node);
  return result;
}

/** The longest stretch of a span that none of its children covers (the span itself when it has none). */
export function largestGap(node: SpanNode): Gap {
  let best: Gap = { startNs: node.startNs, endNs: node.startNs };
  let cursor = node.startNs;
  for (const child of node.children) {
    const start = Math.max(child.startNs, node.startNs);
    const end = Math.min(child.endNs, node.endNs);
    if (end <= start) continue;
    if (start - cursor > best.endNs - best.startNs) best = { startNs: cursor, endNs: start };
    if (end > cursor) cursor = end;
  }
  if (node.endNs - cursor > best.endNs - best.startNs) best = { startNs: cursor, endNs: node.endNs };
  return best;
}
