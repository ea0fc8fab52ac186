import { spanFailure } from '../span-failure.js';
import { spanRef } from '../span-ref.js';
import type { SpanNode } from '../../model/span-tree.js';
import { exactCallKey } from './call-target.js';
import type { DetectorContext, Finding, Occurrence } from './finding.js';
import { groupByParentOperation, ms, repeatNote, severityOf, share, spanList, sumNs } from './finding.js';

interface RetryRun extends Occurrence {
  recovered: boolean;
  elapsedNs: number;
}

/**
 * Retry storms: ≥3 sibling calls to the exact same target (parameters included, so a loop over
 * ids is not a retry) where every call but possibly the last failed. A success ends the run.
 * Runs of the same call under the same operation are one finding.
 */
export function detectRetryStorms(ctx: DetectorContext, claimed: Set<number>): Finding[] {
  const t = ctx.thresholds;
  const runs: RetryRun[] = [];
  const keep = (parent: SpanNode, nodes: SpanNode[], recovered: boolean): void => {
    const first = nodes[0] as SpanNode;
    const last = nodes[nodes.length - 1] as SpanNode;
    runs.push({ parent, nodes, recovered, elapsedNs: last.endNs - first.startNs });
    for (const node of nodes) claimed.add(node.index);
  };
  for (const parent of ctx.parents) {
    if (parent.children.length < t.retryStormMinCalls) continue;
    // A storm needs all but one of its calls failed: skip parents with too few failing children
    // before building a key for every child (most parents of a 10,000-span trace).
    let failing = 0;
    for (const child of parent.children) if (spanFailure(child.span) !== undefined) failing += 1;
    if (failing < t.retryStormMinCalls - 1) continue;
    const byTarget = new Map<string, SpanNode[]>();
    for (const child of parent.children) {
      const key = exactCallKey(child.span);
      const list = byTarget.get(key);
      if (list === undefined) byTarget.set(key, [child]);
      else list.push(child);
    }
    for (const calls of byTarget.values()) {
      if (calls.length < t.retryStormMinCalls) continue;
      let run: SpanNode[] = [];
      for (const call of calls) {
        run.push(call);
        if (spanFailure(call.span) === undefined) {
          if (run.length >= t.retryStormMinCalls) keep(parent, run, true);
          run = [];
        }
      }
      if (run.length >= t.retryStormMinCalls) keep(parent, run, false);
    }
  }
  return groupByParentOperation(runs, (run) => ctx.target(run.nodes[0] as SpanNode).key).map((group) =>
    finding(ctx, group),
  );
}

function finding(ctx: DetectorContext, group: RetryRun[]): Finding {
  const t = ctx.thresholds;
  const worst = group.reduce((a, b) =>
    b.nodes.length > a.nodes.length || (b.nodes.length === a.nodes.length && b.elapsedNs > a.elapsedNs)
      ? b
      : a,
  );
  const first = worst.nodes[0] as SpanNode;
  const firstError = spanFailure(first.span)?.label ?? 'failed';
  const failed = worst.recovered ? worst.nodes.length - 1 : worst.nodes.length;
  let totalElapsed = 0;
  let attempts = 0;
  for (const run of group) {
    totalElapsed += run.elapsedNs;
    attempts += run.nodes.length;
  }
  const gaveUp = group.filter((run) => !run.recovered).length;
  const severity = severityOf(ms(totalElapsed), ms(ctx.traceNs), t);
  return {
    kind: 'retry_storm',
    // Giving up after every attempt failed is at least medium: the request failed for the user.
    severity: gaveUp > 0 && severity === 'low' ? 'medium' : severity,
    summary:
      `${worst.nodes.length} attempts of ${ctx.target(first).label} (${first.span.serviceName}) under ${worst.parent.span.name}, ` +
      `${failed} failed${worst.recovered ? ', the last succeeded' : ', none succeeded'}; first error: ${firstError}` +
      repeatNote(group.length, worst.parent, `${attempts} attempts, ${ms(totalElapsed)} ms`),
    impactMs: ms(totalElapsed),
    spans: spanList(worst.nodes, t),
    parent: spanRef(worst.parent.span),
    measurements: {
      attempts: worst.nodes.length,
      failed,
      recovered: worst.recovered,
      elapsedMs: ms(worst.elapsedNs),
      callsMs: ms(sumNs(worst.nodes)),
      occurrences: group.length,
      gaveUp,
      totalElapsedMs: ms(totalElapsed),
      shareOfTrace: share(totalElapsed, ctx.traceNs),
      firstError,
    },
    fix: 'Retry only errors that can succeed on retry, with exponential backoff, jitter and a cap on attempts (or a circuit breaker), and fix the first error.',
  };
}
