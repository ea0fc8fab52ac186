import * as z from 'zod';
import { OtelMcpError } from '../../../model/errors.js';
import type { DevSession } from '../../../workflow/dev-sessions.js';
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
