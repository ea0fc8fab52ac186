/**
 * Whole-trace constraints (docs/spec-language.md, "Trace-wide limits"): total duration (last end −
 * first start, over every span, orphans included), span count, and depth (a root is depth 1; an
 * orphan starts a new root, since its missing ancestors cannot be counted).
 */
import { nanosToMs, type Span } from '../../model/index.js';
import { describeSpan, formatCount, formatMs, roundMs, spanRef } from './evidence-format.js';
import type { Findings } from './findings.js';
import type { PerformanceConstraints } from '../language/trace-spec.js';
import type { TraceIndex } from './trace-index.js';

export function traceDurationMs(spans: readonly Span[]): number {
  if (spans.length === 0) return 0;
  let first = (spans[0] as Span).startTimeUnixNano;
  let last = (spans[0] as Span).endTimeUnixNano;
  for (const span of spans) {
    if (span.startTimeUnixNano < first) first = span.startTimeUnixNano;
    if (span.endTimeUnixNano > last) last = span.endTimeUnixNano;
  }
  return nanosToMs(last - first);
}

export function checkTraceConstraints(
  index: TraceIndex,
  constraints: PerformanceConstraints | undefined,
  findings: Findings,
): void {
  if (!constraints) return;
  const { max_total_duration_ms: maxTotal, max_span_count: maxSpans, max_depth: maxDepth } = constraints;
  if (maxTotal !== undefined) {
    const total = traceDurationMs(index.spans);
    findings.check(total <= maxTotal);
    if (total > maxTotal) {
      const message = `the trace took ${formatMs(total)} against a ${formatMs(maxTotal)} max`;
      findings.performance.push({
        kind: 'total_duration',
        path: '(trace)',
        measured: roundMs(total),
        max: maxTotal,
        unit: 'ms',
        message,
      });
      findings.add({
        kind: 'total_duration',
        path: '(trace)',
        message,
        expected: `≤ ${formatMs(maxTotal)}`,
        actual: formatMs(total),
        fix: `cut the trace's total duration to ${formatMs(maxTotal)} or less (now ${formatMs(total)}): start with the slowest spans on the critical path`,
      });
    }
  }
  if (maxSpans !== undefined) {
    const count = index.spans.length;
    findings.check(count <= maxSpans);
    if (count > maxSpans) {
      const message = `the trace has ${formatCount(count)} spans against a max of ${formatCount(maxSpans)}`;
      findings.performance.push({
        kind: 'span_count',
        path: '(trace)',
        measured: count,
        max: maxSpans,
        unit: 'spans',
        message,
      });
      findings.add({
        kind: 'span_count',
        path: '(trace)',
        message,
        expected: `≤ ${maxSpans}`,
        actual: String(count),
        fix: `reduce the number of spans to ${formatCount(maxSpans)} or fewer (batch repeated calls, drop noisy instrumentation)`,
      });
    }
  }
  if (maxDepth !== undefined) {
    let deepest = -1;
    let depth = 0;
    index.depth.forEach((value, position) => {
      if (value > depth) {
        depth = value;
        deepest = position;
      }
    });
    findings.check(depth <= maxDepth);
    if (depth > maxDepth && deepest >= 0) {
      const span = index.spans[deepest] as Span;
      const message = `the span tree is ${depth} levels deep against a max of ${maxDepth} (deepest: ${describeSpan(span)})`;
      findings.performance.push({
        kind: 'depth',
        path: '(trace)',
        span: spanRef(span),
        measured: depth,
        max: maxDepth,
        unit: 'levels',
        message,
      });
      findings.add({
        kind: 'depth',
        path: '(trace)',
        message,
        span: spanRef(span),
        expected: `≤ ${maxDepth}`,
        actual: String(depth),
        fix: `flatten the span tree to ${maxDepth} levels or fewer (the deepest chain ends at \`${span.name}\`)`,
      });
    }
  }
}
