/**
 * The MCP App (ui://otel-mcp/views.html): a host that supports the MCP Apps extension shows it
 * beside the answer of get_trace_by_id, compare_trace_to_spec, execute_and_capture or
 * get_session_metrics. It reads which trace or session the answer named from the tool result, asks
 * the server for the view model through the host (the app-only get_view_model tool) and draws it.
 */
import { App } from '@modelcontextprotocol/ext-apps';
import type { ViewModel } from '../views/index.js';
import { renderView } from './render.js';

interface ViewArgs {
  trace_id?: string;
  spec_name?: string;
  session_id?: string;
}

/** Which picture a tool result asks for: the same rule as the View: link of serve --ui. */
export function viewArgsOf(structured: Record<string, unknown> | undefined): ViewArgs | undefined {
  if (!structured) return undefined;
  if (typeof structured.session_id === 'string') return { session_id: structured.session_id };
  if (typeof structured.trace_id === 'string')
    return {
      trace_id: structured.trace_id,
      ...(typeof structured.spec_name === 'string' ? { spec_name: structured.spec_name } : {}),
    };
  const traces = structured.traces as { trace_id?: string }[] | undefined;
  const spec = structured.spec as { name?: string; version?: number } | undefined;
  if (Array.isArray(traces) && typeof traces[0]?.trace_id === 'string')
    return {
      trace_id: traces[0].trace_id,
      ...(spec?.name && spec.version !== undefined ? { spec_name: spec.name } : {}),
    };
  return undefined;
}

const root = document.getElementById('app') as HTMLElement;
const app = new App({ name: 'otel-mcp views', version: '1.0.0' });

const show = async (args: ViewArgs) => {
  root.replaceChildren();
  const result = await app.callServerTool({ name: 'get_view_model', arguments: { ...args } });
  const view = result.structuredContent as ViewModel | undefined;
  if (result.isError || !view || !('kind' in view)) {
    const text = (result.content ?? []).map((block) => ('text' in block ? block.text : '')).join('\n');
    root.textContent = text || 'No picture for this answer.';
    return;
  }
  renderView(root, view, { onOpenTrace: (traceId) => void show({ trace_id: traceId }) });
  document.body.dataset.rendered = view.kind;
};

app.ontoolresult = (result) => {
  const args = viewArgsOf(result.structuredContent as Record<string, unknown> | undefined);
  if (args) void show(args).catch((error: unknown) => (root.textContent = String(error)));
  else root.textContent = 'This answer names no trace or session to draw.';
};
void app.connect();
