/**
 * The traces folded into one tree of span shapes: spans with the same service, operation and kind
 * under the same shape of parent are one node. Each node keeps, per parent span instance, how many
 * spans it had, so presence and count ranges can be read off; and every span, for attributes and
 * durations. Built in one walk over each trace (linear in spans).
 */
import { buildSpanTree, type SpanNode } from '../../analysis/index.js';
import { durationMs, type Span, type SpanKind, type Trace } from '../../model/index.js';

export interface ShapeKey {
  service: string;
  operation: string;
  kind: SpanKind;
}

/** One parent span (or one trace, for the top level) and its children grouped by shape. */
export interface ParentInstance {
  traceIndex: number;
  /** Children of this instance, by shape key, in start order. */
  children: Map<string, SpanNode[]>;
}

export interface ShapeNode {
  key: ShapeKey;
  id: string;
  /** `service:operation`, from the top, joined with ` > `. */
  path: string;
  spans: Span[];
  /** Indexes of the traces that have a span of this shape. */
  tracesWith: Set<number>;
  /** Child shapes in order of first appearance. */
  children: Map<string, ShapeNode>;
  /** One instance per span of this node, to count its children. */
  instances: ParentInstance[];
}

export interface ShapeForest {
  /** Top-level shapes (roots and orphan tops). */
  tops: Map<string, ShapeNode>;
  /** One instance per trace: the trace's tops. */
  topInstances: ParentInstance[];
  traceCount: number;
  /** The longest trace (last end − first start), in ms. */
  longestMs: number;
  /** Levels of the deepest chain in any trace. */
  maxDepth: number;
}

export function shapeId(key: ShapeKey): string {
  return `${key.service}\u0000${key.operation}\u0000${key.kind}`;
}

function newNode(key: ShapeKey, path: string): ShapeNode {
  return { key, id: shapeId(key), path, spans: [], tracesWith: new Set(), children: new Map(), instances: [] };
}

function keyOf(span: Span): ShapeKey {
  return { service: span.serviceName, operation: span.name, kind: span.kind };
}

export function foldTraces(traces: readonly Trace[]): ShapeForest {
  const tops = new Map<string, ShapeNode>();
  const topInstances: ParentInstance[] = [];
  let longestMs = 0;
  let maxDepth = 0;
  traces.forEach((trace, traceIndex) => {
    const tree = buildSpanTree(trace);
    longestMs = Math.max(longestMs, tree.endNs / 1e6);
    maxDepth = Math.max(maxDepth, tree.maxDepth);
    const top: ParentInstance = { traceIndex, children: groupByShape(tree.tops) };
    topInstances.push(top);
    place(tops, top, '', traceIndex);
  });
  return { tops, topInstances, traceCount: traces.length, longestMs, maxDepth };
}

/** Shared by every leaf (most spans), so a leaf costs no map: never written to. */
const NO_CHILDREN: Map<string, SpanNode[]> = new Map();

function groupByShape(nodes: readonly SpanNode[]): Map<string, SpanNode[]> {
  if (nodes.length === 0) return NO_CHILDREN;
  const groups = new Map<string, SpanNode[]>();
  for (const node of nodes) {
    const id = shapeId(keyOf(node.span));
    const group = groups.get(id);
    if (group) group.push(node);
    else groups.set(id, [node]);
  }
  return groups;
}

/** Adds an instance's children to the shapes under `level`, then recurses into each child span. */
function place(level: Map<string, ShapeNode>, instance: ParentInstance, parentPath: string, traceIndex: number): void {
  for (const [id, group] of instance.children) {
    const first = group[0] as SpanNode;
    let shape = level.get(id);
    if (!shape) {
      const key = keyOf(first.span);
      shape = newNode(key, `${parentPath}${parentPath ? ' > ' : ''}${key.service}:${key.operation}`);
      level.set(id, shape);
    }
    shape.tracesWith.add(traceIndex);
    for (const node of group) {
      shape.spans.push(node.span);
      const own: ParentInstance = { traceIndex, children: groupByShape(node.children) };
      shape.instances.push(own);
      place(shape.children, own, shape.path, traceIndex);
    }
  }
}

/** Per parent instance, how many spans of `shape` it had (0 when none). */
export function countsPerInstance(shape: ShapeNode, parentInstances: readonly ParentInstance[]): number[] {
  return parentInstances.map((instance) => instance.children.get(shape.id)?.length ?? 0);
}

export function spanDurationsMs(shape: ShapeNode): number[] {
  return shape.spans.map((span) => durationMs(span));
}
