import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/mcp-harness.js';

const BACKEND_TOKEN = 'backend-token-9c1e7d';
const RECEIVER_TOKEN = 'receiver-token-5f2a0b';
const MCP_TOKEN = 'mcp-http-token-3e8d6a4f';

/** A misbehaving Jaeger: every request fails with a body that repeats the request's headers. */
async function headerEchoingServer(): Promise<Server> {
  const server = createServer((request, response) => {
    response.writeHead(500, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ error: 'boom', request_headers: request.headers }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** A config in `dir` with the receiver's header and Jaeger's token set (Jaeger on `jaegerPort`). */
function writeSecretsConfig(dir: string, jaegerPort: number, more: string[] = []): string {
  const config = join(dir, 'config.yaml');
  writeFileSync(
    config,
    [
      'backends:',
      '  otlp:',
      `    headers: { authorization: "Bearer ${RECEIVER_TOKEN}" }`,
      `  jaeger: { endpoint: "http://127.0.0.1:${jaegerPort}", auth: "${BACKEND_TOKEN}", retries: 0 }`,
      ...more,
      '',
    ].join('\n'),
  );
  return config;
}

describe('configured secrets in tool answers', () => {
  let dir: string;
  let jaeger: Server;
  let harness: Harness;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'otel-mcp-secrets-'));
    jaeger = await headerEchoingServer();
    const { port } = jaeger.address() as AddressInfo;
    const config = writeSecretsConfig(dir, port);
    harness = await startHarness({ dataDir: dir, flags: { config } });
  });
  afterAll(async () => {
    await harness.close();
    await new Promise((resolve) => jaeger.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  function expectNoSecret(result: { text: string; structured: unknown }): void {
    const shown = result.text + JSON.stringify(result.structured);
    expect(shown).not.toContain(BACKEND_TOKEN);
    expect(shown).not.toContain(RECEIVER_TOKEN);
  }

  it('are redacted from a backend error body that echoes the request headers', async () => {
    const backends = await harness.call('list_backends');
    expectNoSecret(backends);
    const search = await harness.call('search_traces', {
      query: { service_name: 'checkout' },
      backend: 'jaeger',
    });
    expect(search.isError).toBe(true);
    expectNoSecret(search);
    expect(backends.text + search.text).toContain('[redacted]');
  });

  it("are redacted from a run's output that prints the receiver's auth header", async () => {
    const run = await harness.call('execute_and_capture', { command: 'printenv OTEL_EXPORTER_OTLP_HEADERS' });
    expectNoSecret(run);
    expect(run.structured.command.stdout.text).toBe('authorization=[redacted]');
  });
});

describe('configured secrets outside tool answers', () => {
  let dir: string;
  let harness: Harness;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'otel-mcp-secrets-'));
    // Jaeger is never called here (port 9): only its token matters, as one more configured secret.
    const config = writeSecretsConfig(dir, 9, ['mcp:', `  auth_token: ${MCP_TOKEN}`]);
    // The 2025 era: logging/setLevel is not part of the 2026 protocol.
    harness = await startHarness({ dataDir: dir, flags: { config }, era: 'legacy' });
  });
  afterAll(async () => {
    await harness.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('are redacted from the progress notifications and log messages of a run whose command holds one', async () => {
    const logged: string[] = [];
    harness.client.setNotificationHandler('notifications/message', (notification) => {
      logged.push(String(notification.params.data));
    });
    await harness.client.setLoggingLevel('info');
    const progress: string[] = [];
    const result = await harness.client.callTool(
      {
        name: 'execute_and_capture',
        arguments: { command: `echo ${RECEIVER_TOKEN} ${BACKEND_TOKEN} ${MCP_TOKEN}` },
      },
      { onprogress: (update) => progress.push(String(update.message)), timeout: 900_000 },
    );
    expect(result.isError).toBeFalsy();
    const running = 'running echo [redacted] [redacted] [redacted]';
    expect(progress).toContain(running);
    expect(logged).toContain(running);
    for (const secret of [RECEIVER_TOKEN, BACKEND_TOKEN, MCP_TOKEN])
      expect([...progress, ...logged].join('\n')).not.toContain(secret);
  });

  it('are redacted from the session resource, whose project name an agent chose', async () => {
    const created = await harness.call('create_development_session', {
      project_name: `shop ${RECEIVER_TOKEN} ${MCP_TOKEN}`,
    });
    expect(created.isError, created.text).toBe(false);
    const sessionId = created.structured.session_id as string;
    const run = await harness.call('execute_and_capture', {
      session_id: sessionId,
      command: 'printenv OTEL_EXPORTER_OTLP_HEADERS',
    });
    expect(run.isError, run.text).toBe(false);
    const read = await harness.client.readResource({ uri: `otel-mcp://sessions/${sessionId}` });
    const text = read.contents.map((item) => ('text' in item ? item.text : '')).join('\n');
    expect(text).toContain('"projectName": "shop [redacted] [redacted]"');
    expect(text).not.toContain(RECEIVER_TOKEN);
    expect(text).not.toContain(MCP_TOKEN);
  });

  it('are redacted from a spec resource whose text holds one', async () => {
    const defined = await harness.call('define_trace_spec', {
      name: 'leaky',
      specification: {
        name: 'leaky',
        description: `call with Bearer ${RECEIVER_TOKEN}, or ${BACKEND_TOKEN}`,
        expected_spans: [{ operation_name: 'GET /leaky' }],
      },
    });
    expect(defined.isError, defined.text).toBe(false);
    for (const uri of ['otel-mcp://specs/leaky', 'otel-mcp://specs/leaky/versions/1']) {
      const read = await harness.client.readResource({ uri });
      const text = read.contents.map((item) => ('text' in item ? item.text : '')).join('\n');
      expect(text).toContain('description: call with [redacted], or [redacted]');
      expect(text).not.toContain(RECEIVER_TOKEN);
      expect(text).not.toContain(BACKEND_TOKEN);
    }
  });
});
