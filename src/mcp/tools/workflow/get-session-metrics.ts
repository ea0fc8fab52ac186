import * as z from 'zod';
import { sessionProgress } from '../../../workflow/session-progress.js';
import { READ_ONLY, defineTool } from '../../tool-definition.js';
import { fitList, jsonSize } from '../../output-budget.js';
import { budgetInput } from '../common-inputs.js';
import { pickSession, sessionIdInput } from './session-id-input.js';

const iterationSchema = z.object({
  number: z.number(),
  run_id: z.string(),
  finished_at: z.string(),
  verdict: z.string(),
  score: z.number().optional().describe('Share of the spec checks satisfied, 0..1'),
  checks: z.object({ passed: z.number(), total: z.number() }).optional(),
  violations: z.number(),
  fixed: z.array(z.string()).describe('Violations (kind path) gone since the previous judged iteration'),
  introduced: z.array(z.string()).describe('Violations new since the previous judged iteration'),
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
  input: z.object({ session_id: sessionIdInput, budget_tokens: budgetInput }),
  output: z.object({
    session_id: z.string(),
    project_name: z.string(),
    spec_name: z.string().optional(),
    status: z.enum(['no_runs', 'green', 'red', 'regressed', 'improving', 'unchanged', 'no_spec']),
    iteration_count: z.number(),
    iterations: z
      .array(iterationSchema)
      .describe('Newest last; the oldest are left out first when the budget is short'),
    iterations_omitted: z.number(),
    first_green: z
      .object({ iteration: z.number(), after_ms: z.number().describe('From session creation') })
      .optional(),
    duration_changes: z.array(z.object({ path: z.string(), first_ms: z.number(), latest_ms: z.number() })),
  }),
  annotations: READ_ONLY,
  async handler(input, { deps, budget }) {
    const session = pickSession(deps, input.session_id);
    const progress = sessionProgress(session, deps.workflow.sessions.iterations(session.id));
    const rows = progress.iterations.map((row) => ({
      number: row.number,
      run_id: row.runId,
      finished_at: new Date(row.finishedAtMs).toISOString(),
      verdict: row.verdict,
      ...(row.score !== undefined ? { score: row.score } : {}),
      ...(row.checks ? { checks: row.checks } : {}),
      violations: row.violationCount,
      fixed: row.fixed,
      introduced: row.introduced,
      not_evaluated: row.notEvaluated.length,
      exit_code: row.exitCode,
      timed_out: row.timedOut,
      traces: row.traceCount,
      key_spans: row.keySpans.map((span) => ({ path: span.path, duration_ms: span.durationMs })),
    }));
    // Newest iterations matter most: fit from the end.
    const fitted = fitList([...rows].reverse(), budget.chars * 0.6, jsonSize);
    const structured = {
      session_id: progress.sessionId,
      project_name: progress.projectName,
      ...(progress.specName !== undefined ? { spec_name: progress.specName } : {}),
      status: progress.status,
      iteration_count: rows.length,
      iterations: fitted.items.reverse(),
      iterations_omitted: fitted.omitted,
      ...(progress.firstGreen
        ? { first_green: { iteration: progress.firstGreen.iteration, after_ms: progress.firstGreen.afterMs } }
        : {}),
      duration_changes: progress.durationChanges.map((change) => ({
        path: change.path,
        first_ms: change.firstMs,
        latest_ms: change.latestMs,
      })),
    };
    const lines = [
      `Session ${session.id} (${session.projectName}${session.specName ? `, spec ${session.specName}` : ''}): ${rows.length} iteration${rows.length === 1 ? '' : 's'}, status ${progress.status}.`,
    ];
    for (const row of progress.iterations.slice(-10)) {
      const score = row.score !== undefined ? ` score ${row.score}` : '';
      const delta =
        row.fixed.length || row.introduced.length
          ? `, fixed ${row.fixed.length}, introduced ${row.introduced.length}`
          : '';
      const unchecked = row.notEvaluated.length > 0 ? `, ${row.notEvaluated.length} not evaluated` : '';
      lines.push(
        `  #${row.number} ${row.verdict.toUpperCase()}${score}, ${row.violationCount} violations${delta}${unchecked}${row.timedOut ? ', timed out' : row.exitCode !== 0 ? `, exit ${row.exitCode}` : ''}`,
      );
      for (const key of row.introduced.slice(0, 3)) lines.push(`      regressed: ${key}`);
    }
    if (rows.length > 10) lines.push(`  (${rows.length - 10} earlier iterations in the structured answer)`);
    if (progress.firstGreen)
      lines.push(
        `First green: iteration ${progress.firstGreen.iteration}, ${Math.round(progress.firstGreen.afterMs / 1000)} s after the session started.`,
      );
    for (const change of progress.durationChanges)
      lines.push(`  ${change.path}: ${change.firstMs} ms → ${change.latestMs} ms`);
    lines.push(
      progress.status === 'no_runs'
        ? `Next: execute_and_capture({session_id: "${session.id}", command: ...}).`
        : progress.status === 'green'
          ? 'Next: the latest run is green; validate_trace_collection over more runs, or extend the spec for the next behaviour.'
          : `Next: suggest_next_steps({session_id: "${session.id}"}) for what to fix first.`,
    );
    return { structured, text: lines.join('\n') };
  },
});
