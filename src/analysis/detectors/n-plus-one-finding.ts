import { spanRef } from '../span-ref.js';
import type { SpanNode } from '../../model/span-tree.js';
import type { CallTarget } from './call-target.js';
import type { DetectorContext, Finding, FindingKind, Measurement, Occurrence } from './finding.js';
import {
  groupByParentOperation,
  ms,
  repeatNote,
  severityOf,
  share,
  spanList,
  sumNs,
  wallNs,
} from './finding.js';

export interface Loop extends Occurrence {
  target: CallTarget;
  wallNs: number;
}

export function loopOf(parent: SpanNode, nodes: SpanNode[], target: CallTarget): Loop {
  return { parent, nodes, target, wallNs: wallNs(nodes) };
}

/**
 * One finding per loop pattern and parent operation: the worst loop gives the spans and numbers,
 * the others are counted (`occurrences`, `totalCalls`, `totalWallMs`). Severity follows the total,
 * and is low below `minTotalMs`: at localhost speed five identical queries take half a millisecond
 * and are still the loop that costs a second against a real database, so the pattern is reported
 * whatever it costs here, and only its cost raises the severity.
 */
export function loopFindings(
  ctx: DetectorContext,
  loops: readonly Loop[],
  kind: FindingKind,
  minTotalMs: number,
  describe: (worst: Loop) => { fix: string; extra: Record<string, Measurement> },
): Finding[] {
  const traceMs = ms(ctx.traceNs);
  return groupByParentOperation(loops, (loop) => loop.target.key).map((group) => {
    const worst = group.reduce((a, b) => (b.wallNs > a.wallNs ? b : a));
    let totalWall = 0;
    let totalCalls = 0;
    for (const loop of group) {
      totalWall += loop.wallNs;
      totalCalls += loop.nodes.length;
    }
    const parent = worst.parent.span;
    const { fix, extra } = describe(worst);
    return {
      kind,
      severity: ms(totalWall) < minTotalMs ? 'low' : severityOf(ms(totalWall), traceMs, ctx.thresholds),
      summary:
        `${worst.nodes.length} × ${worst.target.label} under ${parent.name} (${parent.serviceName}): ${ms(worst.wallNs)} ms` +
        repeatNote(group.length, worst.parent, `${totalCalls} calls, ${ms(totalWall)} ms`),
      impactMs: ms(totalWall),
      spans: spanList(worst.nodes, ctx.thresholds),
      parent: spanRef(parent),
      measurements: {
        count: worst.nodes.length,
        totalMs: ms(sumNs(worst.nodes)),
        wallMs: ms(worst.wallNs),
        avgMs: ms(sumNs(worst.nodes) / worst.nodes.length),
        occurrences: group.length,
        totalCalls,
        totalWallMs: ms(totalWall),
        shareOfTrace: share(totalWall, ctx.traceNs),
        ...extra,
      },
      fix,
    } satisfies Finding;
  });
}
