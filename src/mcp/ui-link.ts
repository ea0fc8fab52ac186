/**
 * With serve --ui on, an answer that names a trace or a session ends with one `View: URL` line, so
 * the person beside the agent can open the picture. One line, ~70 characters: the answer's budget
 * barely notices it.
 */
import { isValidTraceId } from '../model/ids.js';
import type { ToolOutput } from './tool-definition.js';

export interface UiLinks {
  /** `http://127.0.0.1:PORT`, without a trailing slash. */
  baseUrl: string;
}

/** The page for an answer's structured data, or undefined when it names no trace or session. */
export function viewPathOf(structured: Record<string, unknown>): string | undefined {
  if (typeof structured.session_id === 'string')
    return `/session/${encodeURIComponent(structured.session_id)}`;
  let traceId = typeof structured.trace_id === 'string' ? structured.trace_id : undefined;
  let spec = typeof structured.spec_name === 'string' ? structured.spec_name : undefined;
  // execute_and_capture: its first trace, against the spec it was judged by.
  if (traceId === undefined && Array.isArray(structured.traces)) {
    const first = structured.traces[0] as { trace_id?: unknown } | undefined;
    if (typeof first?.trace_id === 'string') traceId = first.trace_id;
    const named = structured.spec as { name?: unknown; version?: unknown } | undefined;
    if (typeof named?.name === 'string' && named.version !== undefined) spec = named.name;
  }
  if (traceId === undefined || !isValidTraceId(traceId)) return undefined;
  return `/trace/${traceId}${spec !== undefined ? `?spec=${encodeURIComponent(spec)}` : ''}`;
}

export function withViewLink<T extends Record<string, unknown>>(
  output: ToolOutput<T>,
  ui: UiLinks | undefined,
): ToolOutput<T> {
  if (!ui) return output;
  const path = viewPathOf(output.structured);
  if (path === undefined) return output;
  return { ...output, text: `${output.text}\nView: ${ui.baseUrl}${path}` };
}
