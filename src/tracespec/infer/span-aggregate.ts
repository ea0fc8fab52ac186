/**
 * The traces folded into one tree of span shapes: spans with the same service, operation and kind
 * under the same shape of parent are one node. Each node keeps, per parent span instance, how many
 * spans it had, so presence and count ranges can be read off; and every span, for attributes and
 * durations. Built in one walk over each trace (linear in spans).
 */
import { buildSpanTree, type SpanNode } from '../../model/span-tree.js';
import type { Span, SpanKind, Trace } from '../../model/index.js';

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

function newNode(key: ShapeKey, id: string, path: string): ShapeNode {
  return { key, id, path, spans: [], tracesWith: new Set(), children: new Map(), instances: [] };
}

/**
 * Where one shape plays several roles: under some parent span, spans of the same service,
 * operation and kind had different kinds of children (a frontend's two `POST` client spans, one to
 * the cart, one to the orders service). Folded together, each child would look absent under half
 * of them and be dropped; split by their children, each role keeps its own subtree. Keyed by the
 * parent's path of (unsplit) shape ids and the shape id.
 */
type RoleSplits = Set<string>;

const PATH_SEPARATOR = '\u0002';

function childSignature(node: SpanNode): string {
  return [...new Set(node.children.map((child) => shapeId(keyOf(child.span))))].sort().join('\u0001');
}

function findRoleSplits(trees: readonly (readonly SpanNode[])[]): RoleSplits {
  const splits: RoleSplits = new Set();
  const visit = (nodes: readonly SpanNode[], parentPath: string): void => {
    const groups = new Map<string, SpanNode[]>();
    for (const node of nodes) {
      const id = shapeId(keyOf(node.span));
      const group = groups.get(id);
      if (group) group.push(node);
      else groups.set(id, [node]);
    }
    for (const [id, group] of groups) {
      if (group.length > 1 && new Set(group.map(childSignature)).size > 1)
        splits.add(`${parentPath}${PATH_SEPARATOR}${id}`);
      for (const node of group)
        if (node.children.length > 0) visit(node.children, `${parentPath}${PATH_SEPARATOR}${id}`);
    }
  };
  for (const tops of trees) visit(tops, '');
  return splits;
}

/** How a split role reads in paths: the children that tell it apart. */
function roleLabel(node: SpanNode): string {
  const children = [...new Set(node.children.map((child) => `${child.span.serviceName}:${child.span.name}`))];
  return children.length === 0 ? ' (no children)' : ` (→ ${children.join(', ')})`;
}

function keyOf(span: Span): ShapeKey {
  return { service: span.serviceName, operation: span.name, kind: span.kind };
}

export function foldTraces(traces: readonly Trace[]): ShapeForest {
  const tops = new Map<string, ShapeNode>();
  const topInstances: ParentInstance[] = [];
  let longestMs = 0;
  let maxDepth = 0;
  const trees = traces.map((trace) => buildSpanTree(trace));
  const splits = findRoleSplits(trees.map((tree) => tree.tops));
  trees.forEach((tree, traceIndex) => {
    longestMs = Math.max(longestMs, tree.endNs / 1e6);
    maxDepth = Math.max(maxDepth, tree.maxDepth);
    const top: ParentInstance = { traceIndex, children: groupByShape(tree.tops, '', splits) };
    topInstances.push(top);
    place(tops, top, '', '', traceIndex, splits);
  });
  return { tops, topInstances, traceCount: traces.length, longestMs, maxDepth };
}

/** Shared by every leaf (most spans), so a leaf costs no map: never written to. */
const NO_CHILDREN: Map<string, SpanNode[]> = new Map();

/** Children by shape id; a shape split into roles gets one id per role (its children's signature). */
function groupByShape(
  nodes: readonly SpanNode[],
  parentPath: string,
  splits: RoleSplits,
): Map<string, SpanNode[]> {
  if (nodes.length === 0) return NO_CHILDREN;
  const groups = new Map<string, SpanNode[]>();
  for (const node of nodes) {
    const base = shapeId(keyOf(node.span));
    const id =
      splits.size > 0 && splits.has(`${parentPath}${PATH_SEPARATOR}${base}`)
        ? `${base}\u0003${childSignature(node)}`
        : base;
    const group = groups.get(id);
    if (group) group.push(node);
    else groups.set(id, [node]);
  }
  return groups;
}

/**
 * Adds an instance's children to the shapes under `level`, then recurses into each child span.
 * `idPath` is the parent's path of unsplit shape ids, where role splits are looked up.
 */
function place(
  level: Map<string, ShapeNode>,
  instance: ParentInstance,
  parentPath: string,
  idPath: string,
  traceIndex: number,
  splits: RoleSplits,
): void {
  for (const [id, group] of instance.children) {
    const first = group[0] as SpanNode;
    const key = keyOf(first.span);
    const base = shapeId(key);
    let shape = level.get(id);
    if (!shape) {
      const role = id === base ? '' : roleLabel(first);
      shape = newNode(
        key,
        id,
        `${parentPath}${parentPath ? ' > ' : ''}${key.service}:${key.operation}${role}`,
      );
      level.set(id, shape);
    }
    shape.tracesWith.add(traceIndex);
    const childPath = `${idPath}${PATH_SEPARATOR}${base}`;
    for (const node of group) {
      shape.spans.push(node.span);
      const own: ParentInstance = { traceIndex, children: groupByShape(node.children, childPath, splits) };
      shape.instances.push(own);
      place(shape.children, own, shape.path, childPath, traceIndex, splits);
    }
  }
}

/** Per parent instance, how many spans of `shape` it had (0 when none). */
export function countsPerInstance(shape: ShapeNode, parentInstances: readonly ParentInstance[]): number[] {
  return parentInstances.map((instance) => instance.children.get(shape.id)?.length ?? 0);
}
