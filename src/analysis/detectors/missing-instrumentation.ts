import { clip } from '../capped.js';
import { isOutgoingCall } from '../semantic-conventions.js';
import type { SpanNode } from '../../model/span-tree.js';
import { largestGap } from '../self-time.js';
import type { DetectorContext, Finding } from './finding.js';
import { durationNs, ms, severityOf, share, spanList } from './finding.js';

/**
 * Whose self time is "unexplained". A client, producer or DB span waits on another process, so
 * its self time is explained by the call. An internal leaf is its own named piece of work. A
 * server or consumer span is an entry point: time it spends outside any child, leaf or not, is
 * code nobody instrumented; for internal spans only the gaps between their children count.
 */
function isCandidate(node: SpanNode): boolean {
  if (isOutgoingCall(node.span)) return false;
  const kind = node.span.kind;
  if (kind === 'server' || kind === 'consumer') return true;
  return node.children.length > 0;
}

/**
 * Missing instrumentation: spans whose self time is ≥100 ms and ≥50% of their duration (a server
 * span with no children at all is the extreme case). One finding per service and operation.
 */
export function detectMissingInstrumentation(ctx: DetectorContext): Finding[] {
  const t = ctx.thresholds;
  const minNs = t.missingInstrumentationMinGapMs * 1e6;
  const groups = new Map<string, SpanNode[]>();
  for (const node of ctx.nodes) {
    const self = ctx.selfNs[node.index] ?? 0;
    if (self < minNs || self < t.missingInstrumentationMinGapShare * durationNs(node) || !isCandidate(node))
      continue;
    const key = `${node.span.serviceName}\u0000${node.span.kind}\u0000${node.span.name}`;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [node]);
    else group.push(node);
  }

  const traceMs = ms(ctx.traceNs);
  return [...groups.values()].map((nodes) => {
    nodes.sort((a, b) => (ctx.selfNs[b.index] ?? 0) - (ctx.selfNs[a.index] ?? 0));
    const worst = nodes[0] as SpanNode;
    const worstSelf = ctx.selfNs[worst.index] ?? 0;
    let totalSelf = 0;
    for (const node of nodes) totalSelf += ctx.selfNs[node.index] ?? 0;
    const gap = largestGap(worst);
    const what = worst.children.length === 0 ? 'has no child spans' : 'has gaps no child span covers';
    const name = clip(worst.span.name, 80);
    const times = nodes.length === 1 ? '' : ` (${nodes.length} spans)`;
    return {
      kind: 'missing_instrumentation',
      severity: severityOf(ms(totalSelf), traceMs, t),
      summary:
        `${worst.span.kind} span ${name} (${worst.span.serviceName})${times} ${what}: ` +
        `${ms(worstSelf)} of ${ms(durationNs(worst))} ms unexplained`,
      impactMs: ms(totalSelf),
      spans: spanList(nodes, t),
      measurements: {
        count: nodes.length,
        selfMs: ms(worstSelf),
        durationMs: ms(durationNs(worst)),
        unexplainedShare: share(worstSelf, durationNs(worst)),
        largestGapMs: ms(gap.endNs - gap.startNs),
        largestGapOffsetMs: ms(gap.startNs - worst.startNs),
        totalSelfMs: ms(totalSelf),
      },
      fix:
        `Add spans around the work inside ${name}, or enable auto-instrumentation for the libraries it uses ` +
        `(database, HTTP, cache), so the ${ms(gap.endNs - gap.startNs)} ms gap from +${ms(gap.startNs - worst.startNs)} ms is explained.`,
    } satisfies Finding;
  });
}
