/**
 * The verdict on one run: every captured trace compared with the spec, and one answer for the
 * run. A run may produce traces the spec is not about (a health check, a start-up query); a trace
 * "exercises" the spec when one of its entries matched a span, or a span with an entry's name is
 * only misplaced (traceExercisesSpec). The run passes when some
 * trace exercises the spec and every trace that does passes; the worst of them is the one shown.
 * Entries whose spans were lost on the way (a started service crashed, was stopped before it
 * flushed, or never exports) are not blamed on the code: one `telemetry_lost` violation per
 * service says so instead. Pure.
 */
import type { Trace } from '../model/span.js';
import {
  compareTraceToSpec,
  traceExercisesSpec,
  suggestImprovements,
  type ComparisonResult,
  type TraceSpec,
  type Violation,
} from '../tracespec/index.js';
import type { IterationVerdict } from '../store/sessions/session-repository.js';
import { errorOriginsOf } from './error-origins.js';
import {
  calledInRun,
  findLostTelemetry,
  uncalledServiceFix,
  silentServiceNotes,
  spansOf,
  type LostTelemetry,
  type StartedServiceFacts,
} from './lost-telemetry.js';

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
  /** Spans of the run's services that never arrived in this trace. */
  lost: LostTelemetry[];
  /** Messages of the losses no violation carries (the spec expects nothing of those spans). */
  unreportedLosses: string[];
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
  /**
   * Entry paths not checked in some judged trace (under a parent entry that found nothing, or in a
   * service whose spans were lost): neither "fixed" nor "introduced" counts them.
   */
  notEvaluated: string[];
  /** Entry paths looked for and not found in some judged trace: only their presence was checked there. */
  notFound: string[];
  /** Lost spans the spec says nothing about (so no violation carries them), one sentence each. */
  lostNotes: string[];
  /** Of the traces that exercise the spec, how many pass. */
  passRate?: { passed: number; total: number };
  /** Violations (kind path) that broke in some exercising traces and not in others: flaky entries. */
  flaky: { key: string; failing: number; of: number }[];
}

/** What the run knows of its processes, to tell lost spans from spans the code never made. */
export interface RunProcesses {
  services: readonly StartedServiceFacts[];
}

export function judgeRun(
  traces: readonly Trace[],
  spec: TraceSpec | undefined,
  processes: RunProcesses = { services: [] },
): RunVerdict {
  const runSpanCounts = new Map<string, number>();
  for (const service of processes.services)
    runSpanCounts.set(
      service.name,
      traces.reduce((sum, trace) => sum + spansOf(trace, service.name).length, 0),
    );
  const captured = traces.map((trace) => describeTrace(trace, spec, processes.services, runSpanCounts));
  const specServices = new Set(
    captured
      .flatMap((trace) => (trace.comparison?.entries ?? []).map((entry) => entry.service_name))
      .filter((name): name is string => name !== undefined),
  );
  const lossOf = new Set(captured.flatMap((trace) => trace.lost.map((loss) => loss.service)));
  // A silent service that nothing called (no client span of the run targets its ports) sent nothing
  // because the code never reached it: the entries missing in it say so as the code's defect, and
  // no capture hint sends the agent after an exporter that works. A crash elsewhere may be why
  // nothing called it, so that case keeps its hint.
  const crashed = processes.services.some((service) => service.exitedEarly);
  const uncalled = processes.services.filter(
    (service) =>
      !crashed &&
      specServices.has(service.name) &&
      (runSpanCounts.get(service.name) ?? 0) === 0 &&
      !lossOf.has(service.name) &&
      calledInRun(traces, service.ports) === false,
  );
  const explained = new Set<string>();
  for (const trace of captured) {
    if (trace.comparison === undefined) continue;
    const blamed = blameCaller(trace.comparison, uncalled, processes.services);
    trace.comparison = blamed.result;
    for (const service of blamed.services) explained.add(service);
  }
  const lostNotes = [
    ...new Set(captured.flatMap((trace) => trace.unreportedLosses)),
    ...silentServiceNotes(
      processes.services,
      specServices,
      runSpanCounts,
      new Set([...lossOf, ...explained]),
    ),
  ];
  if (captured.length === 0)
    return {
      verdict: 'no_traces',
      traces: captured,
      violationKeys: [],
      notEvaluated: [],
      notFound: [],
      lostNotes,
      flaky: [],
    };
  if (!spec)
    return {
      verdict: 'no_spec',
      traces: captured,
      violationKeys: [],
      notEvaluated: [],
      notFound: [],
      lostNotes,
      flaky: [],
    };
  const exercising = captured.filter((trace) => trace.exercised);
  // No trace touched the spec: judge the largest, whose missing entries say what to add.
  const judged = exercising.length > 0 ? exercising : [largest(captured)];
  const primary = judged
    .map((trace) => trace.comparison as ComparisonResult)
    .sort((a, b) => a.score - b.score || b.span_count - a.span_count)[0] as ComparisonResult;
  const keys = new Set<string>();
  const notEvaluated = new Set<string>();
  const notFound = new Set<string>();
  for (const trace of judged) {
    for (const violation of trace.comparison?.violations ?? []) keys.add(violationKey(violation));
    for (const path of trace.comparison?.not_evaluated ?? []) notEvaluated.add(path);
    for (const missing of trace.comparison?.missing_spans ?? [])
      if (missing.found === 0) notFound.add(missing.path);
  }
  const passed =
    exercising.length > 0 && exercising.every((trace) => trace.comparison?.matches_specification);
  return {
    verdict: passed ? 'pass' : 'fail',
    traces: captured,
    primary,
    score: primary.score,
    violationKeys: [...keys].sort(),
    notEvaluated: [...notEvaluated].sort(),
    notFound: [...notFound].sort(),
    lostNotes,
    ...(exercising.length > 0
      ? {
          passRate: {
            passed: exercising.filter((trace) => trace.comparison?.matches_specification).length,
            total: exercising.length,
          },
        }
      : {}),
    flaky: flakyViolations(exercising),
  };
}

