import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { createMcpHandler, type McpServer } from '@modelcontextprotocol/server';
import { checkHttpRequest } from './http-auth.js';

export interface HttpMcpEndpoint {
  /** e.g. http://127.0.0.1:3000/mcp */
  url: string;
  close(): Promise<void>;
}

/**
 * Serves MCP over Streamable HTTP at `/mcp`, stateless (a fresh server per request, as the SDK's
 * handler does), answering both 2026-07-28 and 2025-era clients. Every request needs the bearer
 * token, and a Host and Origin naming this listener (http-auth.ts says which names pass).
 */
export async function serveHttp(
  factory: () => McpServer,
  options: { host: string; port: number; token: string; allowedHosts?: readonly string[] },
): Promise<HttpMcpEndpoint> {
  const handler = createMcpHandler(factory);
  const nodeHandler = toNodeHandler(handler);
  let boundPort = options.port;
  const server: Server = createServer((req, res) => {
    const verdict = checkHttpRequest(req, {
      port: boundPort,
      bindHost: options.host,
      token: options.token,
      ...(options.allowedHosts ? { allowedHosts: options.allowedHosts } : {}),
    });
    if (!verdict.ok) {
      res
        .writeHead(verdict.status, {
          'content-type': 'application/json',
          ...(verdict.status === 401 ? { 'www-authenticate': 'Bearer realm="otel-mcp"' } : {}),
        })
        .end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32001, message: verdict.message }, id: null }));
      return;
    }
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/mcp') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('otel-mcp serves MCP at /mcp\n');
      return;
    }
    void nodeHandler(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  boundPort = address.port;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}/mcp`,
    async close() {
      await handler.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
    },
  };
}
