/**
 * Aggregates the comparisons of many traces with one spec (validate_trace_collection): pass rate,
 * a verdict per trace, which entries fail how often and how, coverage (entries matched at least
 * once), and duration percentiles per entry (nearest-rank p50/p95/p99 over matched spans).
 *
 * A trace that does not exercise the spec (traceExercisesSpec: a health check, another endpoint of
 * the same service) is another flow, not a failing one: it is listed but not counted, as
 * execute_and_capture counts a run's traces, so the two agree on the same traces.
 */
import {
  entryExercised,
  entrySpanCount,
  passesFailureOn,
  traceExercisesSpec,
  type ComparisonResult,
  type ViolationKind,
} from '../compare/comparison-result.js';
import { listEntryPaths } from '../language/spec-paths.js';
import type { TraceSpec } from '../language/trace-spec.js';

export interface CollectionItem {
  traceId: string;
  result: ComparisonResult;
}

export interface CollectionSummary {
  spec_name: string;
  trace_count: number;
  /** Traces that exercise no entry of the spec: in `traces`, not in passed, failed or the rates. */
  not_exercising: number;
  passed: number;
  failed: number;
  /** 0..1 of the exercising traces; 0 when none does. */
  pass_rate: number;
  mean_score: number;
  traces: {
    trace_id: string;
    exercised: boolean;
    matches: boolean;
    score: number;
    violations: number;
    first_violation?: string;
  }[];
  /** Entries (and trace-level rules) that failed in at least one trace, most frequent first. */
  failures: {
    path: string;
    failed_traces: number;
    kinds: Partial<Record<ViolationKind, number>>;
    example: string;
  }[];
  /**
   * Every spec entry: in how many traces it was exercised (entryExercised), and its spans: matched,
   * beneath its parent's near miss, or over its count (a forbidden span present).
   */
  coverage: { path: string; exercised_traces: number; rate: number; spans: number }[];
  /** Paths of entries no trace exercised. */
  unexercised: string[];
  durations: {
    path: string;
    samples: number;
    p50_ms: number;
    p95_ms: number;
    p99_ms: number;
    max_ms: number;
  }[];
}

/** Nearest-rank percentile of ascending samples. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

const round = (value: number): number => Math.round(value * 1000) / 1000;

export function summarizeCollection(all: readonly CollectionItem[], spec: TraceSpec): CollectionSummary {
  const exercised = new Set(all.filter((item) => traceExercisesSpec(item.result)));
  const items = all.filter((item) => exercised.has(item));
  const passed = items.filter((item) => item.result.matches_specification).length;
  const failures = new Map<
    string,
    { failed: Set<string>; kinds: Partial<Record<ViolationKind, number>>; example: string }
  >();
  const coverage = new Map<string, { traces: number; spans: number }>();
  const samples = new Map<string, number[]>();
  for (const { path } of listEntryPaths(spec.expected_spans)) coverage.set(path, { traces: 0, spans: 0 });

  for (const { traceId, result } of items) {
    // A span that only passed on a failure (caused_by, when the comparison was given error origins)
    // is that failure's, counted where it started: not an entry failing in its own right.
    for (const violation of result.violations.filter((item) => !passesFailureOn(item))) {
      const failure = failures.get(violation.path) ?? {
        failed: new Set<string>(),
        kinds: {},
        example: violation.message,
      };
      failure.failed.add(traceId);
      failure.kinds[violation.kind] = (failure.kinds[violation.kind] ?? 0) + 1;
      failures.set(violation.path, failure);
    }
    for (const entry of result.entries) {
      const covered = coverage.get(entry.path) ?? { traces: 0, spans: 0 };
      if (entryExercised(entry)) covered.traces += 1;
      covered.spans += entrySpanCount(entry);
      coverage.set(entry.path, covered);
      const list = samples.get(entry.path) ?? [];
      // Every span of the entry when the comparison gave them all (CompareOptions.allDurations).
      if (entry.durations_ms) for (const ms of entry.durations_ms) list.push(ms);
      else for (const match of entry.matches) list.push(match.duration_ms);
      samples.set(entry.path, list);
    }
  }
  const count = items.length;
  return {
    spec_name: spec.name,
    trace_count: all.length,
    not_exercising: all.length - count,
    passed,
    failed: count - passed,
    pass_rate: count === 0 ? 0 : round(passed / count),
    mean_score: count === 0 ? 0 : round(items.reduce((sum, item) => sum + item.result.score, 0) / count),
    traces: all.map((item) => {
      const { traceId, result } = item;
      const first =
        result.violations.find((violation) => !passesFailureOn(violation)) ?? result.violations[0];
      return {
        trace_id: traceId,
        exercised: exercised.has(item),
        matches: result.matches_specification,
        score: result.score,
        violations: result.violations.length + (result.truncated?.violations ?? 0),
        ...(first ? { first_violation: `${first.path}: ${first.message}` } : {}),
      };
    }),
    failures: [...failures.entries()]
      .map(([path, failure]) => ({
        path,
        failed_traces: failure.failed.size,
        kinds: failure.kinds,
        example: failure.example,
      }))
      .sort((a, b) => b.failed_traces - a.failed_traces),
    coverage: [...coverage.entries()].map(([path, covered]) => ({
      path,
      exercised_traces: covered.traces,
      rate: count === 0 ? 0 : round(covered.traces / count),
      spans: covered.spans,
    })),
    unexercised: [...coverage.entries()].filter(([, covered]) => covered.traces === 0).map(([path]) => path),
    durations: [...samples.entries()]
      .filter(([, list]) => list.length > 0)
      .map(([path, list]) => {
        const sorted = [...list].sort((a, b) => a - b);
        return {
          path,
          samples: sorted.length,
          p50_ms: percentile(sorted, 50),
          p95_ms: percentile(sorted, 95),
          p99_ms: percentile(sorted, 99),
          max_ms: sorted[sorted.length - 1] as number,
        };
      }),
  };
}
