import {
  formatDuration,
  type Capped,
  type Finding,
  type SpanRef,
  type TraceAnalysis,
} from '../../../analysis/index.js';

/**
 * Compact text renderings of analysis results: what a model reads first. One line per fact,
 * spans named as `service: name [id8]` so the agent can open any of them with get_span_details.
 */

export function spanLabel(span: SpanRef): string {
  return `${span.service}: ${span.name} [${span.spanId.slice(0, 8)}]`;
}

function percent(share: number): string {
  return `${Math.round(share * 1000) / 10}%`;
}

function more(list: Capped<unknown>): string {
  return list.omitted > 0 ? ` (+${list.omitted} more)` : '';
}

export function analysisLines(analysis: TraceAnalysis): string[] {
  const { structure: s, performance: p, errors: e } = analysis;
  const lines: string[] = [];
  const roots = s.roots.items.map(spanLabel).join(', ');
  lines.push(
    `Trace ${analysis.traceId}: ${s.spanCount} spans, ${s.serviceCount} services, depth ${s.depth}, ${formatDuration(p.totalDurationMs)}; root ${roots || 'none'}${more(s.roots)}`,
  );
  if (s.roots.total > 1) lines.push(`  ${s.roots.total} roots: the trace is in pieces (see orphans)`);
  if (s.serviceGraph.total > 0) {
    const edges = s.serviceGraph.items.map(
      (edge) =>
        `${edge.from}→${edge.to} ×${edge.calls}${edge.mode === 'async' ? ' async' : ''}${edge.errors > 0 ? ` (${edge.errors} failed)` : ''}`,
    );
    lines.push(`Calls between services: ${edges.join(', ')}${more(s.serviceGraph)}`);
  }
  if (s.fanOut.maxSpan && s.fanOut.max >= 10)
    lines.push(`Widest fan-out: ${s.fanOut.max} children under ${spanLabel(s.fanOut.maxSpan)}`);
  if (s.orphans.total > 0) {
    const where = s.orphansByService.items.map((item) => `${item.service} ×${item.orphans}`).join(', ');
    lines.push(
      `Orphans (parent never arrived — context propagation broke or the parent was not exported): ${s.orphans.total}, in ${where}`,
    );
    for (const orphan of s.orphans.items.slice(0, 3))
      lines.push(
        `  ${spanLabel(orphan.span)} → missing parent ${orphan.missingParentId}, ${orphan.descendantCount} spans below`,
      );
  }
  if (s.clockSkew.total > 0) {
    const first = s.clockSkew.items[0];
    const detail = first
      ? `, e.g. ${spanLabel(first.span)} outside ${spanLabel(first.parent)} by ${formatDuration(Math.max(first.startsBeforeParentMs, first.endsAfterParentMs))}${first.crossService ? ' (two hosts\u2019 clocks disagree)' : ''}`
      : '';
    lines.push(`Clock skew: ${s.clockSkew.total} children outside their parent${detail}`);
  }
  if (s.unknownServiceSpans.total > 0)
    lines.push(
      `Spans without service.name: ${s.unknownServiceSpans.total} (set OTEL_SERVICE_NAME in that process)`,
    );
  if (s.duplicateSpanIds > 0 || s.parentLoops > 0)
    lines.push(`Bad data: ${s.duplicateSpanIds} duplicate span ids, ${s.parentLoops} parent loops`);

  const path = p.criticalPath;
  if (path) {
    const steps = path.steps.items
      .filter((step) => step.share >= 0.01)
      .map((step) => `${spanLabel(step.span)} ${formatDuration(step.onPathMs)} (${percent(step.share)})`);
    lines.push(`Critical path ${formatDuration(path.durationMs)}: ${steps.join(' → ')}${more(path.steps)}`);
    lines.push(
      `  by service: ${path.byService.items.map((item) => `${item.service} ${percent(item.share)}`).join(', ')}`,
    );
  }
  if (p.topContributors.total > 0) {
    lines.push('Top contributors (time on the critical path; what shortening each could save):');
    for (const c of p.topContributors.items.slice(0, 5)) {
      lines.push(
        `  ${spanLabel(c.span)} ${formatDuration(c.onPathMs)} ${percent(c.share)}, self ${formatDuration(c.selfMs)} of ${formatDuration(c.durationMs)}`,
      );
    }
  }
  lines.push(
    `Self time by service: ${p.selfTimeByService.items.map((item) => `${item.service} ${formatDuration(item.selfMs)} (${percent(item.share)})`).join(', ')}${more(p.selfTimeByService)}`,
  );

  if (e.errorSpanCount === 0 && e.unmarkedFailures.total === 0) lines.push('Errors: none');
  else {
    lines.push(`Errors: ${e.errorSpanCount} error spans`);
    for (const cause of e.rootCauses.items.slice(0, 5)) {
      const exception = cause.exception
        ? ` ${cause.exception.type ?? 'exception'}${cause.exception.message ? `: ${cause.exception.message}` : ''}${cause.exception.frame ? ` at ${cause.exception.frame}` : ''}`
        : '';
      const chain =
        cause.chainLength > 1
          ? ` (end of a chain of ${cause.chainLength} failing spans from ${cause.chain[0]?.name ?? '?'})`
          : '';
      lines.push(
        `  root cause${cause.count > 1 ? ` ×${cause.count}` : ''}: ${spanLabel(cause.span)} ${cause.reason}${exception}${chain}`,
      );
    }
    if (e.unmarkedFailures.total > 0) {
      lines.push(
        `  ${e.unmarkedFailures.total} spans carry a failing HTTP/gRPC code but no ERROR status, e.g. ${e.unmarkedFailures.items
          .slice(0, 3)
          .map((item) => `${spanLabel(item.span)} ${item.reason}`)
          .join('; ')}`,
      );
    }
  }
  return lines;
}

/** One finding as text; `rank` is its place in the whole answer (1 = most severe). */
export function findingLine(finding: Finding, rank: number): string {
  const parent = finding.parent ? ` under ${spanLabel(finding.parent)}` : '';
  const ids = finding.spans.items
    .slice(0, 3)
    .map((span) => span.spanId.slice(0, 8))
    .join(', ');
  return `${rank}. [${finding.severity}] ${finding.kind}${finding.rule ? `/${finding.rule}` : ''}: ${finding.summary}${parent}. Fix: ${finding.fix} (spans ${ids}${finding.spans.total > 3 ? `, +${finding.spans.total - 3}` : ''})`;
}
