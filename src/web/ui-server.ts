/**
 * `otel-mcp serve --ui PORT`: the pictures for a person, on loopback only. A home page lists
 * services, recent traces, specs and sessions; /trace/ID (with ?spec=NAME for the overlay) and
 * /session/ID draw the views; /api/view returns their view models as JSON. Every request passes the
 * same Host/Origin check as MCP over HTTP (no DNS rebinding), and every page carries a CSP that
 * allows nothing but this server's own script and style.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { errorMessage, isOtelMcpError } from '../model/errors.js';
import type { ToolDeps } from '../mcp/tool-deps.js';
import { checkHostAndOrigin } from '../mcp/transports/http-auth.js';
import { buildViewModel, type ViewRequest } from '../mcp/view-models.js';
import type { ViewModel } from '../views/index.js';

export const UI_HOST = '127.0.0.1';
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
/** Recent traces on the home page: a screenful. */
const RECENT_TRACES = 30;
const RECENT_SESSIONS = 20;

export interface UiServer {
  url: string;
  close(): Promise<void>;
}

export async function serveUi(deps: ToolDeps, options: { port: number; uiDir: string }): Promise<UiServer> {
  const assets = {
    '/ui/page.js': {
      type: 'text/javascript; charset=utf-8',
      body: readFileSync(join(options.uiDir, 'page.js')),
    },
    '/ui/views.css': {
      type: 'text/css; charset=utf-8',
      body: readFileSync(join(options.uiDir, 'views.css')),
    },
  } as const;
  let boundPort = options.port;
  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) =>
      send(res, 500, 'text/plain; charset=utf-8', errorMessage(error)),
    );
  });
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const verdict = checkHostAndOrigin(req, { port: boundPort, bindHost: UI_HOST });
    if (!verdict.ok) return send(res, verdict.status, 'text/plain; charset=utf-8', verdict.message);
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return send(res, 405, 'text/plain; charset=utf-8', 'only GET');
    const url = new URL(req.url ?? '/', `http://${UI_HOST}`);
    const asset = assets[url.pathname as keyof typeof assets];
    if (asset) return send(res, 200, asset.type, asset.body);
    // Browsers ask for it on every page; an empty answer keeps their consoles clean.
    if (url.pathname === '/favicon.ico') return send(res, 204, 'image/x-icon', '');
    if (url.pathname === '/') return send(res, 200, 'text/html; charset=utf-8', await homePage(deps));
    const request = viewRequestOf(url);
    if (!request) return send(res, 404, 'text/plain; charset=utf-8', 'no such page: try /');
    let view: ViewModel;
    try {
      view = await buildViewModel(deps, request);
    } catch (error) {
      const status = isOtelMcpError(error) && error.code === 'NOT_FOUND' ? 404 : 400;
      const hint = isOtelMcpError(error) && error.hint ? ` (${error.hint})` : '';
      return send(
        res,
        status,
        'text/plain; charset=utf-8',
        deps.redact.text(`${errorMessage(error)}${hint}`),
      );
    }
    const json = deps.redact.text(JSON.stringify(view));
    if (url.pathname === '/api/view') return send(res, 200, 'application/json', json);
    return send(res, 200, 'text/html; charset=utf-8', viewPage(titleOf(view), json));
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, UI_HOST, () => resolve());
  });
  boundPort = (server.address() as AddressInfo).port;
  return {
    url: `http://${UI_HOST}:${boundPort}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** /trace/ID[?spec=NAME[&version=N]], /session/ID and /api/view?trace=…|session=…. */
function viewRequestOf(url: URL): ViewRequest | undefined {
  const params = url.searchParams;
  const spec = params.get('spec') ?? undefined;
  const version = params.get('version');
  const specPart = {
    ...(spec ? { spec } : {}),
    ...(version && /^\d+$/.test(version) ? { specVersion: Number(version) } : {}),
  };
  const trace = /^\/trace\/([0-9a-fA-F]{1,32})$/.exec(url.pathname);
  if (trace) return { trace: trace[1] as string, ...specPart };
  const session = /^\/session\/([\w.-]{1,100})$/.exec(url.pathname);
  if (session) return { session: session[1] as string };
  if (url.pathname === '/api/view') {
    const traceId = params.get('trace');
    const sessionId = params.get('session');
    if (sessionId) return { session: sessionId };
    if (traceId) return { trace: traceId, ...specPart };
  }
  return undefined;
}

function titleOf(view: ViewModel): string {
  if (view.kind === 'session') return `session ${view.sessionId}`;
  if (view.kind === 'overlay') return `trace ${view.traceId.slice(0, 8)} vs ${view.specName}`;
  return `trace ${view.traceId.slice(0, 8)}`;
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, {
    'content-type': type,
    'content-security-policy': CSP,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
  });
  res.end(body);
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char] as string);
}

function shell(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(title)} · otel-mcp</title><link rel="stylesheet" href="/ui/views.css"></head><body>${body}</body></html>\n`;
}

