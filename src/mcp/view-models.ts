/**
 * Loads what a picture needs and builds its view model (src/views): a trace's waterfall, the trace
 * against a stored spec, a session's strip. The serve --ui pages and the MCP App both draw these,
 * so the person and the host see the same thing.
 */
import { invalidArgument } from '../model/errors.js';
import { compareTraceToSpec } from '../tracespec/index.js';
import { sessionStripView, specOverlayView, waterfallView, type ViewModel } from '../views/index.js';
import { sessionProgress } from '../workflow/session-progress.js';
import type { ToolDeps } from './tool-deps.js';
import { loadTrace } from './tools/trace-lookup.js';

export interface ViewRequest {
  trace?: string;
  spec?: string;
  specVersion?: number;
  session?: string;
}

export async function buildViewModel(deps: ToolDeps, request: ViewRequest): Promise<ViewModel> {
  if (request.session !== undefined) return sessionViewModel(deps, request.session);
  if (request.trace === undefined)
    throw invalidArgument('name a trace or a session', 'pass trace (with spec for the overlay) or session');
  const trace = await loadTrace(deps, request.trace);
  if (request.spec === undefined) return waterfallView(trace);
  const spec = deps.specs.get(request.spec, request.specVersion);
  const result = compareTraceToSpec(trace, spec.spec, { maxUnexpectedGroups: Number.POSITIVE_INFINITY });
  return specOverlayView(trace, result);
}

function sessionViewModel(deps: ToolDeps, sessionId: string): ViewModel {
  const session = deps.workflow.sessions.get(sessionId);
  const iterations = deps.workflow.sessions.iterations(session.id);
  const progress = sessionProgress(session, iterations);
  const traceIds = new Map<number, string>();
  for (const iteration of iterations)
    if (iteration.record.primaryTraceId) traceIds.set(iteration.number, iteration.record.primaryTraceId);
  return sessionStripView(progress, traceIds);
}
