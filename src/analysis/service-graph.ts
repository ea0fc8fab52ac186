import type { SpanTree } from '../model/span-tree.js';
import { spanFailure } from './span-failure.js';

/** Calls from one service to another seen in a trace. */
export interface ServiceEdge {
  from: string;
  to: string;
  /** `async` when a producer's message was consumed; `sync` for every other hop. */
  mode: 'sync' | 'async';
  calls: number;
  /** Calls whose receiving span failed. */
  errors: number;
}

function isRemoteHop(parentKind: string, childKind: string): boolean {
  return (
    (parentKind === 'client' && childKind === 'server') ||
    (parentKind === 'producer' && childKind === 'consumer')
  );
}

/**
 * The service call graph of one trace: an edge wherever a child span's service differs from its
 * parent's, and wherever a client/producer span has a server/consumer child (a service calling
 * itself over the network is still a call). Most calls first.
 */
export function serviceGraph(tree: SpanTree): ServiceEdge[] {
  const edges = new Map<string, ServiceEdge>();
  for (const node of tree.nodes) {
    const parent = node.parent;
    if (parent === undefined) continue;
    const from = parent.span.serviceName;
    const to = node.span.serviceName;
    if (from === to && !isRemoteHop(parent.span.kind, node.span.kind)) continue;
    const mode = parent.span.kind === 'producer' || node.span.kind === 'consumer' ? 'async' : 'sync';
    const key = `${from}\u0000${to}\u0000${mode}`;
    let edge = edges.get(key);
    if (edge === undefined) {
      edge = { from, to, mode, calls: 0, errors: 0 };
      edges.set(key, edge);
    }
    edge.calls += 1;
    if (spanFailure(node.span) !== undefined) edge.errors += 1;
  }
  return [...edges.values()].sort(
    (a, b) => b.calls - a.calls || a.from.localeCompare(b.from) || a.to.localeCompare(b.to),
  );
}
