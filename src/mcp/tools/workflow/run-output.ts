/**
 * The answer of execute_and_capture: how the run went, what was captured, the verdict with the
 * evidence, what changed since the previous iteration, and the next steps.
 *
 * The worst judged trace's comparison is embedded as compare_trace_to_spec answers it, and the layer
 * fits its lists (violations first) to the budget. A cursor would re-run the command, so this tool
 * gets none: rows cut for size name the compare_trace_to_spec call that lists them all. The run
 * record's traces (20 at most) past that cap are counted in `truncated` with the call that judges
 * them all; an output tail says `tail_only` and `total_bytes`.
 */
import * as z from 'zod';
import type { RunReport } from '../../../workflow/execute-run.js';
import { crashExcerpt, describeCrash } from '../../../workflow/crash-excerpt.js';
import { describeExit } from '../../../workflow/process-exit.js';
import type { IterationRecord } from '../../../workflow/iteration-record.js';
import type { NextStep } from '../../../workflow/next-steps.js';
import { showKey } from '../../../workflow/session-progress.js';
import type { ResponseDraft } from '../../response/response-draft.js';
import { responseFields } from '../../response/response-fields.js';
import type { ComparisonResult } from '../../../tracespec/index.js';
import {
  comparisonDraft,
  comparisonOutputSchema,
  type ComparisonDraftOptions,
  type ComparisonFields,
} from '../analysis/spec-comparison-output.js';
import type { SpecFilesOutput } from '../specs/spec-common.js';
import { plural } from '../../../model/plural.js';

/** An output tail: the runner keeps the last 40 lines; at most this many characters of them are shown. */
const TAIL_CHARS = 3000;

const tailSchema = z.object({
  text: z.string(),
  tail_only: z.boolean().describe('Earlier output was left out (total_bytes counts all of it)'),
  total_bytes: z.number(),
});

export const nextStepSchema = z.object({
  priority: z.number(),
  category: z
    .string()
    .describe(
      'run, regression, capture, error, structure, placement, tags, performance, done (in the order to act on them)',
    ),
  action: z.string(),
  why: z.string(),
});

export const runOutputSchema = z.object({
  run_id: z.string().describe('Every span of the run carries it as resource attribute otel_mcp.run_id'),
  session_id: z.string().optional(),
  iteration: z.number().optional(),
  verdict: z.enum(['pass', 'fail', 'no_spec', 'no_traces']),
  spec: z
    .object({ name: z.string(), version: z.number().optional().describe('Absent for an inline spec') })
    .optional(),
  command: z.object({
    command: z.string(),
    working_dir: z.string(),
    exit_code: z.number().nullable(),
    signal: z.string().nullable(),
    timed_out: z.boolean(),
    duration_ms: z.number(),
    leftover_processes_stopped: z
      .boolean()
      .describe('The command left processes in its group; they were stopped'),
    crash: z
      .array(z.string())
      .optional()
      .describe('When it failed with an uncaught error: the error line and the first frames of its stderr'),
    stdout: tailSchema,
    stderr: tailSchema,
  }),
  services: z.array(
    z.object({
      name: z.string(),
      ready_after_ms: z.number().optional(),
      exited_early: z.boolean().describe('Exited on its own during the run (a crash?)'),
      exit_code: z.number().nullable(),
      signal: z.string().nullable(),
      force_killed: z.boolean().describe('Needed SIGKILL after the grace period'),
      stop_signals: z
        .array(z.string())
        .optional()
        .describe(
          'How it was asked to stop once the spans had settled: SIGINT for CPython (its atexit hooks flush the SDK), SIGTERM otherwise',
        ),
      service_name_defaulted: z
        .boolean()
        .describe('OTEL_SERVICE_NAME was unset, so the run set it to this name'),
      crash: z
        .array(z.string())
        .optional()
        .describe('When it exited early: the error line and the first frames of its stderr'),
      stderr: tailSchema.optional().describe('Shown when it exited early or failed'),
    }),
  ),
  capture: z.object({
    complete: z.boolean(),
    trace_count: z.number(),
    span_count: z.number().describe('Spans in the captured traces, from every service'),
    run_span_count: z.number().describe('Spans tagged with this run id'),
    waited_ms: z
      .number()
      .describe(
        'From the command’s exit to the decision: the wait with the services up, their stop, and the wait for what they flushed',
      ),
    settle_ms: z.number(),
    exit_to_verdict_ms: z.number(),
    notes: z.array(z.string()),
  }),
  traces: z.array(
    z.object({
      trace_id: z.string(),
      root: z.string(),
      span_count: z.number(),
      error_count: z.number(),
      duration_ms: z.number(),
      services: z.array(z.string()),
      verdict: z.string(),
    }),
  ),
  repeat: z
    .object({
      runs: z.number(),
      failed_runs: z.number().describe('Runs of the command that exited non-zero or timed out'),
      traces_passed: z.number(),
      traces_judged: z.number().describe('Traces that exercise the spec'),
      flaky: z
        .array(z.object({ violation: z.string(), failing: z.number(), of: z.number() }))
        .describe('Violations (kind path) in some traces and not in others'),
    })
    .optional()
    .describe('With repeat > 1 (or several traces exercising the spec): the set judged as a whole'),
  comparison: comparisonOutputSchema
    .optional()
    .describe('The worst trace that exercises the spec, compared in full'),
  changes: z
    .object({
      since_iteration: z.number(),
      fixed: z.array(z.string()),
      introduced: z.array(z.string()),
      not_evaluated: z
        .array(z.string())
        .describe(
          'Entry paths this run could not check (parent entry missing, spans lost): counted neither way',
        ),
      changed: z
        .array(z.string())
        .describe('An entry missing in both runs with another explanation (`tag_mismatch → missing path`)'),
    })
    .optional()
    .describe(
      'Violations (kind path) gone and new since the previous judged iteration, among checks evaluated in both',
    ),
  next_steps: z.array(nextStepSchema),
  ...responseFields,
});

