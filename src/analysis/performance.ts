import type { Capped } from './capped.js';
import { cap, capMap, roundMs, roundShare } from './capped.js';
import { criticalPath } from './critical-path.js';
import type { SpanRef } from './span-ref.js';
import { spanRef } from './span-ref.js';
import type { SpanNode, SpanTree } from '../model/span-tree.js';
import { nsToMs, primaryTop } from '../model/span-tree.js';
import { selfTimes } from './self-time.js';

export interface CriticalPathStep {
  span: SpanRef;
  /** Time this span itself (not its children) spends on the path. */
  onPathMs: number;
  /** Of the path's whole length. */
  share: number;
}

export interface TraceCriticalPath {
  /** The root it was computed from (the longest true root, else the longest fragment). */
  root: SpanRef;
  durationMs: number;
  /** Spans on the path in the order the path first reaches them. */
  steps: Capped<CriticalPathStep>;
  byService: Capped<{ service: string; onPathMs: number; share: number }>;
}

export interface Contributor {
  span: SpanRef;
  /** Time on the critical path: what shortening this span would save, at most. */
  onPathMs: number;
  selfMs: number;
  durationMs: number;
  /** `onPathMs` as a share of the critical path. */
  share: number;
}

export interface TracePerformance {
  /** Last end − first start over every span. */
  totalDurationMs: number;
  criticalPath?: TraceCriticalPath;
  /** Spans that hold the trace up most: by time on the critical path. */
  topContributors: Capped<Contributor>;
  /** Where the work happens: summed self time per service (parallel work counts in full). */
  selfTimeByService: Capped<{ service: string; selfMs: number; spanCount: number; share: number }>;
  /** Spans with the most self time, on the critical path or not. */
  topSelfTime: Capped<{ span: SpanRef; selfMs: number; durationMs: number }>;
}

export interface PerformanceAnalysis {
  summary: TracePerformance;
  /** Self time in ns by node index, for the detectors. */
  selfNs: Float64Array;
  /** Spans on the critical path, by node index, with their time on it in ns. */
  onPathNs: Map<number, number>;
}

function sortedEntries<K>(map: Map<K, number>): [K, number][] {
  return [...map.entries()].sort((a, b) => b[1] - a[1]);
}

export function analyzePerformance(tree: SpanTree, maxItems: number): PerformanceAnalysis {
  const selfNs = selfTimes(tree);
  const top = primaryTop(tree);
  const segments = criticalPath(tree, top);

  const onPathNs = new Map<number, number>();
  const firstSeen: SpanNode[] = [];
  for (const segment of segments) {
    const index = segment.node.index;
    const previous = onPathNs.get(index);
    if (previous === undefined) firstSeen.push(segment.node);
    onPathNs.set(index, (previous ?? 0) + segment.endNs - segment.startNs);
  }
  const pathNs = top === undefined ? 0 : top.endNs - top.startNs;
  const shareOfPath = (ns: number): number => (pathNs === 0 ? 0 : roundShare(ns / pathNs));

  const summary: TracePerformance = {
    totalDurationMs: roundMs(nsToMs(tree.endNs)),
    topContributors: capMap(sortedEntries(onPathNs), maxItems, ([index, ns]) => {
      const node = tree.nodes[index] as SpanNode;
      return {
        span: spanRef(node.span),
        onPathMs: roundMs(nsToMs(ns)),
        selfMs: roundMs(nsToMs(selfNs[index] ?? 0)),
        durationMs: roundMs(nsToMs(node.endNs - node.startNs)),
        share: shareOfPath(ns),
      };
    }),
    selfTimeByService: selfTimeByService(tree, selfNs, maxItems),
    topSelfTime: capMap(
      [...tree.nodes].sort((a, b) => (selfNs[b.index] ?? 0) - (selfNs[a.index] ?? 0)),
      maxItems,
      (node) => ({
        span: spanRef(node.span),
        selfMs: roundMs(nsToMs(selfNs[node.index] ?? 0)),
        durationMs: roundMs(nsToMs(node.endNs - node.startNs)),
      }),
    ),
  };

  if (top !== undefined) {
    const byService = new Map<string, number>();
    for (const [index, ns] of onPathNs) {
      const service = (tree.nodes[index] as SpanNode).span.serviceName;
      byService.set(service, (byService.get(service) ?? 0) + ns);
    }
    summary.criticalPath = {
      root: spanRef(top.span),
      durationMs: roundMs(nsToMs(pathNs)),
      steps: capMap(firstSeen, maxItems, (node) => {
        const ns = onPathNs.get(node.index) ?? 0;
        return { span: spanRef(node.span), onPathMs: roundMs(nsToMs(ns)), share: shareOfPath(ns) };
      }),
      byService: cap(
        sortedEntries(byService).map(([service, ns]) => ({
          service,
          onPathMs: roundMs(nsToMs(ns)),
          share: shareOfPath(ns),
        })),
        maxItems,
      ),
    };
  }
  return { summary, selfNs, onPathNs };
}

function selfTimeByService(
  tree: SpanTree,
  selfNs: Float64Array,
  maxItems: number,
): TracePerformance['selfTimeByService'] {
  const totals = new Map<string, { ns: number; spans: number }>();
  let all = 0;
  for (const node of tree.nodes) {
    const ns = selfNs[node.index] ?? 0;
    all += ns;
    const entry = totals.get(node.span.serviceName);
    if (entry === undefined) totals.set(node.span.serviceName, { ns, spans: 1 });
    else {
      entry.ns += ns;
      entry.spans += 1;
    }
  }
  return cap(
    [...totals.entries()]
      .sort((a, b) => b[1].ns - a[1].ns)
      .map(([service, { ns, spans }]) => ({
        service,
        selfMs: roundMs(nsToMs(ns)),
        spanCount: spans,
        share: all === 0 ? 0 : roundShare(ns / all),
      })),
    maxItems,
  );
}
