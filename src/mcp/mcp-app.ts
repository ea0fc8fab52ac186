/**
 * The MCP App (the MCP Apps extension, io.modelcontextprotocol/ui): one HTML resource,
 * ui://otel-mcp/views.html, that a supporting host renders beside the answers of the tools that
 * name a trace or a session. The app reads its view model as a resource through the host
 * (otel-mcp://views/...), so no tool is added to the catalog; a host without the extension ignores
 * the `_meta` and shows the text answer as before.
 */
import { existsSync, readFileSync } from 'node:fs';
import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/server';
import type { ToolDeps } from './tool-deps.js';
import { buildViewModel, type ViewRequest } from './view-models.js';

export const VIEWS_APP_URI = 'ui://otel-mcp/views.html';
export const MCP_APP_MIME_TYPE = 'text/html;profile=mcp-app';
/** The tools whose answers the app draws. */
export const VIEW_TOOLS: ReadonlySet<string> = new Set([
  'get_trace_by_id',
  'compare_trace_to_spec',
  'execute_and_capture',
  'get_session_metrics',
]);

/** A tool's `_meta` linking the app: the current key and the one older hosts read. */
export const VIEW_TOOL_META = {
  ui: { resourceUri: VIEWS_APP_URI },
  'ui/resourceUri': VIEWS_APP_URI,
} as const;

/**
 * Nothing from elsewhere: the script and style are inlined (the host's sandbox has no origin to
 * load from), and the app reaches the server only through the host.
 */
const APP_CSP = { connectDomains: [], resourceDomains: [], frameDomains: [], baseUriDomains: [] };

export function registerViewsApp(server: McpServer, deps: ToolDeps, appHtmlFile: string | undefined): void {
  let html: string | undefined;
  const appHtml = () => {
    if (html === undefined)
      html =
        appHtmlFile && existsSync(appHtmlFile)
          ? readFileSync(appHtmlFile, 'utf8')
          : '<!doctype html><p>The otel-mcp views are not built (npm run build writes dist/ui/views.html).</p>';
    return html;
  };
  server.registerResource(
    'views_app',
    VIEWS_APP_URI,
    {
      title: 'Pictures of traces, specs and sessions (MCP App)',
      mimeType: MCP_APP_MIME_TYPE,
      _meta: { ui: { csp: APP_CSP, prefersBorder: true } },
    },
    async (uri) => ({
      contents: [
        {
          uri: uri.href,
          mimeType: MCP_APP_MIME_TYPE,
          text: appHtml(),
          _meta: { ui: { csp: APP_CSP, prefersBorder: true } },
        },
      ],
    }),
  );
  const viewResource = (
    name: string,
    template: string,
    request: (variables: Record<string, string | string[]>) => ViewRequest,
  ) =>
    server.registerResource(
      name,
      new ResourceTemplate(template, { list: undefined }),
      { title: 'A view model of the otel-mcp views app', mimeType: 'application/json' },
      async (uri, variables) => ({
        contents: [
          {
            uri: uri.href,
            mimeType: 'application/json',
            text: deps.redact.text(JSON.stringify(await buildViewModel(deps, request(variables)))),
          },
        ],
      }),
    );
  const one = (value: string | string[] | undefined) =>
    decodeURIComponent(String(Array.isArray(value) ? value[0] : value));
  viewResource('trace_view', 'otel-mcp://views/trace/{trace_id}', (variables) => ({
    trace: one(variables.trace_id),
  }));
  viewResource('trace_spec_view', 'otel-mcp://views/trace/{trace_id}/spec/{spec_name}', (variables) => ({
    trace: one(variables.trace_id),
    spec: one(variables.spec_name),
  }));
  viewResource('session_view', 'otel-mcp://views/session/{session_id}', (variables) => ({
    session: one(variables.session_id),
  }));
}
