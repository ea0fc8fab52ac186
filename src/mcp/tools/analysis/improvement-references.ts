/**
 * generate_improvement_suggestions by reference: instead of an earlier answer pasted back, a trace
 * (compared with a spec when one is named) or a session's iteration (its trace and the spec version
 * it was judged by). The trace is analysed afresh, so nothing an earlier answer cut is missing.
 */
import {
  analyzeTrace,
  buildSpanTree,
  detectPerformanceIssues,
  type Capped,
  type Orphan,
} from '../../../analysis/index.js';
import { invalidArgument, notFound, OtelMcpError } from '../../../model/errors.js';
import { compareTraceToSpec } from '../../../tracespec/index.js';
import { snakeKeys } from '../../snake-keys.js';
import type { ToolDeps } from '../../tool-deps.js';
import { syncSpecFiles } from '../specs/spec-common.js';
import { loadTrace } from '../trace-lookup.js';
import { pickIteration } from '../workflow/session-id-input.js';
import type { IterationRecord } from '../../../workflow/iteration-record.js';
import { errorOriginsOf } from '../../../workflow/error-origins.js';
import {
  expectedEntriesOf,
  fixesCrashOf,
  lossExplainsOrphan,
  lostServicesOf,
  type ExpectedEntry,
} from '../../../workflow/lost-telemetry.js';
import { thresholdsFor } from './detector-thresholds.js';
import { recognizeSources, type RecognizedSources } from './improvement-sources.js';

/** Error root causes and orphans taken from the analysis: enough for a plan, all of them in practice. */
const ANALYSIS_ITEMS = 50;

export interface ImprovementReference {
  trace_id?: string | undefined;
  spec_name?: string | undefined;
  spec_version?: number | undefined;
  session_id?: string | undefined;
  iteration?: number | undefined;
  backend?: string | undefined;
}

export interface ReferencedSources extends RecognizedSources {
  /** What was read, for the answer's first line: "trace 4bf9… against checkout v3". */
  subject: string;
}

export async function sourcesByReference(
  deps: ToolDeps,
  ref: ImprovementReference,
): Promise<ReferencedSources> {
  if (ref.iteration !== undefined && ref.session_id === undefined)
    throw invalidArgument('iteration needs session_id', '{session_id: "...", iteration: 2}');
  if (ref.session_id !== undefined && (ref.trace_id !== undefined || ref.spec_name !== undefined))
    throw invalidArgument(
      'session_id names its own trace and spec',
      'pass session_id (+ iteration), or trace_id (+ spec_name), not both',
    );
  let traceId = ref.trace_id;
  let spec: { name: string; version?: number | undefined } | undefined =
    ref.spec_name === undefined ? undefined : { name: ref.spec_name, version: ref.spec_version };
  let subject = '';
  let judged: RunJudgement | undefined;
  if (ref.session_id !== undefined) {
    const { session, iteration } = pickIteration(deps, ref.session_id, ref.iteration, 'session_id');
    judged = runJudgement(iteration.record);
    // Services that crashed before any trace was made still have a plan: fix the crash.
    if (!iteration.record.primaryTraceId && judged.actionable)
      return {
        ...recognizeSources(judged.sources),
        subject: `session ${session.id} iteration ${iteration.number} (no trace kept), as its run judged it`,
      };
    if (!iteration.record.primaryTraceId)
      throw notFound(
        `iteration ${iteration.number} of session ${session.id} kept no trace (its command made none the spec could judge)`,
        'run execute_and_capture again, or pass a trace_id',
      );
    traceId = iteration.record.primaryTraceId;
    spec = iteration.record.spec;
    subject = `session ${session.id} iteration ${iteration.number}: `;
  }
  if (traceId === undefined)
    throw invalidArgument('nothing to read', 'pass analysis_result, trace_id (+ spec_name) or session_id');

  const trace = await loadTrace(deps, traceId, ref.backend);
  const tree = buildSpanTree(trace);
  const findings = detectPerformanceIssues(trace, thresholdsFor(deps.config.analysis.thresholds), { tree });
  const analysis = analyzeTrace(trace, { tree, maxItems: ANALYSIS_ITEMS });
  const sources = recognizeSources([
    ...(judged ? judged.sources : []),
    { findings: snakeKeys(findings) },
    snakeKeys({
      errors: analysis.errors,
      structure: judged?.lostSpans
        ? { ...analysis.structure, orphans: orphansNotLost(deps, analysis.structure.orphans, judged) }
        : analysis.structure,
    }),
  ]);
  subject += `trace ${trace.traceId}`;
  if (judged) {
    // The run's own verdict, not a fresh comparison: only the run knew which services crashed or
    // lost their spans, and compared afresh, a trace without them reads as wrong structure.
    if (spec)
      subject += ` as its run judged it against ${spec.name}${spec.version ? ` v${spec.version}` : ''}`;
    if (judged.omitted > 0)
      subject += ` (the run kept its first ${judged.kept} violations of ${judged.kept + judged.omitted})`;
  } else if (spec) {
    await syncSpecFiles(deps);
    const stored = deps.specs.get(spec.name, spec.version);
    sources.sources.unshift({
      type: 'spec_comparison',
      result: compareTraceToSpec(trace, stored.spec, { errorOrigins: errorOriginsOf(trace) }),
    });
    sources.recognized.unshift('spec_comparison');
    subject += ` against ${spec.name} v${stored.version}`;
  }
  return { ...sources, subject };
}

