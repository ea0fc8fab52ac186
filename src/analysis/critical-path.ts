import type { SpanNode, SpanTree } from '../model/span-tree.js';
import { primaryTop } from '../model/span-tree.js';

/** A stretch of time on the critical path, spent in `node` itself (not in a child). */
export interface CriticalPathSegment {
  node: SpanNode;
  startNs: number;
  endNs: number;
}

/** A consumer under a producer runs after the send returns: it does not hold the producer up. */
function blocksParent(parent: SpanNode, child: SpanNode): boolean {
  return !(parent.span.kind === 'producer' && child.span.kind === 'consumer');
}

interface Frame {
  node: SpanNode;
  lo: number;
  hi: number;
}

type Work = { frame: Frame } | { segment: CriticalPathSegment };

/**
 * How far a child may run into the start of the sibling after it and still count as finished
 * before it: 1 ms. Node SDKs stamp starts in whole milliseconds and measure the duration from
 * there, so a span's start and end can both read up to 1 ms early; a call that ends 0.2 ms
 * "after" the next one starts was sequential. Capped at half the shorter of the two spans, so
 * sub-millisecond calls that really ran side by side are still told apart.
 */
export const SIBLING_OVERLAP_TOLERANCE_NS = 1e6;

function overlapTolerated(overlapNs: number, a: Frame, b: Frame): boolean {
  return overlapNs < Math.min(SIBLING_OVERLAP_TOLERANCE_NS, (a.hi - a.lo) / 2, (b.hi - b.lo) / 2);
}

/**
 * The critical path under `top` (default: the primary root), in time order. It starts at the root's
 * end and walks back: the last-finishing child, then the child that finished latest before that one
 * started (or ran into its start by under SIBLING_OVERLAP_TOLERANCE_NS), and so on; time no child
 * covers belongs to the parent. Children are clipped to their parent's window first, so overflow
 * from clock skew cannot stretch the path. The segments tile the root's interval exactly. Iterative, so a 10,000-level chain cannot overflow the stack.
 */
export function criticalPath(
  tree: SpanTree,
  top: SpanNode | undefined = primaryTop(tree),
): CriticalPathSegment[] {
  if (top === undefined) return [];
  const reversed: CriticalPathSegment[] = [];
  const work: Work[] = [{ frame: { node: top, lo: top.startNs, hi: top.endNs } }];
  while (work.length > 0) {
    const item = work.pop() as Work;
    if ('segment' in item) {
      if (item.segment.endNs > item.segment.startNs) reversed.push(item.segment);
      continue;
    }
    const { node, lo, hi } = item.frame;
    const clipped: Frame[] = [];
    for (const child of node.children) {
      if (!blocksParent(node, child)) continue;
      const start = Math.max(child.startNs, lo);
      const end = Math.min(child.endNs, hi);
      if (end > start) clipped.push({ node: child, lo: start, hi: end });
    }
    // Latest end first; on a tie the longer child explains more of the wait.
    clipped.sort((a, b) => b.hi - a.hi || a.lo - b.lo || a.node.index - b.node.index);

    // Pieces in reverse time order: parent gap, child, parent gap, child, …, leading parent gap.
    const pieces: Work[] = [];
    let cursor = hi;
    let chosen: Frame | undefined;
    for (const child of clipped) {
      if (child.hi > cursor) {
        // Ran alongside the chosen sibling: not what was waited on, unless the overlap is noise.
        if (chosen === undefined || child.lo >= cursor || !overlapTolerated(child.hi - cursor, child, chosen))
          continue;
      }
      pieces.push({ segment: { node, startNs: child.hi, endNs: cursor } });
      pieces.push({ frame: { node: child.node, lo: child.lo, hi: Math.min(child.hi, cursor) } });
      cursor = child.lo;
      chosen = child;
    }
    pieces.push({ segment: { node, startNs: lo, endNs: cursor } });
    // The stack pops last-in first, so push the earliest piece first to handle the latest first.
    for (let i = pieces.length - 1; i >= 0; i -= 1) work.push(pieces[i] as Work);
  }
  return reversed.reverse();
}
