import * as z from 'zod';
import { suggestNextSteps } from '../../../workflow/next-steps.js';
import { listSection } from '../../response/response-draft.js';
import { responseFields } from '../../response/response-fields.js';
import { READ_ONLY, defineTool } from '../../tool-definition.js';
import { nextStepSchema } from './run-output.js';
import { pickSession, sessionIdInput } from './session-id-input.js';

export const suggestNextStepsTool = defineTool({
  name: 'suggest_next_steps',
  title: 'What to do next in a session',
  description:
    'The few most valuable next actions for a session, from its latest iteration, each with the change and why. History: get_session_metrics; a full verdict: compare_trace_to_spec.',
  toolset: 'workflow',
  input: z.object({
    session_id: sessionIdInput,
    limit: z.number().int().min(1).max(10).optional().describe('How many steps at most (default 5)'),
  }),
  output: z.object({
    session_id: z.string(),
    iteration: z.number().optional().describe('The iteration the steps are about'),
    verdict: z.string().optional(),
    steps: z.array(nextStepSchema),
    ...responseFields,
  }),
  annotations: READ_ONLY,
  async handler(input, { deps }) {
    const session = pickSession(deps, input.session_id);
    const iterations = deps.workflow.sessions.iterations(session.id);
    const latest = iterations[iterations.length - 1];
    if (!latest) {
      const text = `Session ${session.id} has no runs yet.\nNext: execute_and_capture({session_id: "${session.id}", command: ...}) runs the code and judges its traces.`;
      return { structured: { session_id: session.id, steps: [] }, text };
    }
    const previous = iterations
      .slice(0, -1)
      .reverse()
      .find((item) => item.record.verdict === 'pass' || item.record.verdict === 'fail');
    const limit = input.limit ?? 5;
    // Every step, to count those past the limit; the limit picks the most valuable first.
    const all = suggestNextSteps(latest.record, previous?.record, Number.MAX_SAFE_INTEGER);
    const pastLimit = all.length - Math.min(limit, all.length);
    return {
      fields: { session_id: session.id, iteration: latest.number, verdict: latest.record.verdict },
      lead: [
        `Session ${session.id}, iteration ${latest.number} (${latest.record.verdict.toUpperCase()}${latest.record.score !== undefined ? `, score ${latest.record.score}` : ''}):`,
      ],
      lists: [
        listSection({
          key: 'steps',
          rows: all.slice(0, limit),
          line: (step) => `${step.priority}. [${step.category}] ${step.action}\n   why: ${step.why}`,
          ...(pastLimit > 0
            ? {
                beyond: {
                  count: pastLimit,
                  next:
                    limit < 10
                      ? `raise limit (now ${limit}, at most 10)`
                      : 'act on these first; compare_trace_to_spec lists every violation of the latest run',
                },
              }
            : {}),
        }),
      ],
      notes: [
        latest.record.verdict === 'pass'
          ? 'Then: extend the spec for the next behaviour.'
          : `Then: execute_and_capture({session_id: "${session.id}"}) to check the fix.`,
      ],
    };
  },
});