/**
 * The orphans of a run that lost spans that its loss does not explain. One whose parent died with a
 * crashed service is that loss, which the run already plans to fix: "propagate the trace context"
 * would send the agent after a call that works. One whose parent the spec puts in a service that
 * sent its spans is a context that broke, and stays in the plan.
 */
function orphansNotLost(deps: ToolDeps, orphans: Capped<Orphan>, judged: RunJudgement): Capped<Orphan> {
  // An inline spec (no version) was not stored: the latest of its name may be another spec.
  const entries =
    judged.spec?.version !== undefined ? specEntries(deps, judged.spec.name, judged.spec.version) : [];
  const lost = lostServicesOf(judged.violations, judged.crashed, entries);
  const kept = orphans.items.filter((orphan) => !lossExplainsOrphan(orphan.span, entries, lost));
  return { ...orphans, items: kept, total: orphans.total - (orphans.items.length - kept.length) };
}

/** The entries of the spec version a run was judged by; none (nothing placed) if the store no longer has it. */
function specEntries(deps: ToolDeps, name: string, version: number): ExpectedEntry[] {
  try {
    return expectedEntriesOf(deps.specs.get(name, version).spec);
  } catch (error) {
    if (error instanceof OtelMcpError && error.code === 'NOT_FOUND') return [];
    throw error;
  }
}

interface RunJudgement {
  /** Results in the shapes recognizeSources takes: the crashes, then the recorded comparison. */
  sources: unknown[];
  /** A crash or a violation was recorded: there is something to plan even without a trace. */
  actionable: boolean;
  /** The run lost spans: a started service's spans never arrived (telemetry_lost), or it crashed. */
  lostSpans: boolean;
  violations: IterationRecord['violations'];
  crashed: string[];
  spec?: IterationRecord['spec'];
  kept: number;
  omitted: number;
}

/** A recorded violation in the shape compare_trace_to_spec reports it (spans by span_id). */
function asReported(violation: IterationRecord['violations'][number]) {
  const { span, causedBy, ...rest } = violation;
  return {
    ...rest,
    ...(span
      ? { span: { name: span.name, service: span.service, ...(span.spanId ? { span_id: span.spanId } : {}) } }
      : {}),
    ...(causedBy
      ? { caused_by: { name: causedBy.name, service: causedBy.service, span_id: causedBy.spanId } }
      : {}),
  };
}

/** What a session iteration's run found: its crashes first (nothing else counts until they are fixed), then its violations. */
function runJudgement(record: IterationRecord): RunJudgement {
  // A crash that took spans the spec names is already the fix of the run's telemetry_lost violation.
  // Exactly this service: `crash in api` must not match a violation about `api-gateway`.
  const named = (service: string) =>
    record.violations.some((violation) => fixesCrashOf(violation.fix, service));
  const crashes = (record.crashes ?? record.crashedServices.map((service) => ({ service })))
    .filter((crash) => !named(crash.service))
    .map((crash: { service: string; error?: string }) => ({
      kind: 'error_root_cause',
      severity: 'high',
      summary: crash.error ? `it exited during the run: ${crash.error}` : 'it exited during the run',
      fix: `fix the crash in ${crash.service}; the spans it did not send are not a spec problem`,
    }));
  return {
    sources: [
      ...(crashes.length > 0 ? [{ findings: crashes }] : []),
      ...(record.spec
        ? [
            {
              matches_specification: record.verdict === 'pass',
              violations: record.violations.map(asReported),
            },
          ]
        : []),
    ],
    actionable: crashes.length > 0 || record.violations.length > 0,
    lostSpans:
      record.crashedServices.length > 0 ||
      record.violations.some((violation) => violation.kind === 'telemetry_lost'),
    violations: record.violations,
    crashed: record.crashedServices,
    ...(record.spec ? { spec: record.spec } : {}),
    kept: record.violations.length,
    omitted: record.violationsOmitted,
  };
}
