/**
 * Starts the whole otel-mcp app in-process on a temporary data dir with OS-chosen receiver ports,
 * and connects a real MCP client to it — over the SDK's Streamable HTTP handler (2026-07-28 era)
 * or over an in-memory pair (2025 era).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, InMemoryTransport, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { createMcpHandler } from '@modelcontextprotocol/server';
import { startApp, type OtelMcpApp } from '../../src/cli/app.js';
import { createStderrLogger } from '../../src/cli/stderr-logger.js';
import { loadConfig, type ConfigFlags } from '../../src/config/load-config.js';

export interface Harness {
  app: OtelMcpApp;
  client: Client;
  dataDir: string;
  /** OTLP/HTTP base URL of the embedded receiver. */
  otlpHttpUrl: string;
  /** host:port of the OTLP/gRPC listener. */
  otlpGrpcAddress: string;
  /** Calls a tool and returns its result, failing loudly on a protocol error. */
  call(name: string, args?: Record<string, unknown>): Promise<ToolCall>;
  close(): Promise<void>;
}

export interface ToolCall {
  isError: boolean;
  text: string;
  structured: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface HarnessOptions {
  era?: 'modern' | 'legacy';
  env?: Record<string, string>;
  flags?: ConfigFlags;
  dataDir?: string;
  now?: () => Date;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'otel-mcp-test-'));
  const { config } = loadConfig({
    flags: {
      dataDir,
      specsDir: join(dataDir, 'trace-specs'),
      otlpHttpPort: 0,
      otlpGrpcPort: 0,
      ...options.flags,
    },
    env: options.env ?? {},
    cwd: dataDir,
  });
  // Port 0 in config means "off"; tests want OS-chosen ports, so ask for them explicitly.
  if (options.flags?.otlpHttpPort === undefined) config.receiver.http_port = 0;
  if (options.flags?.otlpGrpcPort === undefined) config.receiver.grpc_port = 0;
  const app = await startApp({ config, log: createStderrLogger('warn'), version: 'test', now: options.now });
  const client = new Client(
    { name: 'otel-mcp-tests', version: '1.0.0' },
    options.era === 'legacy' ? {} : { versionNegotiation: { mode: 'auto' } },
  );
  let closeServerSide: () => Promise<void>;
  if (options.era === 'legacy') {
    const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
    const server = app.serverFactory();
    await server.connect(serverTransport);
    await client.connect(clientTransport);
    closeServerSide = () => server.close();
  } else {
    const handler = createMcpHandler(app.serverFactory);
    const transport = new StreamableHTTPClientTransport(new URL('http://127.0.0.1/mcp'), {
      fetch: (url, init) => handler.fetch(new Request(url, init)),
    });
    await client.connect(transport);
    closeServerSide = () => handler.close();
  }
  const status = app.receiver.status();
  const http = status.find((item) => item.protocol === 'http' && item.listening);
  const grpc = status.find((item) => item.protocol === 'grpc' && item.listening);
  return {
    app,
    client,
    dataDir,
    otlpHttpUrl: http ? `http://127.0.0.1:${http.port}` : '',
    otlpGrpcAddress: grpc ? `127.0.0.1:${grpc.port}` : '',
    async call(name, args = {}) {
      // The SDK gives up on a request after 60 s; an execute_and_capture that starts five services
      // took longer than that on the loaded CI machine. The test's own timeout guards against hangs.
      const result = await client.callTool({ name, arguments: args }, { timeout: 900_000 });
      const content = (result.content ?? []) as { type: string; text?: string }[];
      return {
        isError: result.isError === true,
        text: content.map((block) => block.text ?? '').join('\n'),
        structured: (result.structuredContent ?? {}) as Record<string, unknown>,
      };
    },
    async close() {
      await client.close();
      await closeServerSide();
      await app.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