/** Violations present in some of the traces and absent from others (only among two or more traces). */
function flakyViolations(traces: readonly CapturedTrace[]): RunVerdict['flaky'] {
  if (traces.length < 2) return [];
  const counts = new Map<string, number>();
  for (const trace of traces) {
    for (const key of new Set((trace.comparison?.violations ?? []).map(violationKey)))
      counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts]
    .filter(([, failing]) => failing < traces.length)
    .map(([key, failing]) => ({ key, failing, of: traces.length }))
    .sort((a, b) => b.failing - a.failing || a.key.localeCompare(b.key));
}

export function violationKey(violation: { kind: string; path: string }): string {
  return `${violation.kind} ${violation.path}`;
}

function describeTrace(
  trace: Trace,
  spec: TraceSpec | undefined,
  started: readonly StartedServiceFacts[],
  runSpanCounts: ReadonlyMap<string, number>,
): CapturedTrace {
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
  const compared = spec
    ? compareTraceToSpec(trace, spec, { errorOrigins: errorOriginsOf(trace) })
    : undefined;
  const lost =
    started.length > 0 ? findLostTelemetry(trace, started, compared?.entries ?? [], runSpanCounts) : [];
  const comparison = compared && lost.length > 0 ? withLosses(compared, lost) : compared;
  const reported = new Set(
    (comparison?.violations ?? [])
      .filter((violation) => violation.kind === 'telemetry_lost')
      .map((violation) => violation.message),
  );
  const unreportedLosses = lost
    .filter((loss) => ![...reported].some((message) => message.startsWith(loss.message)))
    .map((loss) => loss.message);
  return {
    traceId: trace.traceId,
    root: top ? `${top.serviceName}: ${top.name}` : '(empty)',
    hasRoot: root !== undefined,
    spanCount: trace.spans.length,
    errorCount,
    durationMs: Number(end - start) / 1e6,
    services: [...services].sort(),
    ...(comparison ? { comparison } : {}),
    // A trace whose spec'd spans were lost is about the spec too, even if nothing of it matched.
    exercised: comparison
      ? traceExercisesSpec(comparison) ||
        comparison.violations.some((violation) => violation.kind === 'telemetry_lost')
      : false,
    lost,
    unreportedLosses,
  };
}

/**
 * The comparison with every violation of an entry that found nothing in a service whose spans were
 * lost replaced by one `telemetry_lost` violation for that service; those entries count as not
 * evaluated. A loss that replaced nothing stays a note (the spec says nothing of those spans).
 */
