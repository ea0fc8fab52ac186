import { httpMethod } from '../semantic-conventions.js';
import type { SpanNode } from '../../model/span-tree.js';
import type { DetectorContext, Finding } from './finding.js';
import type { Loop } from './n-plus-one-finding.js';
import { loopFindings, loopOf } from './n-plus-one-finding.js';

function isGetCall(node: SpanNode): boolean {
  if (node.span.kind !== 'client') return false;
  return (httpMethod(node.span) ?? node.span.name.split(' ', 1)[0]) === 'GET';
}

/**
 * N+1 HTTP calls: ≥10 sibling GET client calls to the same route pattern (url.template or
 * http.route, else the URL path with ids replaced). Other siblings in between do not break it:
 * HTTP loops usually do work per item between calls.
 */
export function detectNPlusOneHttp(ctx: DetectorContext, claimed: Set<number>): Finding[] {
  const t = ctx.thresholds;
  const loops: Loop[] = [];
  for (const parent of ctx.parents) {
    if (parent.children.length < t.nPlusOneHttpMinCount) continue;
    const groups = new Map<string, SpanNode[]>();
    for (const child of parent.children) {
      if (!isGetCall(child)) continue;
      const key = ctx.target(child).key;
      if (!key.startsWith('http\u0000')) continue;
      const group = groups.get(key);
      if (group === undefined) groups.set(key, [child]);
      else group.push(child);
    }
    for (const nodes of groups.values()) {
      if (nodes.length < t.nPlusOneHttpMinCount) continue;
      const loop = loopOf(parent, nodes, ctx.target(nodes[0] as SpanNode));
      for (const node of nodes) claimed.add(node.index);
      loops.push(loop);
    }
  }
  return loopFindings(ctx, loops, 'n_plus_one_http', t.nPlusOneHttpMinTotalMs, (worst) => ({
    extra: { route: worst.target.label },
    fix: `Fetch the ${worst.nodes.length} resources with one batch or list request (or cache them) instead of one GET per item.`,
  }));
}
