import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.js';
import { rawPost } from '../support/raw-http-post.js';
import { createSdkTracer } from '../support/sdk-tracer.js';
import { waitFor } from '../support/wait-for.js';
import { tempDirForTest } from '../support/temp-dir.js';

const CLI = resolve('dist/cli/main.js');

function stdioClient(args: string[], env: Record<string, string> = {}) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [CLI, ...args],
    env: { ...process.env, ...env } as Record<string, string>,
    stderr: 'pipe',
  });
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
    const args = [
      'serve',
      '--data-dir',
      dataDir,
      '--otlp-http-port',
      String(httpPort),
      '--otlp-grpc-port',
      '0',
    ];
    const first = stdioClient(args);
    await first.client.connect(first.transport);
    const endpoint = await first.client.callTool({ name: 'get_otlp_endpoint', arguments: {} });
    expect(text(endpoint)).toContain(`http://127.0.0.1:${httpPort}`);

    const sdk = createSdkTracer({
      serviceName: 'stdio-service',
      exporter: 'http-protobuf',
      endpoint: `http://127.0.0.1:${httpPort}`,
    });
    sdk.tracer.startSpan('work').end();
    await sdk.flush();
    await waitFor('the span to be listed', async () => {
      const result = await first.client.callTool({ name: 'list_services', arguments: {} });
      return text(result).includes('stdio-service') ? true : undefined;
    });
    await first.client.close();

    const second = stdioClient(args);
    await second.client.connect(second.transport);
    const traces = await second.client.callTool({
      name: 'get_traces',
      arguments: { service_name: 'stdio-service', time_range: '1h' },
    });
    expect((traces.structuredContent as { traces: unknown[] }).traces).toHaveLength(1);
    await second.client.close();
  });

  it('starts even when both OTLP ports are taken, and says so on stderr and in get_otlp_endpoint', async () => {
    const blockers = [createServer(), createServer()];
    const [httpPort, grpcPort] = await Promise.all(
      blockers.map(
        (blocker) =>
          new Promise<number>((done) =>
            blocker.listen(0, '127.0.0.1', () => done((blocker.address() as { port: number }).port)),
          ),
      ),
    );
    try {
      const { client, transport } = stdioClient([
        '--data-dir',
        dataDir,
        '--otlp-http-port',
        String(httpPort),
        '--otlp-grpc-port',
        String(grpcPort),
      ]);
      let stderr = '';
      transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      await client.connect(transport);
      const result = await client.callTool({ name: 'get_otlp_endpoint', arguments: {} });
      expect(text(result)).toMatch(/not listening.*(in use|EADDRINUSE)/i);
      // Logged before MCP is served, but stderr is another pipe than the answer came through.
      await waitFor('both warnings on stderr', () =>
        /OTLP\/GRPC receiver not started/.test(stderr) ? true : undefined,
      );
      expect(stderr).toContain(
        `otel-mcp warn: OTLP/HTTP receiver not started: port ${httpPort} on 127.0.0.1 is already in use (EADDRINUSE)`,
      );
      expect(stderr).toContain(
        `otel-mcp warn: OTLP/GRPC receiver not started: port ${grpcPort} on 127.0.0.1 is already in use (EADDRINUSE)`,
      );
      await client.close();
    } finally {
      for (const blocker of blockers) blocker.close();
    }
  });

  it('negotiates 2025-11-25 with a 2025-era client over stdio', async () => {
    const { client, transport } = stdioClient([
      '--data-dir',
      dataDir,
      '--otlp-http-port',
      '0',
      '--otlp-grpc-port',
      '0',
    ]);
    await client.connect(transport);
    expect(client.getProtocolEra()).toBe('legacy');
    expect(client.getNegotiatedProtocolVersion()).toBe('2025-11-25');
    await client.close();
  });

  it('serves Streamable HTTP on loopback to both protocol eras with the bearer token, and refuses no token, a foreign Host or Origin, and a malformed Host', async () => {
    const mcpPort = await freePort();
    const child = spawn(
      process.execPath,
      [
        CLI,
        '--http',
        String(mcpPort),
        '--data-dir',
        dataDir,
        '--otlp-http-port',
        '0',
        '--otlp-grpc-port',
        '0',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    try {
      const url = `http://127.0.0.1:${mcpPort}/mcp`;
      // A cold start on a loaded 2-core runner has taken over 10 s, so this waits longer and fails fast if the process died.
      await waitFor(
        'the HTTP endpoint',
        async () => {
          if (child.exitCode !== null)
            throw new Error(`otel-mcp exited with code ${child.exitCode}: ${stderr}`);
          return (await fetch(url, { method: 'GET' }).catch(() => undefined)) ?? undefined;
        },
        45_000,
      );
      // No token configured: one was generated into the data dir, readable by this user only.
      const tokenFile = join(dataDir, 'mcp-http-token');
      expect(statSync(tokenFile).mode & 0o777).toBe(0o600);
      const token = readFileSync(tokenFile, 'utf8').trim();
      expect(stderr).toContain(tokenFile);
      expect(stderr).not.toContain(token);
      const authorization = { authorization: `Bearer ${token}` };
      const withToken = () =>
        new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: authorization } });
      const client = new Client(
        { name: 'http-test', version: '1.0.0' },
        { versionNegotiation: { mode: 'auto' } },
      );
      await client.connect(withToken());
      expect(client.getProtocolEra()).toBe('modern');
      expect(client.getNegotiatedProtocolVersion()).toBe('2026-07-28');
      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name)).toContain('search_traces');
      // A real call, not only the listing: the handler runs in the spawned server and reads its store.
      const specs = await client.callTool({ name: 'list_spec_templates', arguments: {} });
      expect(specs.isError).toBeFalsy();
      expect(text(specs)).toMatch(/cache/i);
      const services = await client.callTool({ name: 'list_services', arguments: {} });
      expect(services.isError).toBeFalsy();
      expect(services.structuredContent).toHaveProperty('services');
      await client.close();
      const legacy = new Client({ name: 'http-legacy', version: '1.0.0' });
      await legacy.connect(withToken());
      expect(legacy.getProtocolEra()).toBe('legacy');
      expect(legacy.getNegotiatedProtocolVersion()).toBe('2025-11-25');
      expect((await legacy.listTools()).tools.length).toBeGreaterThan(5);
      const endpoint = await legacy.callTool({ name: 'get_otlp_endpoint', arguments: {} });
      expect(endpoint.isError).toBeFalsy();
      await legacy.close();

      const toolsList = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
      const mcpHeaders = {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      };
      const noToken = await fetch(url, { method: 'POST', headers: mcpHeaders, body: toolsList });
      expect(noToken.status).toBe(401);
      expect(noToken.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(await noToken.text()).toContain('Authorization: Bearer');
      const wrongToken = await fetch(url, {
        method: 'POST',
        headers: { ...mcpHeaders, authorization: `Bearer ${token.slice(1)}x` },
        body: toolsList,
      });
      expect(wrongToken.status).toBe(401);
      const foreignOrigin = await fetch(url, {
        method: 'POST',
        headers: { ...mcpHeaders, ...authorization, origin: 'http://evil.example' },
        body: toolsList,
      });
      expect(foreignOrigin.status).toBe(403);
      const otherPortOrigin = await fetch(url, {
        method: 'POST',
        headers: { ...mcpHeaders, ...authorization, origin: `http://localhost:${mcpPort + 1}` },
        body: toolsList,
      });
      expect(otherPortOrigin.status).toBe(403);
      // DNS rebinding: a page on evil.example whose name now resolves to 127.0.0.1 sends its own Host.
      const headers = { ...mcpHeaders, ...authorization };
      const foreignHost = await rawPost(mcpPort, { ...headers, host: `evil.example:${mcpPort}` }, toolsList);
      expect(foreignHost.status).toBe(403);
      // A forged Host naming localhost on another port (a page served there) is foreign too.
      const otherPort = await rawPost(mcpPort, { ...headers, host: `localhost:${mcpPort + 1}` }, toolsList);
      expect(otherPort.status).toBe(403);
      const malformed = await rawPost(
        mcpPort,
        { ...headers, host: `evil.com@localhost:${mcpPort}` },
        toolsList,
      );
      expect(malformed.status).toBe(400);
      const localHost = await rawPost(mcpPort, { ...headers, host: `localhost:${mcpPort}` }, toolsList);
      expect(localHost.status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
  });
});

