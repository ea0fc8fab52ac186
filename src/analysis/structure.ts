import type { Capped } from './capped.js';
import { cap } from './capped.js';
import type { ClockSkew } from './clock-skew.js';
import { findClockSkew } from './clock-skew.js';
import { hasUnknownService } from './semantic-conventions.js';
import type { ServiceEdge } from './service-graph.js';
import { serviceGraph } from './service-graph.js';
import type { SpanRef } from './span-ref.js';
import { spanRef } from './span-ref.js';
import type { SpanNode, SpanTree } from '../model/span-tree.js';
import { descendantCounts } from '../model/span-tree.js';

/** A span whose parent never arrived: the context was lost on the way in, or the parent was not exported. */
export interface Orphan {
  span: SpanRef;
  /** The parent span id it points at, which no span of the trace has. */
  missingParentId: string;
  /** Spans hanging under it, cut off from the root with it. */
  descendantCount: number;
}

export interface TraceStructure {
  spanCount: number;
  /** Levels of the deepest chain; a single span has depth 1. */
  depth: number;
  /** Spans without a parent id. More than one means the trace is in pieces. */
  roots: Capped<SpanRef>;
  serviceCount: number;
  /** Services by span count. */
  services: Capped<{ service: string; spanCount: number }>;
  fanOut: {
    /** Most children of one span. */
    max: number;
    maxSpan?: SpanRef;
    /** Mean children over the spans that have any. */
    average: number;
  };
  serviceGraph: Capped<ServiceEdge>;
  orphans: Capped<Orphan>;
  /** Orphans per service: where context propagation broke. */
  orphansByService: Capped<{ service: string; orphans: number }>;
  clockSkew: Capped<ClockSkew>;
  /** Spans whose resource had no `service.name` (reported as `unknown_service`). */
  unknownServiceSpans: Capped<SpanRef>;
  /** Spans reusing another span's id (bad data; their children attach to the first). */
  duplicateSpanIds: number;
  /** Spans whose parent chain looped back on itself (bad data; the loop was cut). */
  parentLoops: number;
}

export interface StructureOptions {
  maxItems: number;
  clockSkewToleranceMs: number;
}

function countBy<T>(items: Iterable<T>, key: (item: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) {
    const k = key(item);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  return counts;
}

function byCountDesc(counts: Map<string, number>): [string, number][] {
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

export function analyzeStructure(tree: SpanTree, options: StructureOptions): TraceStructure {
  const limit = options.maxItems;
  let maxFanOut = 0;
  let maxFanOutNode: SpanNode | undefined;
  let parents = 0;
  let children = 0;
  for (const node of tree.nodes) {
    const n = node.children.length;
    if (n === 0) continue;
    parents += 1;
    children += n;
    if (n > maxFanOut) {
      maxFanOut = n;
      maxFanOutNode = node;
    }
  }

  const descendants = descendantCounts(tree);
  const orphans: Orphan[] = tree.orphans.map((node) => ({
    span: spanRef(node.span),
    missingParentId: node.span.parentSpanId ?? '',
    descendantCount: descendants[node.index] ?? 0,
  }));
  const services = byCountDesc(countBy(tree.nodes, (node) => node.span.serviceName));

  const structure: TraceStructure = {
    spanCount: tree.nodes.length,
    depth: tree.maxDepth,
    roots: cap(
      tree.roots.map((node) => spanRef(node.span)),
      limit,
    ),
    serviceCount: services.length,
    services: cap(
      services.map(([service, spanCount]) => ({ service, spanCount })),
      limit,
    ),
    fanOut: { max: maxFanOut, average: parents === 0 ? 0 : Math.round((children / parents) * 100) / 100 },
    serviceGraph: cap(serviceGraph(tree), limit),
    orphans: cap(
      orphans.sort((a, b) => b.descendantCount - a.descendantCount),
      limit,
    ),
    orphansByService: cap(
      byCountDesc(countBy(tree.orphans, (node) => node.span.serviceName)).map(([service, count]) => ({
        service,
        orphans: count,
      })),
      limit,
    ),
    clockSkew: cap(findClockSkew(tree, options.clockSkewToleranceMs), limit),
    unknownServiceSpans: cap(
      tree.nodes.filter((node) => hasUnknownService(node.span)).map((node) => spanRef(node.span)),
      limit,
    ),
    duplicateSpanIds: tree.duplicateIdCount,
    parentLoops: tree.cyclic.length,
  };
  if (maxFanOutNode !== undefined) structure.fanOut.maxSpan = spanRef(maxFanOutNode.span);
  return structure;
}
