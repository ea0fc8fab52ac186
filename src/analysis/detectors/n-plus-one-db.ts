import { dbSystem, isDbSpan } from '../semantic-conventions.js';
import type { SpanNode } from '../../model/span-tree.js';
import type { CallTarget } from './call-target.js';
import type { DetectorContext, Finding } from './finding.js';
import type { Loop } from './n-plus-one-finding.js';
import { loopFindings, loopOf } from './n-plus-one-finding.js';

/** Groups of siblings with the same target, inside each run of consecutive siblings that pass `eligible`. */
export function repeatedInRuns(
  children: readonly SpanNode[],
  eligible: (node: SpanNode) => boolean,
  target: (node: SpanNode) => CallTarget,
  minCount: number,
): { target: CallTarget; nodes: SpanNode[] }[] {
  const found: { target: CallTarget; nodes: SpanNode[] }[] = [];
  let run: SpanNode[] = [];
  const flush = (): void => {
    if (run.length >= minCount) {
      const groups = new Map<string, { target: CallTarget; nodes: SpanNode[] }>();
      for (const node of run) {
        const t = target(node);
        const group = groups.get(t.key);
        if (group === undefined) groups.set(t.key, { target: t, nodes: [node] });
        else group.nodes.push(node);
      }
      for (const group of groups.values()) if (group.nodes.length >= minCount) found.push(group);
    }
    run = [];
  };
  // A sibling of another kind ends the run only when it ran between two calls: it finished before
  // the next call began. Real SDKs stamp span starts to the millisecond (the JS SDK's anchored
  // clock), so a long call that began in the same millisecond as the queries before it sorts
  // among them; that is no sign the loop was interrupted.
  let interruptedUntil = Number.POSITIVE_INFINITY;
  for (const child of children) {
    if (!eligible(child)) {
      interruptedUntil = Math.min(interruptedUntil, child.endNs);
      continue;
    }
    if (child.startNs >= interruptedUntil) flush();
    interruptedUntil = Number.POSITIVE_INFINITY;
    run.push(child);
  }
  flush();
  return found;
}

/**
 * N+1 database queries: ≥5 sibling DB spans with the same parameterized statement (or name, when
 * there is none) under one parent; under 50 ms of wall time together they are low severity (see
 * loopFindings). A non-DB sibling in between ends
 * the run (the code did something else, so it is not one loop); other DB queries in between do not
 * (loops often run two queries per item). Unlike Sentry we do not require a preceding "source" query.
 */
export function detectNPlusOneDb(ctx: DetectorContext, claimed: Set<number>): Finding[] {
  const t = ctx.thresholds;
  const loops: Loop[] = [];
  for (const parent of ctx.parents) {
    if (parent.children.length < t.nPlusOneDbMinCount) continue;
    const groups = repeatedInRuns(
      parent.children,
      (node) => isDbSpan(node.span),
      ctx.target,
      t.nPlusOneDbMinCount,
    );
    for (const { target, nodes } of groups) {
      const loop = loopOf(parent, nodes, target);
      for (const node of nodes) claimed.add(node.index);
      loops.push(loop);
    }
  }
  return loopFindings(ctx, loops, 'n_plus_one_db', t.nPlusOneDbMinTotalMs, (worst) => {
    const system = dbSystem((worst.nodes[0] as SpanNode).span);
    return {
      extra: { statement: worst.target.label, ...(system === undefined ? {} : { dbSystem: system }) },
      fix: `Load the ${worst.nodes.length} rows with one query (WHERE … IN (…) or a JOIN) or eager-load the relation, instead of one query per item.`,
    };
  });
}
