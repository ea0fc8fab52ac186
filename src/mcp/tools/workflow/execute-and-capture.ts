import * as z from 'zod';
import { invalidArgument } from '../../../model/errors.js';
import type { DevSession } from '../../../workflow/dev-sessions.js';
import { iterationRecordOf } from '../../../workflow/iteration-record.js';
import { suggestNextSteps } from '../../../workflow/next-steps.js';
import { sessionProgress } from '../../../workflow/session-progress.js';
import { defineTool } from '../../tool-definition.js';
import { budgetInput } from '../common-inputs.js';
import { specDocumentInput, syncSpecFiles } from '../specs/spec-common.js';
import {
  envInput,
  servicesInput,
  startTogetherInput,
  toServiceRequests,
  workingDirInput,
} from './run-inputs.js';
import { resolveRunSpec } from './run-spec.js';
import { runDraft, runOutputSchema, type RunContext } from './run-output.js';

export const executeAndCaptureTool = defineTool({
  name: 'execute_and_capture',
  synonyms: ['run_and_capture'],
  title: 'Run code and judge its traces',
  description:
    "Runs a command (after starting services with ready checks) with the OpenTelemetry SDK pointed at otel-mcp, waits for the run's traces, stops the services so they flush, and judges the traces against the spec (the session's or expected_spec): exit code, output tails, traces, violations with fixes. Spans a service made but never delivered are reported as lost telemetry. A trace from elsewhere: compare_trace_to_spec; progress: get_session_metrics.",
  toolset: 'workflow',
  input: z.object({
    command: z.string().min(1).optional().describe("Shell command to run (default: the session's command)"),
    service_command: z.string().min(1).optional().describe('Same as command (the plan’s name for it)'),
    session_id: z
      .string()
      .min(1)
      .optional()
      .describe('Record this run as the next iteration of a session (create_development_session)'),
    expected_spec: specDocumentInput
      .optional()
      .describe("Spec to judge by: a stored name or an inline spec (default: the session's)"),
    working_dir: workingDirInput,
    env: envInput,
    services: servicesInput,
    start_services_together: startTogetherInput,
    timeout_ms: z
      .number()
      .int()
      .min(100)
      .max(3_600_000)
      .optional()
      .describe('Kill the command (and its process group) after this; default from config (120 s)'),
    settle_ms: z
      .number()
      .int()
      .min(0)
      .max(60_000)
      .optional()
      .describe('No new span for this long = settled (default 300)'),
    capture_timeout_ms: z
      .number()
      .int()
      .min(100)
      .max(600_000)
      .optional()
      .describe('The longest wait for spans after the run (default 10 s)'),
    repeat: z
      .number()
      .int()
      .min(1)
      .max(100)
      .optional()
      .describe('Run the command this many times (services start once): pass rate and flaky entries'),
    budget_tokens: budgetInput,
  }),
  output: runOutputSchema,
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  async handler(input, { deps, progress, signal }) {
    if (
      input.command !== undefined &&
      input.service_command !== undefined &&
      input.command !== input.service_command
    ) {
      throw invalidArgument('command and service_command differ', 'pass one of them');
    }
    const session: DevSession | undefined =
      input.session_id !== undefined ? deps.workflow.sessions.get(input.session_id) : undefined;
    const settings = session?.settings ?? {};
    const command = input.command ?? input.service_command ?? settings.command;
    if (command === undefined) {
      throw invalidArgument(
        session
          ? `session ${session.id} has no default command, and none was passed`
          : 'pass command (the shell command to run)',
        'e.g. command: "npm test", or "curl -s localhost:8080/checkout" with services that start the server',
      );
    }
    const sync = await syncSpecFiles(deps);
    const spec = resolveRunSpec(deps, input.expected_spec, session);
    const services = input.services ? toServiceRequests(input.services) : (settings.services ?? []);
    const workingDir = input.working_dir ?? settings.workingDir;
    const env = { ...settings.env, ...input.env };

    const report = await deps.workflow.execute(
      {
        command,
        ...(workingDir !== undefined ? { workingDir } : {}),
        ...(Object.keys(env).length > 0 ? { env } : {}),
        services,
        ...((input.start_services_together ?? settings.startServicesTogether)
          ? { startServicesTogether: true }
          : {}),
        ...(spec ? { spec } : {}),
        ...(input.timeout_ms !== undefined ? { timeoutMs: input.timeout_ms } : {}),
        ...(input.settle_ms !== undefined ? { settleMs: input.settle_ms } : {}),
        ...(input.capture_timeout_ms !== undefined ? { captureTimeoutMs: input.capture_timeout_ms } : {}),
        ...(input.repeat !== undefined ? { repeat: input.repeat } : {}),
      },
      { ...(progress ? { onProgress: progress } : {}), ...(signal ? { signal } : {}) },
    );

    if (!session) {
      const record = iterationRecordOf(report, command);
      return runDraft({ report, command, sync, record, nextSteps: suggestNextSteps(record, undefined) });
    }
    const iteration = deps.workflow.sessions.record(session.id, report, command);
    const iterations = deps.workflow.sessions.iterations(session.id);
    // Fixed and introduced are counted against the previous run that had a verdict.
    const previous = iterations
      .filter(
        (item) =>
          item.number < iteration.number &&
          (item.record.verdict === 'pass' || item.record.verdict === 'fail'),
      )
      .pop();
    const row = sessionProgress(session, iterations).iterations.find(
      (item) => item.number === iteration.number,
    );
    const context: RunContext = {
      report,
      command,
      sync,
      record: iteration.record,
      sessionId: session.id,
      iteration: iteration.number,
      ...(previous && row
        ? {
            changes: {
              sinceIteration: previous.number,
              fixed: row.fixed,
              introduced: row.introduced,
              repeated: row.repeated,
              notEvaluated: row.notEvaluated,
              changed: row.changed,
              ...(sameGroups(previous.record.unexpectedGroups, iteration.record.unexpectedGroups)
                ? { sameUnexpected: true }
                : {}),
            },
          }
        : {}),
      nextSteps: suggestNextSteps(iteration.record, previous?.record),
    };
    return runDraft(context);
  },
});

/** Both runs recorded the same non-empty groups of spans no entry expects (older records have none). */
function sameGroups(before: readonly string[] | undefined, now: readonly string[] | undefined): boolean {
  return (
    before !== undefined &&
    now !== undefined &&
    now.length > 0 &&
    before.length === now.length &&
    before.every((group, index) => group === now[index])
  );
}
