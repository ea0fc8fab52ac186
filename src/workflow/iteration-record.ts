/**
 * What a session keeps of one run: enough to show progress and suggest the next step after a
 * restart, without the traces themselves (they stay in the store, by id). Pure.
 */
import { unexpectedGroupLabel, type Violation } from '../tracespec/index.js';
import type { IterationVerdict } from '../store/sessions/session-repository.js';
import { crashExcerpt } from './crash-excerpt.js';
import type { RunReport } from './execute-run.js';

export interface RecordedViolation {
  kind: string;
  path: string;
  message: string;
  fix: string;
  /** `spanId` is absent in records made before it was kept. */
  span?: { name: string; service: string; spanId?: string };
  /** For `unexpected_error`: the span beneath where the failure started (this span passed it on). */
  causedBy?: { name: string; service: string; spanId: string };
}

export interface RecordedTrace {
  traceId: string;
  root: string;
  spanCount: number;
  errorCount: number;
  durationMs: number;
  services: string[];
  /** pass / fail against the spec, not_covered when no entry matched, none without a spec. */
  verdict: 'pass' | 'fail' | 'not_covered' | 'none';
}

export interface IterationRecord {
  command: string;
  workingDir: string;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  commandDurationMs: number;
  spec?: { name: string; version?: number };
  verdict: IterationVerdict;
  score?: number;
  checks?: { passed: number; total: number };
  primaryTraceId?: string;
  violationKeys: string[];
  /** Entry paths not checked in this run (parent entry missing, spans lost); absent in records before it was kept. */
  notEvaluated?: string[];
  /** Entry paths looked for and not found (only their presence was checked); absent in older records. */
  notFound?: string[];
  /** With several exercising traces (a repeated command): how many passed, and the entries that broke in only some. */
  passRate?: { passed: number; total: number };
  flaky?: { key: string; failing: number; of: number }[];
  /** With `repeat`: how many times the command ran, and how many of those failed. */
  repetitions?: { count: number; failed: number };
  violations: RecordedViolation[];
  violationsOmitted: number;
  /** Per matched spec entry of the primary trace: the longest matched span, in ms. */
  keySpans: { path: string; durationMs: number }[];
  traces: RecordedTrace[];
  tracesOmitted: number;
  captureComplete: boolean;
  captureNotes: string[];
  /** Services that exited on their own during the run. */
  crashedServices: string[];
  /** The services that exited during the run, with the error line of their stderr (absent in older records). */
  crashes?: { service: string; error?: string }[];
  /**
   * The primary trace's groups of spans no entry expects, as `service: name → destination ×N`, sorted
   * (absent in older records): a next run with the same ones need not list them again.
   */
  unexpectedGroups?: string[];
  exitToVerdictMs: number;
}

/** 30 violations and 20 traces per iteration: the answer shows fewer, the rest is in the traces. */
const VIOLATIONS_KEPT = 30;
const TRACES_KEPT = 20;
const KEY_SPANS_KEPT = 20;
const FLAKY_KEPT = 20;

export function iterationRecordOf(report: RunReport, command: string): IterationRecord {
  const { verdict } = report;
  const primary = verdict.primary;
  const violations = (primary?.violations ?? []).map(recordViolation);
  const traces = verdict.traces.map((trace): RecordedTrace => ({
    traceId: trace.traceId,
    root: trace.root,
    spanCount: trace.spanCount,
    errorCount: trace.errorCount,
    durationMs: round(trace.durationMs),
    services: trace.services,
    verdict: !trace.comparison
      ? 'none'
      : !trace.exercised
        ? 'not_covered'
        : trace.comparison.matches_specification
          ? 'pass'
          : 'fail',
  }));
  const keySpans = (primary?.entries ?? [])
    .filter((entry) => entry.matches.length > 0)
    .slice(0, KEY_SPANS_KEPT)
    .map((entry) => ({
      path: entry.path,
      durationMs: round(Math.max(...entry.matches.map((match) => match.duration_ms))),
    }));
  return {
    command,
    workingDir: report.workingDir,
    exitCode: report.command.exitCode,
    signal: report.command.signal,
    timedOut: report.command.timedOut,
    commandDurationMs: report.command.durationMs,
    ...(report.spec
      ? {
          spec: {
            name: report.spec.name,
            ...(report.spec.version !== undefined ? { version: report.spec.version } : {}),
          },
        }
      : {}),
    verdict: verdict.verdict,
    ...(verdict.score !== undefined ? { score: verdict.score } : {}),
    ...(primary ? { checks: primary.checks, primaryTraceId: primary.trace_id } : {}),
    violationKeys: verdict.violationKeys,
    ...(primary
      ? {
          unexpectedGroups: primary.unexpected_spans.map(unexpectedGroupLabel).sort(),
        }
      : {}),
    notEvaluated: verdict.notEvaluated,
    notFound: verdict.notFound,
    ...(verdict.passRate && verdict.passRate.total > 1
      ? { passRate: verdict.passRate, flaky: verdict.flaky.slice(0, FLAKY_KEPT) }
      : {}),
    ...(report.command.repetitions
      ? {
          repetitions: {
            count: report.command.repetitions.length,
            failed: report.command.repetitions.filter((exit) => exit.timedOut || exit.code !== 0).length,
          },
        }
      : {}),
    violations: violations.slice(0, VIOLATIONS_KEPT),
    violationsOmitted:
      Math.max(0, violations.length - VIOLATIONS_KEPT) + (primary?.truncated?.violations ?? 0),
    keySpans,
    traces: traces.slice(0, TRACES_KEPT),
    tracesOmitted: Math.max(0, traces.length - TRACES_KEPT),
    captureComplete: report.capture.complete,
    captureNotes: [...report.capture.notes, ...verdict.lostNotes],
    crashedServices: report.services.filter((service) => service.exitedEarly).map((service) => service.name),
    crashes: report.services
      .filter((service) => service.exitedEarly)
      .map((service) => {
        const excerpt = crashExcerpt(service.stderr.text);
        return {
          service: service.name,
          ...(excerpt
            ? { error: excerpt.frames[0] ? `${excerpt.error} ${excerpt.frames[0]}` : excerpt.error }
            : {}),
        };
      }),
    exitToVerdictMs: report.exitToVerdictMs,
  };
}

function recordViolation(violation: Violation): RecordedViolation {
  return {
    kind: violation.kind,
    path: violation.path,
    message: violation.message,
    fix: violation.fix,
    ...(violation.span
      ? {
          span: {
            name: violation.span.name,
            service: violation.span.service,
            spanId: violation.span.span_id,
          },
        }
      : {}),
    ...(violation.caused_by
      ? {
          causedBy: {
            name: violation.caused_by.name,
            service: violation.caused_by.service,
            spanId: violation.caused_by.span_id,
          },
        }
      : {}),
  };
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}