export type RunOutput = z.infer<typeof runOutputSchema>;

/** The run answer before the layer fits it: the comparison's lists are added to `comparison` then. */
type RunFields = Omit<RunOutput, 'comparison'> & { comparison?: ComparisonFields };

export interface RunContext {
  report: RunReport;
  record: IterationRecord;
  command: string;
  sessionId?: string;
  iteration?: number;
  changes?: {
    sinceIteration: number;
    fixed: string[];
    introduced: string[];
    /** Introduced keys that merge several of this run's violations, with how many (`×3`). */
    repeated?: Record<string, number>;
    notEvaluated: string[];
    changed: string[];
    /** The spans no entry expects are the same groups as in that iteration: counted, not listed again. */
    sameUnexpected?: boolean;
  };
  nextSteps: NextStep[];
  sync: { files?: SpecFilesOutput; lines: string[] };
}

export function runDraft(context: RunContext): ResponseDraft<RunFields> {
  const { report, record } = context;
  const failed = report.command.exitCode !== 0 || report.command.timedOut;
  const tail = (value: { text: string; truncated: boolean; totalBytes: number }) => ({
    text: value.text.length > TAIL_CHARS ? value.text.slice(-TAIL_CHARS) : value.text,
    tail_only: value.truncated || value.text.length > TAIL_CHARS,
    total_bytes: value.totalBytes,
  });
  const comparison = report.verdict.primary
    ? embeddedComparison(report.verdict.primary, report.spec, context.sync, {
        // The error chain's one action is both a suggestion and a next step: said once, as a step.
        nextSteps: new Set(context.nextSteps.map((step) => step.action)),
        ...(context.changes?.sameUnexpected ? { unexpectedAsIn: context.changes.sinceIteration } : {}),
      })
    : undefined;
  const commandCrash =
    failed && crashExcerpt(report.command.stderr.text)
      ? describeCrash(report.command.stderr.text)
      : undefined;
  const spanCount = report.capture.traces.reduce((sum, trace) => sum + trace.spans.length, 0);
  const structured: RunFields = {
    run_id: report.runId,
    ...(context.sessionId !== undefined ? { session_id: context.sessionId } : {}),
    ...(context.iteration !== undefined ? { iteration: context.iteration } : {}),
    verdict: record.verdict,
    ...(report.spec
      ? {
          spec: {
            name: report.spec.name,
            ...(report.spec.version !== undefined ? { version: report.spec.version } : {}),
          },
        }
      : {}),
    command: {
      command: context.command,
      working_dir: report.workingDir,
      exit_code: report.command.exitCode,
      signal: report.command.signal,
      timed_out: report.command.timedOut,
      duration_ms: report.command.durationMs,
      leftover_processes_stopped: report.command.leftoverProcessesStopped,
      ...(commandCrash ? { crash: commandCrash } : {}),
      stdout: tail(report.command.stdout),
      stderr: tail(report.command.stderr),
    },
    services: report.services.map((service) => ({
      name: service.name,
      ...(service.readyAfterMs !== undefined ? { ready_after_ms: service.readyAfterMs } : {}),
      exited_early: service.exitedEarly,
      exit_code: service.exitCode,
      signal: service.signal,
      force_killed: service.forceKilled,
      ...(service.stopSignals ? { stop_signals: service.stopSignals } : {}),
      service_name_defaulted: service.serviceNameDefaulted,
      ...(service.exitedEarly ? { crash: describeCrash(service.stderr.text) } : {}),
      ...(service.exitedEarly || service.forceKilled ? { stderr: tail(service.stderr) } : {}),
    })),
    capture: {
      complete: report.capture.complete,
      trace_count: report.capture.traces.length,
      span_count: spanCount,
      run_span_count: report.capture.runSpanCount,
      waited_ms: report.capture.waitedMs,
      settle_ms: report.capture.settleMs,
      exit_to_verdict_ms: report.exitToVerdictMs,
      notes: report.capture.notes,
    },
    traces: record.traces.map((trace) => ({
      trace_id: trace.traceId,
      root: trace.root,
      span_count: trace.spanCount,
      error_count: trace.errorCount,
      duration_ms: trace.durationMs,
      services: trace.services,
      verdict: trace.verdict,
    })),
    ...(record.passRate
      ? {
          repeat: {
            runs: record.repetitions?.count ?? 1,
            failed_runs: record.repetitions?.failed ?? (failed ? 1 : 0),
            traces_passed: record.passRate.passed,
            traces_judged: record.passRate.total,
            flaky: (record.flaky ?? []).map((item) => ({
              violation: item.key,
              failing: item.failing,
              of: item.of,
            })),
          },
        }
      : {}),
    ...(comparison ? { comparison: comparison.fields } : {}),
    ...(context.changes
      ? {
          changes: {
            since_iteration: context.changes.sinceIteration,
            fixed: context.changes.fixed,
            introduced: context.changes.introduced,
            not_evaluated: context.changes.notEvaluated,
            changed: context.changes.changed,
          },
        }
      : {}),
    next_steps: context.nextSteps,
  };

  const lines: string[] = [];
  const where =
    context.sessionId !== undefined ? ` (session ${context.sessionId}, iteration ${context.iteration})` : '';
  lines.push(`Run ${report.runId}${where}: ${headline(record.verdict, report)}`);
  lines.push(
    `Command \`${context.command}\` ${report.command.timedOut ? `timed out after ${report.command.durationMs} ms and was killed with its process group` : `exited with ${describeExit({ code: report.command.exitCode, signal: report.command.signal })}`} in ${seconds(report.command.durationMs)}.`,
  );
  if (report.command.leftoverProcessesStopped)
    lines.push('It left processes running in its group; they were stopped.');
  for (const service of report.services) {
    if (service.exitedEarly) {
      lines.push(
        `Service ${service.name} exited during the run (${describeExit({ code: service.exitCode, signal: service.signal })}):\n${indent(describeCrash(service.stderr.text).join('\n'))}`,
      );
    } else if (service.forceKilled) {
      lines.push(
        `Service ${service.name} ignored ${service.stopSignals?.join(' and ') ?? 'SIGTERM'} and was killed: its last spans may be lost.`,
      );
    }
  }
  const named = report.services
    .filter((service) => service.serviceNameDefaulted)
    .map((service) => service.name);
  if (named.length > 0)
    lines.push(`OTEL_SERVICE_NAME was unset for ${named.join(', ')}: each ran with its services[] name.`);
  if (commandCrash) lines.push(`The command failed with:\n${indent(commandCrash.join('\n'))}`);
  else if (failed && report.command.stderr.text)
    lines.push(`stderr ends:\n${indent(lastLines(report.command.stderr.text, 8))}`);
  lines.push(
    `Captured ${report.capture.traces.length} trace${report.capture.traces.length === 1 ? '' : 's'} (${spanCount} spans) ${seconds(report.exitToVerdictMs)} after the command ended${report.capture.complete ? '' : ' — INCOMPLETE'}.`,
  );
  for (const note of report.capture.notes) lines.push(`  ! ${note}`);
  for (const trace of record.traces) {
    lines.push(
      `  ${trace.traceId}  ${trace.root}  ${plural(trace.spanCount, 'span')}, ${plural(trace.errorCount, 'error')}, ${trace.durationMs} ms, ${plural(trace.services.length, 'service')}  [${trace.verdict}]`,
    );
  }
  if (record.passRate) {
    const runs = record.repetitions
      ? `${record.repetitions.count} runs of the command (${record.repetitions.failed} failed): `
      : '';
    lines.push(
      `${runs}${record.passRate.passed} of ${record.passRate.total} traces that exercise the spec pass.`,
    );
    for (const item of record.flaky ?? [])
      lines.push(`  flaky: ${item.key} fails in ${item.failing} of ${item.of}`);
  }
  if (comparison) lines.push(...comparison.lead);
  // What follows the comparison's lists: its notes, the change since last time, the next steps.
  const after: string[] = [...(comparison?.notes ?? [])];
  if (
    context.changes &&
    (context.changes.fixed.length > 0 ||
      context.changes.introduced.length > 0 ||
      context.changes.notEvaluated.length > 0 ||
      context.changes.changed.length > 0)
  ) {
    const { fixed, introduced, notEvaluated, changed } = context.changes;
    const listed = (items: string[]): string => (items.length > 0 ? ` (${items.join('; ')})` : '');
    // The comparison above lists its trace's not-evaluated entries: counted here, not named again
    // (a crash's were named four times); only other traces' are.
    const above = new Set(report.verdict.primary?.not_evaluated ?? []);
    const elsewhere = notEvaluated.filter((path) => !above.has(path));
    const unlisted =
      elsewhere.length === notEvaluated.length
        ? listed(notEvaluated)
        : elsewhere.length > 0
          ? ` (those listed above, and ${elsewhere.join('; ')})`
          : ', listed above';
    const unchecked =
      notEvaluated.length > 0
        ? `; not evaluated this time (parent entry missing or spans lost, counted neither way): ${notEvaluated.length}${unlisted}`
        : '';
    const rephrased =
      changed.length > 0 ? `; still missing, now explained differently: ${changed.join('; ')}` : '';
    after.push(
      `Since iteration ${context.changes.sinceIteration}: fixed ${fixed.length}${listed(fixed)}, introduced ${introduced.length}${listed(introduced.map((key) => showKey(key, context.changes?.repeated)))}${unchecked}${rephrased}.`,
    );
  }
  if (context.nextSteps.length > 0) {
    after.push('Next steps:');
    for (const step of context.nextSteps) after.push(`  ${step.priority}. ${step.action}`);
  }
  return {
    fields: structured,
    lead: lines,
    ...(comparison ? { lists: comparison.lists ?? [] } : {}),
    notes: after,
    next:
      record.verdict === 'pass'
        ? 'validate_trace_collection with filter.run_id over repeated runs, or move on to the next behaviour.'
        : context.sessionId !== undefined
          ? 'fix, then execute_and_capture again with the same session_id; get_session_metrics shows the progression.'
          : 'fix, then run again; create_development_session tracks iterations across runs.',
    ...(record.tracesOmitted > 0
      ? {
          cuts: {
            traces: {
              count: record.tracesOmitted,
              next: `validate_trace_collection with filter.run_id="${report.runId}" judges every trace of the run`,
            },
          },
        }
      : {}),
  };
}

