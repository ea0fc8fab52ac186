import { isDbSpan } from '../semantic-conventions.js';
import { spanRef } from '../span-ref.js';
import type { SpanNode } from '../../model/span-tree.js';
import type { DetectorContext, Finding, Occurrence } from './finding.js';
import {
  durationNs,
  groupByParentOperation,
  ms,
  repeatNote,
  severityOf,
  share,
  spanList,
  sumNs,
} from './finding.js';

function isCall(node: SpanNode): boolean {
  return node.span.kind === 'client' || isDbSpan(node.span);
}

interface Sequence extends Occurrence {
  totalNs: number;
  longestNs: number;
  savedNs: number;
}

/**
 * Sequential calls that could run in parallel: sibling client/DB calls, each ≥30 ms, where each
 * starts after the previous one ended. Running them together would take as long as the longest,
 * so the saving is sum − max; it must reach ≥100 ms and ≥10% of the parent. A trace cannot show
 * data dependencies, so a non-call sibling in between (work that may build the next request)
 * ends the run, calls already reported as an N+1 loop or a retry are left to that finding, and
 * the fix says "if independent".
 */
export function detectSequentialCalls(ctx: DetectorContext, claimed: ReadonlySet<number>): Finding[] {
  const t = ctx.thresholds;
  const minCallNs = t.sequentialMinCallMs * 1e6;
  const sequences: Sequence[] = [];

  for (const parent of ctx.parents) {
    const parentNs = durationNs(parent);
    let run: SpanNode[] = [];
    let runEnd = -Infinity;
    const flush = (): void => {
      if (run.length >= 2) {
        const totalNs = sumNs(run);
        const longestNs = run.reduce((max, node) => Math.max(max, durationNs(node)), 0);
        const savedNs = totalNs - longestNs;
        if (ms(savedNs) >= t.sequentialMinSavedMs && savedNs >= t.sequentialMinSavedShare * parentNs) {
          sequences.push({ parent, nodes: run, totalNs, longestNs, savedNs });
        }
      }
      run = [];
      runEnd = -Infinity;
    };
    for (const child of parent.children) {
      if (!isCall(child) || claimed.has(child.index)) {
        flush();
        continue;
      }
      if (durationNs(child) < minCallNs) continue; // too short to matter either way
      if (child.startNs < runEnd) flush(); // overlaps: already concurrent
      run.push(child);
      if (child.endNs > runEnd) runEnd = child.endNs;
    }
    flush();
  }

  const pattern = (sequence: Sequence): string =>
    sequence.nodes.map((node) => ctx.target(node).key).join('\u0001');
  return groupByParentOperation(sequences, pattern).map((group) => finding(ctx, group));
}

function finding(ctx: DetectorContext, group: Sequence[]): Finding {
  const t = ctx.thresholds;
  const worst = group.reduce((a, b) => (b.savedNs > a.savedNs ? b : a));
  let totalSaved = 0;
  for (const sequence of group) totalSaved += sequence.savedNs;
  const run = worst.nodes;
  const labels = run.slice(0, 3).map((node) => ctx.target(node).label);
  const more = run.length > 3 ? `, +${run.length - 3} more` : '';
  const parent = worst.parent.span;
  return {
    kind: 'sequential_calls',
    severity: severityOf(ms(totalSaved), ms(ctx.traceNs), t),
    summary:
      `${run.length} calls one after another under ${parent.name} (${parent.serviceName}) took ${ms(worst.totalNs)} ms; ` +
      `in parallel ~${ms(worst.longestNs)} ms (${labels.join(', ')}${more})` +
      repeatNote(group.length, worst.parent, `${ms(totalSaved)} ms to save`),
    impactMs: ms(totalSaved),
    spans: spanList(run, t),
    parent: spanRef(parent),
    measurements: {
      count: run.length,
      sequentialMs: ms(worst.totalNs),
      parallelMs: ms(worst.longestNs),
      savedMs: ms(worst.savedNs),
      shareOfParent: share(worst.savedNs, durationNs(worst.parent)),
      occurrences: group.length,
      totalSavedMs: ms(totalSaved),
      shareOfTrace: share(totalSaved, ctx.traceNs),
    },
    fix: `If these calls do not need each other's results, issue them concurrently (Promise.all, asyncio.gather, an executor) to save about ${ms(worst.savedNs)} ms.`,
  };
}
