import { dbSystem, isDbSpan } from '../semantic-conventions.js';
import type { SpanNode } from '../../model/span-tree.js';
import type { DetectorContext, Finding } from './finding.js';
import { durationNs, ms, severityOf, share, spanList, sumNs } from './finding.js';

/** Slow database queries: DB spans of ≥500 ms, one finding per parameterized statement. */
export function detectSlowDbQueries(ctx: DetectorContext): Finding[] {
  const t = ctx.thresholds;
  const minNs = t.slowDbQueryMs * 1e6;
  const groups = new Map<string, SpanNode[]>();
  for (const node of ctx.nodes) {
    if (durationNs(node) < minNs || !isDbSpan(node.span)) continue;
    const key = ctx.target(node).key;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [node]);
    else group.push(node);
  }
  const traceMs = ms(ctx.traceNs);
  return [...groups.values()].map((nodes) => {
    const slowest = nodes.reduce((a, b) => (durationNs(b) > durationNs(a) ? b : a));
    const label = ctx.target(slowest).label;
    const total = sumNs(nodes);
    const system = dbSystem(slowest.span);
    return {
      kind: 'slow_db_query',
      severity: severityOf(ms(total), traceMs, t),
      summary: `${nodes.length === 1 ? '' : `${nodes.length} × `}${label} (${slowest.span.serviceName}) took up to ${ms(durationNs(slowest))} ms`,
      impactMs: ms(total),
      spans: spanList(nodes, t),
      measurements: {
        count: nodes.length,
        maxMs: ms(durationNs(slowest)),
        totalMs: ms(total),
        shareOfTrace: share(total, ctx.traceNs),
        statement: label,
        ...(system === undefined ? {} : { dbSystem: system }),
      },
      fix: 'Read the query plan (EXPLAIN ANALYZE) for a missing index or a full scan, and fetch only the rows and columns needed.',
    } satisfies Finding;
  });
}
