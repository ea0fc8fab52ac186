import {
  formatDuration,
  type ClockSkew,
  type Capped,
  type Finding,
  type SpanRef,
  type TraceAnalysis,
} from '../../../analysis/index.js';
import { listSection, type ListSection } from '../../response/response-draft.js';
import { snakeKeys } from '../../snake-keys.js';

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

/** The headline of an analysis: counts and the one fact per topic a reading rests on. */
export function analysisLines(analysis: TraceAnalysis): string[] {
  const { structure: s, performance: p, errors: e } = analysis;
  const lines: string[] = [];
  const roots = s.roots.items.map(spanLabel).join(', ');
  lines.push(
    `Trace ${analysis.traceId}: ${s.spanCount} spans, ${s.serviceCount} services, depth ${s.depth}, ${formatDuration(p.totalDurationMs)}; root ${roots || 'none'}${s.roots.omitted > 0 ? ` (+${s.roots.omitted} more)` : ''}`,
  );
  if (s.roots.total > 1) lines.push(`  ${s.roots.total} roots: the trace is in pieces (see orphans)`);
  if (s.fanOut.maxSpan && s.fanOut.max >= 10)
    lines.push(`Widest fan-out: ${s.fanOut.max} children under ${spanLabel(s.fanOut.maxSpan)}`);
  if (s.orphans.total > 0)
    lines.push(
      `Orphans (parent never arrived — context propagation broke or the parent was not exported): ${s.orphans.total}, in ${s.orphansByService.items.map((item) => `${item.service} ×${item.orphans}`).join(', ')}`,
    );
  if (s.clockSkew.total > 0) lines.push(`Children outside their parent: ${s.clockSkew.total}`);
  if (s.unknownServiceSpans.total > 0)
    lines.push(
      `Spans without service.name: ${s.unknownServiceSpans.total} (set OTEL_SERVICE_NAME in that process)`,
    );
  if (s.duplicateSpanIds > 0 || s.parentLoops > 0)
    lines.push(`Bad data: ${s.duplicateSpanIds} duplicate span ids, ${s.parentLoops} parent loops`);
  const path = p.criticalPath;
  if (path) {
    const top = p.topContributors.items[0];
    lines.push(
      `Critical path ${formatDuration(path.durationMs)}${top ? `; holds it up most: ${spanLabel(top.span)} ${formatDuration(top.onPathMs)} (${percent(top.share)}), self ${formatDuration(top.selfMs)}` : ''}`,
    );
  }
  if (e.errorSpanCount === 0 && e.unmarkedFailures.total === 0) lines.push('Errors: none');
  else {
    // The causes themselves are the first list, so its first row is on every first page.
    lines.push(
      `Errors: ${e.errorSpanCount} error spans, ${e.rootCauses.total} root cause${e.rootCauses.total === 1 ? '' : 's'}${e.unmarkedFailures.total > 0 ? `; ${e.unmarkedFailures.total} spans carry a failing HTTP/gRPC code but no ERROR status` : ''}`,
    );
  }
  return lines;
}

const CLOCK_SOURCE: Record<ClockSkew['clock'], string> = {
  'same-process': 'same process',
  'same-host': 'same host',
  'different-hosts': 'different hosts',
  unknown: 'hosts unknown',
};

/** Says which way the child sticks out, and whether two clocks can be to blame. */
function outsideParentText(item: ClockSkew): string {
  const early = item.startsBeforeParentMs > 0;
  const late = item.endsAfterParentMs > 0;
  const how = [
    ...(early ? [`starts ${formatDuration(item.startsBeforeParentMs)} before`] : []),
    ...(late ? [`ends ${formatDuration(item.endsAfterParentMs)} after`] : []),
  ].join(' and ');
  const oneClock = item.clock === 'same-process' || item.clock === 'same-host';
  const reading = oneClock
    ? `one clock, so not skew: ${late ? 'the child outlived its parent' : 'the parent was started late'}`
    : item.clock === 'different-hosts'
      ? 'clock skew, the two hosts\u2019 clocks disagree'
      : 'clock skew, or a child that outlived its parent';
  return `${spanLabel(item.span)} ${how} its parent ${spanLabel(item.parent)} (${CLOCK_SOURCE[item.clock]}: ${reading})`;
}

type Analysis = TraceAnalysis;
type RootCause = Analysis['errors']['rootCauses']['items'][number];
type ErrorSpan = Analysis['errors']['errorSpans']['items'][number];

function exceptionText(exception: ErrorSpan['exception']): string {
  return exception
    ? ` ${exception.type ?? 'exception'}${exception.message ? `: ${exception.message}` : ''}${exception.frame ? ` at ${exception.frame}` : ''}`
    : '';
}

function rootCauseText(cause: RootCause): string {
  const chain =
    cause.chainLength > 1
      ? ` (end of a chain of ${cause.chainLength} failing spans from ${cause.chain[0]?.name ?? '?'})`
      : '';
  return `${spanLabel(cause.span)}${cause.count > 1 ? ` ×${cause.count}` : ''} ${cause.reason}${exceptionText(cause.exception)}${chain}`;
}

