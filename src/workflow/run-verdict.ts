/**
 * The verdict on one run: every captured trace compared with the spec, and one answer for the
 * run. A run may produce traces the spec is not about (a health check, a start-up query); a trace
 * "exercises" the spec when at least one of its entries matched a span. The run passes when some
 * trace exercises the spec and every trace that does passes; the worst of them is the one shown.
 * Pure.
 */
import type { Trace } from '../model/span.js';
import { compareTraceToSpec, type ComparisonResult, type TraceSpec } from '../spec/index.js';
import type { IterationVerdict } from '../store/session-repository.js';

export interface CapturedTrace {
  traceId: string;
  /** `service: operation` of the root span, or of the earliest span when the root is missing. */
  root: string;
  hasRoot: boolean;
  spanCount: number;
  errorCount: number;
  durationMs: number;
  services: string[];
  /** Only when the run had a spec. */
  comparison?: ComparisonResult;
  exercised: boolean;
}

export interface RunVerdict {
  verdict: IterationVerdict;
  traces: CapturedTrace[];
  /** The exercising trace with the lowest score: what the answer shows in full. */
  primary?: ComparisonResult;
  /** The primary trace's score (share of the spec's checks that hold); absent without a spec. */
  score?: number;
  /** `kind path` of every violation in an exercising trace: what "fixed" and "introduced" compare. */
  violationKeys: string[];
}

export function judgeRun(traces: readonly Trace[], spec: TraceSpec | undefined): RunVerdict {
  const captured = traces.map((trace) => describeTrace(trace, spec));
  if (captured.length === 0) return { verdict: 'no_traces', traces: captured, violationKeys: [] };
  if (!spec) return { verdict: 'no_spec', traces: captured, violationKeys: [] };
  const exercising = captured.filter((trace) => trace.exercised);
  // No trace touched the spec: judge the largest, whose missing entries say what to add.
  const judged = exercising.length > 0 ? exercising : [largest(captured)];
  const primary = judged.map((trace) => trace.comparison as ComparisonResult).sort((a, b) => a.score - b.score || b.span_count - a.span_count)[0] as ComparisonResult;
  const keys = new Set<string>();
  for (const trace of judged) for (const violation of trace.comparison?.violations ?? []) keys.add(violationKey(violation));
  const passed = exercising.length > 0 && exercising.every((trace) => trace.comparison?.matches_specification);
  return { verdict: passed ? 'pass' : 'fail', traces: captured, primary, score: primary.score, violationKeys: [...keys].sort() };
}

export function violationKey(violation: { kind: string; path: string }): string {
  return `${violation.kind} ${violation.path}`;
}

function describeTrace(trace: Trace, spec: TraceSpec | undefined): CapturedTrace {
  const first = trace.spans[0];
  const root = trace.spans.find((span) => span.parentSpanId === undefined);
  const top = root ?? first;
  let start = first?.startTimeUnixNano ?? 0n;
  let end = start;
  let errorCount = 0;
  const services = new Set<string>();
  for (const span of trace.spans) {
    if (span.startTimeUnixNano < start) start = span.startTimeUnixNano;
    if (span.endTimeUnixNano > end) end = span.endTimeUnixNano;
    if (span.status.code === 'error') errorCount += 1;
    services.add(span.serviceName);
  }
  const comparison = spec ? compareTraceToSpec(trace, spec) : undefined;
  return {
    traceId: trace.traceId,
    root: top ? `${top.serviceName}: ${top.name}` : '(empty)',
    hasRoot: root !== undefined,
    spanCount: trace.spans.length,
    errorCount,
    durationMs: Number(end - start) / 1e6,
    services: [...services].sort(),
    ...(comparison ? { comparison } : {}),
    exercised: comparison ? comparison.entries.some((entry) => entry.found > 0) : false,
  };
}

function largest(traces: readonly CapturedTrace[]): CapturedTrace {
  return traces.reduce((best, trace) => (trace.spanCount > best.spanCount ? trace : best));
}
