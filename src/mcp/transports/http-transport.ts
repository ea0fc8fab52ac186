import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  localhostHostValidation,
  localhostOriginValidation,
  toNodeHandler,
} from '@modelcontextprotocol/node';
import { createMcpHandler, type McpServer } from '@modelcontextprotocol/server';

export interface HttpMcpEndpoint {
  /** e.g. http://127.0.0.1:3000/mcp */
  url: string;
  close(): Promise<void>;
}

/**
 * Serves MCP over Streamable HTTP at `/mcp`, stateless (a fresh server per request, as the SDK's
 * handler does), answering both 2026-07-28 and 2025-era clients. Host and Origin are checked against
 * localhost so a web page cannot reach the server through DNS rebinding.
 */
export async function serveHttp(
  factory: () => McpServer,
  host: string,
  port: number,
): Promise<HttpMcpEndpoint> {
  const handler = createMcpHandler(factory);
  const nodeHandler = toNodeHandler(handler);
  const validateHost = localhostHostValidation();
  const validateOrigin = localhostOriginValidation();
  const server: Server = createServer((req, res) => {
    if (!validateHost(req, res) || !validateOrigin(req, res)) return;
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/mcp') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('otel-mcp serves MCP at /mcp\n');
      return;
    }
    void nodeHandler(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
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