/**
 * The worst judged trace's comparison, as compare_trace_to_spec answers it, with its lists placed in
 * `comparison`. A run is not repeated for the rows a budget cuts: they are read with
 * compare_trace_to_spec on the same trace, when the spec is stored (an inline one needs
 * define_trace_spec first).
 */
function embeddedComparison(
  result: ComparisonResult,
  spec: { name: string; version?: number } | undefined,
  sync: RunContext['sync'],
  options: ComparisonDraftOptions,
): ResponseDraft<ComparisonFields> {
  const draft = comparisonDraft(result, spec?.version ?? 0, sync, options);
  const compare =
    spec?.version !== undefined
      ? `compare_trace_to_spec(trace_id="${result.trace_id}", spec_name="${spec.name}", spec_version=${spec.version}`
      : undefined;
  const name = spec?.name ?? result.spec_name;
  const elsewhere = compare
    ? `${compare}) lists them all`
    : `store the spec with define_trace_spec(name="${name}", specification=<the same spec>), then compare_trace_to_spec(trace_id="${result.trace_id}", spec_name="${name}") lists them all`;
  return {
    ...draft,
    lists: (draft.lists ?? []).map((section) => ({
      ...section,
      parent: 'comparison',
      elsewhere,
      ...(section.beyond
        ? {
            beyond: {
              ...section.beyond,
              next:
                compare && section.key === 'violations'
                  ? `${compare}, max_violations=200) lists them`
                  : elsewhere,
            },
          }
        : {}),
    })),
  };
}

function headline(verdict: string, report: RunReport): string {
  const spec = report.spec
    ? `spec ${report.spec.name}${report.spec.version !== undefined ? ` v${report.spec.version}` : ' (inline)'}`
    : '';
  switch (verdict) {
    case 'pass':
      return `PASS — the captured trace matches ${spec}.`;
    case 'fail':
      return `FAIL — the captured traces do not match ${spec}.`;
    case 'no_traces':
      return 'NO TRACES — no span of this run reached the receiver.';
    default:
      return 'captured (no spec to judge by: pass expected_spec, or give the session a spec).';
  }
}

function seconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function lastLines(text: string, count: number): string {
  return text.split('\n').slice(-count).join('\n');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}