function withLosses(result: ComparisonResult, lost: readonly LostTelemetry[]): ComparisonResult {
  const byService = new Map(lost.map((loss) => [loss.service, loss]));
  const entryByPath = new Map(result.entries.map((entry) => [entry.path, entry]));
  const replaced = new Map<string, string[]>();
  const kept: Violation[] = [];
  for (const violation of result.violations) {
    const entry = entryByPath.get(violation.path);
    const loss =
      entry?.service_name !== undefined && entry.found === 0 ? byService.get(entry.service_name) : undefined;
    if (!loss) {
      kept.push(violation);
      continue;
    }
    const paths = replaced.get(loss.service) ?? [];
    if (!paths.includes(violation.path)) paths.push(violation.path);
    replaced.set(loss.service, paths);
  }
  if (replaced.size === 0) return result;
  // Entries beneath a lost one were looked for only under a stand-in (the nearest span, in another
  // service): what they found there says nothing either. Not so for what arrived without its
  // parent and was checked in its own place (near_miss.parent_lost): that judgement stands.
  const lostRoots = [...replaced.values()].flat();
  const inPlace = result.entries.filter((entry) => entry.near_miss?.parent_lost).map((entry) => entry.path);
  const judgedInPlace = (path: string): boolean =>
    inPlace.some((anchor) => path === anchor || path.startsWith(`${anchor} > `));
  const beneath = (path: string): boolean =>
    !judgedInPlace(path) && lostRoots.some((root) => path.startsWith(`${root} > `));
  const remaining = kept.filter((violation) => !beneath(violation.path));
  const added: Violation[] = [];
  for (const [service, paths] of replaced) {
    const loss = byService.get(service) as LostTelemetry;
    added.push({
      kind: 'telemetry_lost',
      path: paths[0] as string,
      message: `${loss.message}; not checked: ${paths.join(', ')}`,
      ...(loss.calledBy
        ? {
            under: {
              span_id: loss.calledBy.span_id,
              name: loss.calledBy.name,
              service: loss.calledBy.service,
            },
          }
        : {}),
      fix: loss.fix,
    });
  }
  const violations = [...added, ...remaining];
  const lostPaths = new Set([...lostRoots, ...result.entries.map((entry) => entry.path).filter(beneath)]);
  const adjusted: ComparisonResult = {
    ...result,
    matches_specification: violations.length === 0,
    violations,
    missing_spans: result.missing_spans.map((missing) =>
      lostPaths.has(missing.path) ? { ...missing, reason: 'telemetry_lost' } : missing,
    ),
    // In the spec's order, so an entry comes before the ones beneath it.
    not_evaluated: result.entries
      .map((entry) => entry.path)
      .filter((path) => lostPaths.has(path) || result.not_evaluated.includes(path)),
    // What was found beneath a stand-in for a lost span says nothing either, near misses included.
    entries: result.entries.map((entry) => {
      if (!lostPaths.has(entry.path)) return entry;
      const { near_miss: _unjudged, surplus: _uncounted, ...rest } = entry;
      return { ...rest, evaluated: false, satisfied: false };
    }),
  };
  adjusted.suggestions = suggestImprovements(adjusted, { max: 8 }).map((improvement) => improvement.action);
  return adjusted;
}

/**
 * The comparison with each `missing` entry in a service nothing called fixed as the caller's defect
 * (uncalledServiceFix), and the services it did that for.
 */
function blameCaller(
  result: ComparisonResult,
  uncalled: readonly StartedServiceFacts[],
  started: readonly StartedServiceFacts[],
): { result: ComparisonResult; services: string[] } {
  if (uncalled.length === 0) return { result, services: [] };
  const names = new Set(uncalled.map((service) => service.name));
  const entryByPath = new Map(result.entries.map((entry) => [entry.path, entry]));
  const services = new Set<string>();
  const fixes = new Map<string, string>();
  const violations = result.violations.map((violation) => {
    const entry = entryByPath.get(violation.path);
    const service = entry?.service_name;
    if (violation.kind !== 'missing' || service === undefined || !names.has(service) || entry?.found !== 0)
      return violation;
    services.add(service);
    const ports = started.find((candidate) => candidate.name === service)?.ports ?? [];
    const fix = uncalledServiceFix(service, entry.operation_name, violation.under);
    fixes.set(violation.fix, fix);
    return {
      ...violation,
      message: `${violation.message}; nothing called ${service} during the run (no client span targets its port${ports.length === 1 ? '' : 's'} ${ports.join(', ')})`,
      fix,
    };
  });
  if (services.size === 0) return { result, services: [] };
  return {
    result: {
      ...result,
      violations,
      suggestions: result.suggestions.map((suggestion) => fixes.get(suggestion) ?? suggestion),
    },
    services: [...services],
  };
}

function largest(traces: readonly CapturedTrace[]): CapturedTrace {
  return traces.reduce((best, trace) => (trace.spanCount > best.spanCount ? trace : best));
}