function viewPage(title: string, json: string): string {
  // JSON in a data block: `<` escaped so no span name can close the element.
  const data = json.replace(/</g, '\\u003c');
  return shell(
    title,
    `<nav id="nav"><a href="/">otel-mcp</a></nav><div id="app"></div><script type="application/json" id="view-model">${data}</script><script src="/ui/page.js"></script>`,
  );
}

async function homePage(deps: ToolDeps): Promise<string> {
  const backend = deps.backends.get(undefined);
  const [services, traces] = await Promise.all([
    backend.listServices().catch(() => [] as string[]),
    backend.findTraces({ limit: RECENT_TRACES }).catch(() => []),
  ]);
  const specs = deps.specs.list();
  const sessions = deps.workflow.sessions.recent(RECENT_SESSIONS);
  const firstSpec = specs[0]?.name;
  const rows = (cells: string[][]) =>
    cells.map((row) => `<tr>${row.map((cell) => `<td>${cell}</td>`).join('')}</tr>`).join('');
  const section = (title: string, empty: string, table: string) =>
    `<h2>${title}</h2>${table ? `<table class="list">${table}</table>` : `<p class="none">${empty}</p>`}`;
  const body = [
    `<div id="app"><h1>otel-mcp</h1>`,
    section(
      'Services',
      'No services yet: send spans to the OTLP receiver.',
      rows(services.map((name) => [escapeHtml(name)])),
    ),
    section(
      'Recent traces',
      'No traces yet.',
      rows(
        traces.map((trace) => [
          `<a href="/trace/${trace.traceId}">${trace.traceId.slice(0, 12)}</a>`,
          escapeHtml(`${trace.rootServiceName ?? '?'}: ${trace.rootName ?? '?'}`),
          `${trace.spanCount} spans`,
          `${Math.round(trace.durationMs)} ms`,
          trace.errorCount > 0 ? `<span class="introduced">${trace.errorCount} errors</span>` : '',
          firstSpec
            ? `<a href="/trace/${trace.traceId}?spec=${encodeURIComponent(firstSpec)}">vs ${escapeHtml(firstSpec)}</a>`
            : '',
        ]),
      ),
    ),
    section(
      'Specs',
      'No specs yet: define_trace_spec stores one.',
      rows(specs.map((spec) => [escapeHtml(spec.name), `v${spec.latestVersion}`])),
    ),
    section(
      'Sessions',
      'No development sessions yet.',
      rows(
        sessions.map((session) => [
          `<a href="/session/${encodeURIComponent(session.id)}">${escapeHtml(session.id)}</a>`,
          escapeHtml(session.projectName),
          session.specName ? escapeHtml(session.specName) : '',
          `${session.iterationCount} iterations`,
        ]),
      ),
    ),
    '</div>',
  ].join('');
  return deps.redact.text(shell('otel-mcp', body));
}