describe('MCP over HTTP off loopback', () => {
  it('refuses to start on a non-loopback address without a configured token, and says what to set', async () => {
    const dir = tempDirForTest('otel-mcp-wide-');
    const config = join(dir, 'config.yaml');
    writeFileSync(config, 'mcp:\n  host: 0.0.0.0\n');
    const result = await runCli([
      '--config',
      config,
      '--http',
      '0',
      '--data-dir',
      dir,
      '--otlp-http-port',
      '0',
      '--otlp-grpc-port',
      '0',
    ]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('mcp.host 0.0.0.0 is not a loopback address');
    expect(result.stderr).toContain('mcp.auth_token');
  });
});

describe('stderr of the built command', () => {
  it('never shows a configured secret, even in a line that quotes a path holding one', async () => {
    const secrets = ['receiver-token-7d41c9', 'backend-token-2b9e11', 'mcp-http-token-5c0f7a2e'];
    const dir = mkdtempSync(join(tmpdir(), 'otel-mcp-stderr-'));
    try {
      const config = join(dir, 'config.yaml');
      writeFileSync(
        config,
        [
          'backends:',
          `  otlp: { headers: { authorization: "Bearer ${secrets[0]}" } }`,
          `  jaeger: { endpoint: "http://127.0.0.1:9", auth: "${secrets[1]}" }`,
          `mcp: { auth_token: ${secrets[2]} }`,
          '',
        ].join('\n'),
      );
      // stdin is closed at once, so the server starts, logs where its data is, and exits.
      const result = await runCli([
        '--config',
        config,
        '--data-dir',
        join(dir, `data-${secrets.join('-')}`),
        '--otlp-http-port',
        '0',
        '--otlp-grpc-port',
        '0',
      ]);
      expect(result.stderr).toContain(`data in ${join(dir, 'data-[redacted]-[redacted]-[redacted]')}`);
      for (const secret of secrets) expect(result.stderr).not.toContain(secret);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
