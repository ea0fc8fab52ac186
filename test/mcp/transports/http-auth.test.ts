/**
 * MCP over Streamable HTTP as a user configures it: the bearer token from the config file or
 * OTEL_MCP_AUTH_TOKEN, a non-loopback bind reached under any name, mcp.allowed_hosts, and a token
 * file in the data dir that is trusted only while it is private. Real server, real MCP client.
 */
import { chmodSync, chownSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startApp } from '../../../src/cli/app.js';
import { createStderrLogger } from '../../../src/cli/stderr-logger.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { resolveHttpToken, TOKEN_FILE } from '../../../src/mcp/transports/http-auth.js';
import { serveHttp } from '../../../src/mcp/transports/http-transport.js';
import { rawPost } from '../../support/raw-http-post.js';

const TOKEN_A = 'file-token-0123456789abcdef';
const TOKEN_B = 'env-token-0123456789abcdef';

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'otel-mcp-http-auth-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Loads the config as `serve --http 0` does and serves it; the receiver is off (ports 0). */
async function serve(options: { configYaml?: string; env?: Record<string, string> }) {
  const dataDir = tempDir();
  const file = join(dataDir, 'otel-mcp.yaml');
  if (options.configYaml !== undefined) writeFileSync(file, options.configYaml);
  const { config } = loadConfig({
    flags: {
      dataDir,
      httpPort: 0,
      otlpHttpPort: 0,
      otlpGrpcPort: 0,
      ...(options.configYaml !== undefined ? { config: file } : {}),
    },
    env: options.env ?? {},
    cwd: dataDir,
  });
  const app = await startApp({ config, log: createStderrLogger('error'), version: 'test' });
  const auth = resolveHttpToken(config.mcp.auth_token, config.mcp.host, config.data_dir);
  const endpoint = await serveHttp(app.serverFactory, {
    host: config.mcp.host,
    port: 0,
    token: auth.token,
    allowedHosts: config.mcp.allowed_hosts,
  });
  onTestFinished(async () => {
    await endpoint.close();
    await app.close();
  });
  const port = Number(new URL(endpoint.url).port);
  return { port, auth, dataDir };
}

