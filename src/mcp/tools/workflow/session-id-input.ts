import * as z from 'zod';
import { OtelMcpError } from '../../../model/errors.js';
import type { DevSession, Iteration } from '../../../workflow/dev-sessions.js';
import type { ToolDeps } from '../../tool-deps.js';

export const sessionIdInput = z.string().min(1).optional().describe('Session id (default: the latest)');

/** The named session, or the newest one when none is named. */
export function pickSession(deps: ToolDeps, sessionId: string | undefined): DevSession {
  if (sessionId !== undefined) return deps.workflow.sessions.get(sessionId);
  const newest = deps.workflow.sessions.recent(1)[0];
  if (!newest)
    throw new OtelMcpError(
      'NOT_FOUND',
      'there is no development session yet',
      'create one with create_development_session(project_name, spec_name), then run execute_and_capture with its session_id',
    );
  return newest;
}

/**
 * One iteration of a session (default the latest), or a NOT_FOUND that lists the ones there are.
 * `label` names the input the session came from, for the message.
 */
export function pickIteration(
  deps: ToolDeps,
  sessionId: string,
  wanted: number | undefined,
  label: string,
): { session: DevSession; iteration: Iteration; latest: boolean } {
  const session = deps.workflow.sessions.get(sessionId);
  const iterations = deps.workflow.sessions.iterations(session.id);
  const latest = iterations[iterations.length - 1];
  if (!latest) {
    throw new OtelMcpError(
      'NOT_FOUND',
      `${label}: session ${session.id} (${session.projectName}) has no iterations yet`,
      `run execute_and_capture({session_id: "${session.id}", command: ...}) first, or pass trace ids`,
    );
  }
  const iteration = wanted === undefined ? latest : iterations.find((item) => item.number === wanted);
  if (!iteration) {
    const numbers = iterations.map((item) => item.number);
    const valid = numbers.length <= 12 ? numbers.join(', ') : `${numbers[0]} to ${latest.number}`;
    throw new OtelMcpError(
      'NOT_FOUND',
      `${label}: session ${session.id} has no iteration ${wanted}`,
      `its iterations are ${valid} (${latest.number} is the latest); omit iteration for the latest`,
    );
  }
  return { session, iteration, latest: wanted === undefined };
}
