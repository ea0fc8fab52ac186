import * as z from 'zod';
import { sessionProgress, showKey } from '../../../workflow/session-progress.js';
import { READ_ONLY, defineTool } from '../../tool-definition.js';
import { listSection } from '../../response/response-draft.js';
import { cursorInput, responseFields } from '../../response/response-fields.js';
import { budgetInput } from '../common-inputs.js';
import { pickSession, sessionIdInput } from './session-id-input.js';
import { plural } from '../../../model/plural.js';

const iterationSchema = z.object({
  number: z.number(),
  run_id: z.string(),
  finished_at: z.string(),
  verdict: z.string(),
  score: z.number().optional().describe('Share of the spec checks satisfied, 0..1'),
  checks: z.object({ passed: z.number(), total: z.number() }).optional(),
  violations: z.number().describe("The judged trace's violations, as execute_and_capture counts them"),
  fixed: z
    .array(z.string())
    .describe('Violations (kind path) gone since the previous judged iteration; one key per kind and entry'),
  introduced: z
    .array(z.string())
    .describe('Violations (kind path) new since the previous judged iteration; one key per kind and entry'),
  spans_lost: z
    .array(z.object({ path: z.string(), why: z.string() }))
    .describe(
      "Entries whose spans never arrived (a crash, or an exporter that did not send): lost telemetry, not a regression of the code's tracing; fixed and introduced leave them out",
    ),
  not_evaluated: z
    .number()
    .describe(
      'Spec entries this iteration could not check (parent entry missing, spans lost); fixed and introduced leave them out',
    ),
  exit_code: z.number().nullable(),
  timed_out: z.boolean(),
  traces: z.number(),
  key_spans: z
    .array(z.object({ path: z.string(), duration_ms: z.number() }))
    .describe('Longest matched span per spec entry'),
});

export const getSessionMetricsTool = defineTool({
  name: 'get_session_metrics',
  synonyms: ['get_session_progress'],
  title: 'Session progress',
  description:
    "A session's progress: each iteration's verdict and score, violations fixed and introduced, key span durations, time to first green. Default: the latest session. What to do next: suggest_next_steps.",
  toolset: 'workflow',
  input: z.object({ session_id: sessionIdInput, budget_tokens: budgetInput, cursor: cursorInput }),
  output: z.object({
    session_id: z.string(),
    project_name: z.string(),
    spec_name: z.string().optional(),
    status: z
      .enum(['no_runs', 'green', 'red', 'regressed', 'spans_lost', 'improving', 'unchanged', 'no_spec'])
      .describe(
        'spans_lost: the latest iteration lost spans to a crash or an exporter and broke nothing else it could check',
      ),
    iteration_count: z.number(),
    iterations: z.array(iterationSchema).describe('Newest first'),
    first_green: z
      .object({ iteration: z.number(), after_ms: z.number().describe('From session creation') })
      .optional(),
    duration_changes: z.array(z.object({ path: z.string(), first_ms: z.number(), latest_ms: z.number() })),
    ...responseFields,
  }),
  annotations: READ_ONLY,
  async handler(input, { deps }) {
    const session = pickSession(deps, input.session_id);
    const progress = sessionProgress(session, deps.workflow.sessions.iterations(session.id));
    // Newest first: a page short of room shows the iterations that matter most.
    const rows = [...progress.iterations].reverse().map((row) => ({
      number: row.number,
      run_id: row.runId,
      finished_at: new Date(row.finishedAtMs).toISOString(),
      verdict: row.verdict,
      ...(row.score !== undefined ? { score: row.score } : {}),
      ...(row.checks ? { checks: row.checks } : {}),
      violations: row.violationCount,
      fixed: row.fixed,
      introduced: row.introduced,
      spans_lost: row.lost.map(({ path, why }) => ({ path, why })),
      not_evaluated: row.notEvaluated.length,
      exit_code: row.exitCode,
      timed_out: row.timedOut,
      traces: row.traceCount,
      key_spans: row.keySpans.map((span) => ({ path: span.path, duration_ms: span.durationMs })),
    }));
    const repeated = new Map(progress.iterations.map((row) => [row.number, row.repeated]));
    const durationChanges = progress.durationChanges.map((change) => ({
      path: change.path,
      first_ms: change.firstMs,
      latest_ms: change.latestMs,
    }));
    const lead = [
      `Session ${session.id} (${session.projectName}${session.specName ? `, spec ${session.specName}` : ''}): ${rows.length} iteration${rows.length === 1 ? '' : 's'}, status ${progress.status}.`,
    ];
    if (progress.firstGreen)
      lead.push(
        `First green: iteration ${progress.firstGreen.iteration}, ${Math.round(progress.firstGreen.afterMs / 1000)} s after the session started.`,
      );
    return {
      fields: {
        session_id: progress.sessionId,
        project_name: progress.projectName,
        ...(progress.specName !== undefined ? { spec_name: progress.specName } : {}),
        status: progress.status,
        iteration_count: rows.length,
        ...(progress.firstGreen
          ? {
              first_green: {
                iteration: progress.firstGreen.iteration,
                after_ms: progress.firstGreen.afterMs,
              },
            }
          : {}),
      },
      lead,
      lists: [
        listSection({
          key: 'iterations',
          rows,
          heading: 'Iterations, newest first:',
          weight: 2,
          line: (row) => {
            const score = row.score !== undefined ? ` score ${row.score}` : '';
            const delta =
              row.fixed.length || row.introduced.length
                ? `, fixed ${row.fixed.length}, introduced ${row.introduced.length}`
                : '';
            const unchecked = row.not_evaluated > 0 ? `, ${row.not_evaluated} not evaluated` : '';
            const exit = row.timed_out ? ', timed out' : row.exit_code !== 0 ? `, exit ${row.exit_code}` : '';
            return [
              `  #${row.number} ${row.verdict.toUpperCase()}${score}, ${plural(row.violations, 'violation')}${delta}${unchecked}${exit}`,
              ...row.introduced.map((key) => `      regressed: ${showKey(key, repeated.get(row.number))}`),
              ...row.spans_lost.map(
                (lost) => `      spans lost, not a regression: ${lost.path} (${lost.why})`,
              ),
            ].join('\n');
          },
        }),
        listSection({
          key: 'duration_changes',
          rows: durationChanges,
          heading: 'Key span durations, first → latest run:',
          line: (change) => `  ${change.path}: ${change.first_ms} ms → ${change.latest_ms} ms`,
        }),
      ],
      next:
        progress.status === 'no_runs'
          ? `execute_and_capture({session_id: "${session.id}", command: ...}).`
          : progress.status === 'green'
            ? 'the latest run is green; validate_trace_collection over more runs, or extend the spec for the next behaviour.'
            : `suggest_next_steps({session_id: "${session.id}"}) for what to fix first.`,
    };
  },
});
