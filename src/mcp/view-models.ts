/**
 * Loads what a picture needs and builds its view model (src/views): a trace's waterfall, the trace
 * against a stored spec, a session's strip. The serve --ui pages and the MCP App both draw these,
 * so the person and the host see the same thing.
 */
import { invalidArgument } from '../model/errors.js';
import type { LogRecord } from '../model/log-record.js';
import { sessionStripView, specOverlayView, waterfallView, type ViewModel } from '../views/index.js';
import { sessionProgress } from '../workflow/session-progress.js';
import type { ToolDeps } from './tool-deps.js';
import { compareForAnswer } from './tools/analysis/compare-trace-to-spec.js';
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
  const { logs, truncated } = await traceLogs(deps, trace.traceId);
  if (request.spec === undefined) return waterfallView(trace, logs, { truncated });
  const spec = deps.specs.get(request.spec, request.specVersion);
  const result = compareForAnswer(trace, spec.spec);
  return specOverlayView(trace, result, logs, { truncated });
}

/**
 * Log records read per picture: at ~200 bytes each in the view model, 2,000 keep it near 400 KB;
 * a span shows at most MAX_LOGS_PER_SPAN of them and says how many more it had.
 */
export const MAX_TRACE_LOGS = 2_000;

/**
 * The trace's oldest MAX_TRACE_LOGS log records when the backend keeps logs (the embedded store
 * does), else none. One more is asked for, so a cut is known and the picture can say where it is
 * instead of drawing the later spans as if they had logged nothing.
 */
async function traceLogs(
  deps: ToolDeps,
  traceId: string,
): Promise<{ logs: LogRecord[]; truncated: boolean }> {
  const backend = deps.backends.get();
  if (!backend.capabilities.logs || !backend.getLogs) return { logs: [], truncated: false };
  const logs = await backend.getLogs({ traceId, limit: MAX_TRACE_LOGS + 1 });
  return { logs: logs.slice(0, MAX_TRACE_LOGS), truncated: logs.length > MAX_TRACE_LOGS };
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
