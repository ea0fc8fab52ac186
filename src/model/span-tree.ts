import type { Span, Trace } from './index.js';

/** One span in its place in the tree. */
export interface SpanNode {
  readonly span: Span;
  /** Position in `trace.spans`. */
  readonly index: number;
  /** Absent for a root, an orphan, or a span whose parent chain looped. */
  parent: SpanNode | undefined;
  /** Sorted by start, then the longer first, then trace order. */
  readonly children: SpanNode[];
  /** 1 for the top of a tree (root or orphan). */
  depth: number;
  /**
   * Start and end as nanosecond offsets from the trace's first start. Plain numbers are exact
   * while the trace lasts under 2^53 ns (≈104 days) and make interval arithmetic ~10× cheaper
   * than bigints. An end before the start is clamped to the start.
   */
  readonly startNs: number;
  readonly endNs: number;
}

export interface SpanTree {
  readonly trace: Trace;
  /** In `trace.spans` order. */
  readonly nodes: readonly SpanNode[];
  /** The first span with each id (ids can repeat in bad data; children attach to the first). */
  readonly byId: ReadonlyMap<string, SpanNode>;
  /** Spans without a parent id, by start. */
  readonly roots: readonly SpanNode[];
  /** Spans whose parent id names no span of the trace (context lost or parent not yet arrived), by start. */
  readonly orphans: readonly SpanNode[];
  /** Spans whose parent chain loops back to itself; the loop is cut at these. */
  readonly cyclic: readonly SpanNode[];
  /** Tops of every tree: roots, then orphans, then cut loops. */
  readonly tops: readonly SpanNode[];
  /** Every node once, parents before children, siblings by start. */
  readonly preorder: readonly SpanNode[];
  /** Levels of the deepest chain (a single span: 1; an empty trace: 0). */
  readonly maxDepth: number;
  /** Absolute start of the first span (0n for an empty trace). */
  readonly startUnixNano: bigint;
  /** Offset of the last end (so the trace's total duration in ns). */
  readonly endNs: number;
  /** Spans whose id repeats an earlier span's id. */
  readonly duplicateIdCount: number;
}

const NO_PARENT = /^0*$/;

function hasParentId(span: Span): span is Span & { parentSpanId: string } {
  return span.parentSpanId !== undefined && !NO_PARENT.test(span.parentSpanId);
}

function byStart(a: SpanNode, b: SpanNode): number {
  return a.startNs - b.startNs || b.endNs - a.endNs || a.index - b.index;
}

/** Indexes a trace as a forest: children by parent, roots, orphans, depths and a pre-order walk. */
export function buildSpanTree(trace: Trace): SpanTree {
  const spans = trace.spans;
  let first: bigint | undefined;
  for (const span of spans)
    if (first === undefined || span.startTimeUnixNano < first) first = span.startTimeUnixNano;
  const origin = first ?? 0n;

  let endNs = 0;
  const nodes: SpanNode[] = spans.map((span, index) => {
    const startNs = Number(span.startTimeUnixNano - origin);
    const rawEnd = Number(span.endTimeUnixNano - origin);
    const node: SpanNode = {
      span,
      index,
      parent: undefined,
      children: [],
      depth: 0,
      startNs,
      endNs: rawEnd > startNs ? rawEnd : startNs,
    };
    if (node.endNs > endNs) endNs = node.endNs;
    return node;
  });

  const byId = new Map<string, SpanNode>();
  let duplicateIdCount = 0;
  for (const node of nodes) {
    if (byId.has(node.span.spanId)) duplicateIdCount += 1;
    else byId.set(node.span.spanId, node);
  }

  const roots: SpanNode[] = [];
  const orphans: SpanNode[] = [];
  for (const node of nodes) {
    if (!hasParentId(node.span)) {
      roots.push(node);
      continue;
    }
    const parent = byId.get(node.span.parentSpanId);
    if (parent === undefined) orphans.push(node);
    else {
      node.parent = parent;
      parent.children.push(node);
    }
  }
  for (const node of nodes) if (node.children.length > 1) node.children.sort(byStart);
  roots.sort(byStart);
  orphans.sort(byStart);

  const preorder: SpanNode[] = [];
  let maxDepth = 0;
  const walk = (top: SpanNode): void => {
    top.depth = 1;
    const stack: SpanNode[] = [top];
    while (stack.length > 0) {
      const node = stack.pop() as SpanNode;
      preorder.push(node);
      if (node.depth > maxDepth) maxDepth = node.depth;
      for (let i = node.children.length - 1; i >= 0; i -= 1) {
        const child = node.children[i] as SpanNode;
        child.depth = node.depth + 1;
        stack.push(child);
      }
    }
  };
  for (const top of roots) walk(top);
  for (const top of orphans) walk(top);

  // Whatever the walk did not reach hangs on a parent loop (a → b → a, or a span its own parent).
  const cyclic: SpanNode[] = [];
  if (preorder.length < nodes.length) {
    for (const start of [...nodes].sort(byStart)) {
      if (start.depth !== 0) continue;
      // Climb until a span repeats: that one is on the loop, and cutting there keeps the rest intact.
      const seen = new Set<SpanNode>();
      let node = start;
      while (node.parent !== undefined && !seen.has(node)) {
        seen.add(node);
        node = node.parent;
      }
      const parent = node.parent;
      if (parent !== undefined) parent.children.splice(parent.children.indexOf(node), 1);
      node.parent = undefined;
      cyclic.push(node);
      walk(node);
    }
  }

  return {
    trace,
    nodes,
    byId,
    roots,
    orphans,
    cyclic,
    tops: [...roots, ...orphans, ...cyclic],
    preorder,
    maxDepth,
    startUnixNano: origin,
    endNs,
    duplicateIdCount,
  };
}

/** The tree whose critical path and bars describe the trace: the longest true root, else the longest fragment. */
export function primaryTop(tree: SpanTree): SpanNode | undefined {
  const candidates = tree.roots.length > 0 ? tree.roots : tree.tops;
  let best: SpanNode | undefined;
  for (const node of candidates) {
    if (best === undefined || node.endNs - node.startNs > best.endNs - best.startNs) best = node;
  }
  return best;
}

/** Number of descendants of each node (not counting itself), by node index. */
export function descendantCounts(tree: SpanTree): Int32Array {
  const counts = new Int32Array(tree.nodes.length);
  for (let i = tree.preorder.length - 1; i >= 0; i -= 1) {
    const node = tree.preorder[i] as SpanNode;
    const parent = node.parent;
    if (parent !== undefined)
      counts[parent.index] = (counts[parent.index] ?? 0) + (counts[node.index] ?? 0) + 1;
  }
  return counts;
}

export function nsToMs(ns: number): number {
  return ns / 1e6;
}