/**
 * An analysis's lists as response-layer sections, most telling first: rows are the snake_case
 * structured items, each rendered from its analysis item. Rows past `max_items` count as beyond.
 */
export function analysisSections(analysis: TraceAnalysis): ListSection[] {
  const { structure: s, performance: p, errors: e } = analysis;
  const path = p.criticalPath;
  // A top contributor's line already gives its self time.
  const contributors = new Set(p.topContributors.items.map((c) => c.span.spanId));
  return [
    section('root_causes', 'Error root causes:', e.rootCauses, (cause) => `  ${rootCauseText(cause)}`, 3),
    ...(path
      ? [
          section(
            'critical_path_steps',
            'Critical path:',
            path.steps,
            (step) => `  ${spanLabel(step.span)} ${formatDuration(step.onPathMs)} (${percent(step.share)})`,
            2,
          ),
        ]
      : []),
    section(
      'top_contributors',
      'Top contributors (time on the critical path; what shortening each could save):',
      p.topContributors,
      (c) =>
        `  ${spanLabel(c.span)} ${formatDuration(c.onPathMs)} ${percent(c.share)}, self ${formatDuration(c.selfMs)} of ${formatDuration(c.durationMs)}`,
      2,
    ),
    section(
      'orphans',
      'Orphans:',
      s.orphans,
      (orphan) =>
        `  ${spanLabel(orphan.span)} → missing parent ${orphan.missingParentId}, ${orphan.descendantCount} spans below`,
      2,
    ),
    section(
      'unmarked_failures',
      'Failing HTTP/gRPC codes without ERROR status:',
      e.unmarkedFailures,
      (item) => `  ${spanLabel(item.span)} ${item.reason}`,
    ),
    section(
      'service_graph',
      'Calls between services:',
      s.serviceGraph,
      (edge) =>
        `  ${edge.from}→${edge.to} ×${edge.calls}${edge.mode === 'async' ? ' async' : ''}${edge.errors > 0 ? ` (${edge.errors} failed)` : ''}`,
    ),
    section(
      'error_spans',
      'Error spans:',
      e.errorSpans,
      (item) => `  ${spanLabel(item.span)} ${item.reason}${exceptionText(item.exception)}`,
    ),
    section(
      'exceptions',
      'Exceptions:',
      e.exceptions,
      (item) =>
        `  ${item.type ?? 'exception'}${item.message ? `: ${item.message}` : ''} ×${item.count}, e.g. ${spanLabel(item.span)}`,
    ),
    section(
      'clock_skew',
      'Children outside their parent:',
      s.clockSkew,
      (item) => `  ${outsideParentText(item)}`,
    ),
    section('roots', 'Roots:', s.roots, (span) => `  ${spanLabel(span)}`),
    section('services', 'Services:', s.services, (item) => `  ${item.service} ${item.spanCount} spans`),
    section(
      'self_time_by_service',
      'Self time by service:',
      p.selfTimeByService,
      (item) => `  ${item.service} ${formatDuration(item.selfMs)} (${percent(item.share)})`,
    ),
    ...(path
      ? [
          section(
            'critical_path_by_service',
            'Critical path by service:',
            path.byService,
            (item) => `  ${item.service} ${formatDuration(item.onPathMs)} (${percent(item.share)})`,
          ),
        ]
      : []),
    section(
      'top_self_time',
      'Top self time (besides the top contributors):',
      p.topSelfTime,
      (item) =>
        `  ${spanLabel(item.span)} self ${formatDuration(item.selfMs)} of ${formatDuration(item.durationMs)}`,
      undefined,
      (item) => !contributors.has(item.span.spanId),
    ),
    section(
      'orphans_by_service',
      'Orphans by service:',
      s.orphansByService,
      (item) => `  ${item.service} ×${item.orphans}`,
    ),
    section(
      'unknown_service_spans',
      'Spans without service.name:',
      s.unknownServiceSpans,
      (span) => `  ${spanLabel(span)}`,
    ),
  ];
}

function section<T>(
  key: string,
  heading: string,
  capped: Capped<T>,
  line: (item: T) => string,
  weight?: number,
  /** Whether the text shows an item (default all; the structured list keeps every one). */
  inText?: (item: T) => boolean,
): ListSection {
  const rows = capped.items.map((item) => snakeKeys(item));
  const items = new Map<unknown, T>(rows.map((row, index) => [row, capped.items[index]!]));
  return listSection<unknown>({
    key,
    heading,
    rows,
    line: (row) => line(items.get(row) as T),
    ...(inText ? { inText: (row: unknown) => inText(items.get(row) as T) } : {}),
    ...(weight !== undefined ? { weight } : {}),
    ...(capped.omitted > 0 ? { beyond: { count: capped.omitted, next: 'raise max_items' } } : {}),
  });
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
