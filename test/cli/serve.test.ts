import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.js';
import { createSdkTracer } from '../support/sdk-tracer.js';
import { waitFor } from '../support/wait-for.js';

const CLI = resolve('dist/cli/main.js');

function stdioClient(args: string[], env: Record<string, string> = {}) {
  const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, ...args], env: { ...process.env, ...env } as Record<string, string>, stderr: 'pipe' });
  const client = new Client({ name: 'cli-test', version: '1.0.0' });
  return { client, transport };
}

function text(result: { content?: unknown }): string {
  return ((result.content ?? []) as { text?: string }[]).map((block) => block.text ?? '').join('\n');
}

async function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

describe('the built otel-mcp command', () => {
  let dataDir: string;
  beforeAll(() => {
    expect(existsSync(CLI), 'run npm run build first').toBe(true);
    dataDir = mkdtempSync(join(tmpdir(), 'otel-mcp-cli-'));
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('prints its version and help, and refuses an unknown flag with exit code 2', async () => {
    expect((await runCli(['--version'])).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const help = await runCli(['--help']);
    expect(help.stdout).toContain('--otlp-http-port');
    const bad = await runCli(['--otlp-http-prot', '1']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Unknown option '--otlp-http-prot'/);
  });

  it('exits with a clear message on an invalid config file', async () => {
    const file = join(dataDir, 'bad.yaml');
    writeFileSync(file, 'receiver: { http_port: "four" }\n');
    const result = await runCli(['--config', file, '--data-dir', dataDir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/receiver\.http_port: .*number/);
  });

  it('serves MCP over stdio, receives spans, and keeps them across a restart', async () => {
    const httpPort = await freePort();
    const args = ['serve', '--data-dir', dataDir, '--otlp-http-port', String(httpPort), '--otlp-grpc-port', '0'];
    const first = stdioClient(args);
    await first.client.connect(first.transport);
    const endpoint = await first.client.callTool({ name: 'get_otlp_endpoint', arguments: {} });
    expect(text(endpoint)).toContain(`http://127.0.0.1:${httpPort}`);

    const sdk = createSdkTracer({ serviceName: 'stdio-service', exporter: 'http-protobuf', endpoint: `http://127.0.0.1:${httpPort}` });
    sdk.tracer.startSpan('work').end();
    await sdk.flush();
    await waitFor('the span to be listed', async () => {
      const result = await first.client.callTool({ name: 'list_services', arguments: {} });
      return text(result).includes('stdio-service') ? true : undefined;
    });
    await first.client.close();

    const second = stdioClient(args);
    await second.client.connect(second.transport);
    const traces = await second.client.callTool({ name: 'get_traces', arguments: { service_name: 'stdio-service', time_range: '1h' } });
    expect((traces.structuredContent as { traces: unknown[] }).traces).toHaveLength(1);
    await second.client.close();
  });

  it('starts even when the OTLP port is taken, and says so in get_otlp_endpoint', async () => {
    const blocker = createServer();
    const port = await new Promise<number>((done) => blocker.listen(0, '127.0.0.1', () => done((blocker.address() as { port: number }).port)));
    try {
      const { client, transport } = stdioClient(['--data-dir', dataDir, '--otlp-http-port', String(port), '--otlp-grpc-port', '0']);
      await client.connect(transport);
      const result = await client.callTool({ name: 'get_otlp_endpoint', arguments: {} });
      expect(text(result)).toMatch(/not listening.*(in use|EADDRINUSE)/i);
      await client.close();
    } finally {
      blocker.close();
    }
  });

  it('serves Streamable HTTP on loopback and refuses a foreign Origin', async () => {
    const mcpPort = await freePort();
    const child = spawn(process.execPath, [CLI, '--http', String(mcpPort), '--data-dir', dataDir, '--otlp-http-port', '0', '--otlp-grpc-port', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    try {
      const url = `http://127.0.0.1:${mcpPort}/mcp`;
      // A cold start on a loaded 2-core runner has taken over 10 s, so this waits longer and fails fast if the process died.
      await waitFor(
        'the HTTP endpoint',
        async () => {
          if (child.exitCode !== null) throw new Error(`otel-mcp exited with code ${child.exitCode}: ${stderr}`);
          return (await fetch(url, { method: 'GET' }).catch(() => undefined)) ?? undefined;
        },
        45_000,
      );
      const client = new Client({ name: 'http-test', version: '1.0.0' }, { versionNegotiation: { mode: 'auto' } });
      await client.connect(new StreamableHTTPClientTransport(new URL(url)));
      expect(client.getProtocolEra()).toBe('modern');
      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name)).toContain('search_traces');
      await client.close();
      const legacy = new Client({ name: 'http-legacy', version: '1.0.0' });
      await legacy.connect(new StreamableHTTPClientTransport(new URL(url)));
      expect(legacy.getProtocolEra()).toBe('legacy');
      expect((await legacy.listTools()).tools.length).toBeGreaterThan(5);
      await legacy.close();
      const rebinding = await fetch(url, {
        method: 'POST',
        headers: { origin: 'http://evil.example', 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
      });
      expect(rebinding.status).toBe(403);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