/** A real MCP client at 127.0.0.1:port; resolves with the tool count, or rejects as the client does. */
async function listToolsWith(port: number, token: string | undefined): Promise<number> {
  const client = new Client({ name: 'http-auth-test', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${port}/mcp`), {
    requestInit: { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } },
  });
  try {
    await client.connect(transport);
    return (await client.listTools()).tools.length;
  } finally {
    await client.close();
  }
}

const toolsList = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
const mcpHeaders = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

describe('MCP over HTTP with a configured token', () => {
  it('serves a real client that sends mcp.auth_token from the config file, and refuses none or a wrong one with 401', async () => {
    const { port, auth } = await serve({ configYaml: `mcp:\n  auth_token: ${TOKEN_A}\n` });
    expect(auth.file).toBeUndefined();
    expect(await listToolsWith(port, TOKEN_A)).toBeGreaterThan(5);
    await expect(listToolsWith(port, undefined)).rejects.toThrow(/401|Unauthorized|Bearer/i);
    await expect(listToolsWith(port, `${TOKEN_A}x`)).rejects.toThrow(/401|Unauthorized|wrong/i);
    const host = `127.0.0.1:${port}`;
    expect((await rawPost(port, { ...mcpHeaders, host }, toolsList)).status).toBe(401);
    const wrong = await rawPost(port, { ...mcpHeaders, host, authorization: `Bearer ${TOKEN_B}` }, toolsList);
    expect(wrong).toMatchObject({ status: 401, body: expect.stringContaining('the bearer token is wrong') });
    expect(wrong.body).not.toContain(TOKEN_A);
  });

  it('takes the token from OTEL_MCP_AUTH_TOKEN, which wins over the config file', async () => {
    const { port } = await serve({
      configYaml: `mcp:\n  auth_token: ${TOKEN_A}\n`,
      env: { OTEL_MCP_AUTH_TOKEN: TOKEN_B },
    });
    expect(await listToolsWith(port, TOKEN_B)).toBeGreaterThan(5);
    await expect(listToolsWith(port, TOKEN_A)).rejects.toThrow(/401|Unauthorized|wrong/i);
    await expect(listToolsWith(port, undefined)).rejects.toThrow(/401|Unauthorized|Bearer/i);
  });
});

describe('MCP over HTTP on a non-loopback address', () => {
  it('serves a client that reaches a 0.0.0.0 bind under any name when it has the token, and refuses it without', async () => {
    const { port } = await serve({
      env: { OTEL_MCP_AUTH_TOKEN: TOKEN_B },
      configYaml: 'mcp:\n  host: 0.0.0.0\n',
    });
    // A real client reaches it through 127.0.0.1, which names neither 0.0.0.0 nor a loopback bind.
    expect(await listToolsWith(port, TOKEN_B)).toBeGreaterThan(5);
    const authorized = { ...mcpHeaders, authorization: `Bearer ${TOKEN_B}` };
    // As from another machine, by its LAN name.
    const lan = await rawPost(port, { ...authorized, host: `build-box.lan:${port}` }, toolsList);
    expect(lan.status).toBe(200);
    expect((await rawPost(port, { ...mcpHeaders, host: `build-box.lan:${port}` }, toolsList)).status).toBe(
      401,
    );
    // A page may still only call the server it came from.
    const sameOrigin = {
      ...authorized,
      host: `build-box.lan:${port}`,
      origin: `http://build-box.lan:${port}`,
    };
    expect((await rawPost(port, sameOrigin, toolsList)).status).toBe(200);
    const foreign = { ...authorized, host: `build-box.lan:${port}`, origin: 'http://evil.example' };
    expect((await rawPost(port, foreign, toolsList)).status).toBe(403);
    expect(
      (await rawPost(port, { ...authorized, host: `evil.com@build-box.lan:${port}` }, toolsList)).status,
    ).toBe(400);
  });

  it('answers only the names in mcp.allowed_hosts (any port) when they are set, and names them in the 403', async () => {
    const { port } = await serve({
      env: { OTEL_MCP_AUTH_TOKEN: TOKEN_B, OTEL_MCP_ALLOWED_HOSTS: 'MCP.example.internal,10.0.0.5' },
      configYaml: 'mcp:\n  host: 0.0.0.0\n',
    });
    const authorized = { ...mcpHeaders, authorization: `Bearer ${TOKEN_B}` };
    expect((await rawPost(port, { ...authorized, host: 'mcp.example.internal:443' }, toolsList)).status).toBe(
      200,
    );
    expect((await rawPost(port, { ...authorized, host: `10.0.0.5:${port}` }, toolsList)).status).toBe(200);
    const other = await rawPost(port, { ...authorized, host: `build-box.lan:${port}` }, toolsList);
    expect(other.status).toBe(403);
    expect(other.body).toContain('mcp.example.internal[:port]');
    const proxied = { ...authorized, host: 'mcp.example.internal', origin: 'https://mcp.example.internal' };
    expect((await rawPost(port, proxied, toolsList)).status).toBe(200);
  });

  it('keeps a loopback bind strict about Host and adds only the names in mcp.allowed_hosts', async () => {
    const { port } = await serve({
      env: { OTEL_MCP_AUTH_TOKEN: TOKEN_B, OTEL_MCP_ALLOWED_HOSTS: 'proxy.local' },
    });
    const authorized = { ...mcpHeaders, authorization: `Bearer ${TOKEN_B}` };
    expect((await rawPost(port, { ...authorized, host: 'proxy.local:8443' }, toolsList)).status).toBe(200);
    expect((await rawPost(port, { ...authorized, host: `localhost:${port}` }, toolsList)).status).toBe(200);
    expect((await rawPost(port, { ...authorized, host: `localhost:${port + 1}` }, toolsList)).status).toBe(
      403,
    );
    expect((await rawPost(port, { ...authorized, host: `evil.example:${port}` }, toolsList)).status).toBe(
      403,
    );
  });

  it('refuses a host name in mcp.allowed_hosts that carries a scheme or port, saying what is accepted', () => {
    const dataDir = tempDir();
    expect(() =>
      loadConfig({
        flags: { dataDir },
        env: { OTEL_MCP_ALLOWED_HOSTS: 'http://mcp.example:80' },
        cwd: dataDir,
      }),
    ).toThrow(/expected a host name or address without scheme or port/);
  });
});

describe('the token file in the data dir', () => {
  const kept = 'k'.repeat(43);

  it('is used again while it is private to this user', () => {
    const dataDir = tempDir();
    writeFileSync(join(dataDir, TOKEN_FILE), `${kept}\n`, { mode: 0o600 });
    expect(resolveHttpToken(null, '127.0.0.1', dataDir)).toEqual({
      token: kept,
      file: join(dataDir, TOKEN_FILE),
    });
  });

  it('is refused when the group or others may read it, naming its mode and the chmod that fixes it', () => {
    const dataDir = tempDir();
    const file = join(dataDir, TOKEN_FILE);
    writeFileSync(file, `${kept}\n`);
    chmodSync(file, 0o644);
    expect(() => resolveHttpToken(null, '127.0.0.1', dataDir)).toThrow(
      /has mode 0644: others may read or change it/,
    );
    try {
      resolveHttpToken(null, '127.0.0.1', dataDir);
    } catch (error) {
      expect((error as { hint?: string }).hint).toBe(
        `chmod 600 ${file} (or delete it, and otel-mcp writes a new one)`,
      );
    }
  });

  it('is refused when it is a symlink, which could point at anyone’s file', () => {
    const dataDir = tempDir();
    writeFileSync(join(dataDir, 'elsewhere'), `${kept}\n`, { mode: 0o600 });
    symlinkSync('elsewhere', join(dataDir, TOKEN_FILE));
    expect(() => resolveHttpToken(null, '127.0.0.1', dataDir)).toThrow(/is not a regular file \(a symlink\)/);
  });

  it.runIf(process.getuid?.() === 0)('is refused when another user owns it, naming both users', () => {
    const dataDir = tempDir();
    const file = join(dataDir, TOKEN_FILE);
    writeFileSync(file, `${kept}\n`, { mode: 0o600 });
    chownSync(file, 65534, 65534);
    expect(() => resolveHttpToken(null, '127.0.0.1', dataDir)).toThrow(
      /is owned by uid 65534, not by this user \(uid 0\)/,
    );
  });
});
