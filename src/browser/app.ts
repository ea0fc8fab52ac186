/**
 * The MCP App (ui://otel-mcp/views.html): a host that supports the MCP Apps extension shows it
 * beside the answer of get_trace_by_id, compare_trace_to_spec, execute_and_capture or
 * get_session_metrics. It reads which trace or session the answer named from the tool result, reads
 * the view model through the host (the otel-mcp://views/... resources) and draws it.
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

export function viewUriOf(args: ViewArgs): string | undefined {
  if (args.session_id !== undefined) return `otel-mcp://views/session/${encodeURIComponent(args.session_id)}`;
  if (args.trace_id === undefined) return undefined;
  const spec = args.spec_name !== undefined ? `/spec/${encodeURIComponent(args.spec_name)}` : '';
  return `otel-mcp://views/trace/${encodeURIComponent(args.trace_id)}${spec}`;
}

const show = async (args: ViewArgs) => {
  const uri = viewUriOf(args);
  if (uri === undefined) return;
  root.replaceChildren();
  const result = await app.readServerResource({ uri });
  const content = result.contents[0];
  const view = content && 'text' in content ? (JSON.parse(content.text) as ViewModel) : undefined;
  if (!view || !('kind' in view)) {
    root.textContent = 'No picture for this answer.';
    return;
  }
  // From a session, an iteration's trace opens against the session's spec.
  const spec = view.kind === 'session' ? view.specName : undefined;
  renderView(root, view, {
    onOpenTrace: (traceId) =>
      void show({ trace_id: traceId, ...(spec !== undefined ? { spec_name: spec } : {}) }),
  });
  document.body.dataset.rendered = view.kind;
};

app.ontoolresult = (result) => {
  const args = viewArgsOf(result.structuredContent as Record<string, unknown> | undefined);
  if (args) void show(args).catch((error: unknown) => (root.textContent = String(error)));
  else root.textContent = 'This answer names no trace or session to draw.';
};
void app.connect();
