/**
 * The trace as a tree the comparison can query quickly: parent, children, depth, and an Euler
 * tour (enter/exit numbers) so "is B inside A's subtree" is two comparisons. Spans whose parent
 * never arrived (orphans) become roots of their own subtrees and remember the missing parent.
 */
import { durationMs, type Span, type Trace } from '../../model/index.js';

export interface TraceIndex {
  spans: readonly Span[];
  /** Index of the parent span, or -1 for roots and orphans. */
  parent: Int32Array;
  /** True when the span names a parent that is not in the trace (broken context propagation). */
  orphan: Uint8Array;
  children: number[][];
  /** 1 for roots. */
  depth: Int32Array;
  enter: Int32Array;
  exit: Int32Array;
  durationMs: Float64Array;
  /** Order of start time (ties by position), for ordering and tie-breaks. */
  startRank: Int32Array;
  byName: Map<string, number[]>;
  byId: Map<string, number>;
  roots: number[];
}

export function indexTrace(trace: Trace): TraceIndex {
  const spans = trace.spans;
  const n = spans.length;
  const byId = new Map<string, number>();
  spans.forEach((span, index) => {
    if (!byId.has(span.spanId)) byId.set(span.spanId, index);
  });
  const parent = new Int32Array(n).fill(-1);
  const orphan = new Uint8Array(n);
  const children: number[][] = Array.from({ length: n }, () => []);
  const byName = new Map<string, number[]>();
  spans.forEach((span, index) => {
    const list = byName.get(span.name);
    if (list) list.push(index);
    else byName.set(span.name, [index]);
    if (span.parentSpanId === undefined) return;
    const parentIndex = byId.get(span.parentSpanId);
    if (parentIndex === undefined || parentIndex === index) orphan[index] = 1;
    else parent[index] = parentIndex;
  });
  for (let index = 0; index < n; index += 1) {
    const parentIndex = parent[index] ?? -1;
    if (parentIndex >= 0) children[parentIndex]?.push(index);
  }
  const order = Array.from({ length: n }, (_, index) => index).sort(
    (a, b) => compareStart(spans[a], spans[b]) || a - b,
  );
  const startRank = new Int32Array(n);
  order.forEach((spanIndex, rank) => {
    startRank[spanIndex] = rank;
  });
  for (const list of children) list.sort((a, b) => (startRank[a] ?? 0) - (startRank[b] ?? 0));

  const depth = new Int32Array(n);
  const enter = new Int32Array(n).fill(-1);
  const exit = new Int32Array(n);
  const roots: number[] = [];
  let clock = 0;
  // Iterative DFS: traces can be thousands of levels deep in pathological cases. A span reached
  // from no root sits on a parent cycle; it is cut loose and walked as a root of its own.
  const walk = (root: number): void => {
    roots.push(root);
    parent[root] = -1;
    depth[root] = 1;
    const stack: [number, number][] = [[root, 0]];
    enter[root] = clock++;
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as [number, number];
      const [node, next] = top;
      const kids = children[node] ?? [];
      if (next < kids.length) {
        top[1] = next + 1;
        const child = kids[next] as number;
        if (enter[child] !== -1) continue;
        depth[child] = (depth[node] ?? 0) + 1;
        enter[child] = clock++;
        stack.push([child, 0]);
      } else {
        exit[node] = clock;
        stack.pop();
      }
    }
  };
  for (const index of order) if ((parent[index] ?? -1) < 0) walk(index);
  for (const index of order) {
    if (enter[index] !== -1) continue;
    const parentIndex = parent[index] ?? -1;
    if (parentIndex >= 0)
      children[parentIndex] = (children[parentIndex] ?? []).filter((child) => child !== index);
    walk(index);
  }
  return {
    spans,
    parent,
    orphan,
    children,
    depth,
    enter,
    exit,
    durationMs: Float64Array.from(spans, (span) => durationMs(span)),
    startRank,
    byName,
    byId,
    roots,
  };
}

function compareStart(a: Span | undefined, b: Span | undefined): number {
  if (!a || !b) return 0;
  return a.startTimeUnixNano < b.startTimeUnixNano ? -1 : a.startTimeUnixNano > b.startTimeUnixNano ? 1 : 0;
}

/** Whether `inner` lies strictly inside `outer`'s subtree. */
export function isDescendant(index: TraceIndex, outer: number, inner: number): boolean {
  return (
    (index.enter[outer] ?? 0) < (index.enter[inner] ?? 0) &&
    (index.exit[inner] ?? 0) <= (index.exit[outer] ?? 0)
  );
}
