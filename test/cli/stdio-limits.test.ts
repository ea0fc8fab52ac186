import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../support/wait-for.js';

const CLI = resolve('dist/cli/main.js');
/** Just over the 10 MiB a stdio message may have. */
const OVERSIZED_CHARS = 10 * 1024 * 1024 + 1000;

interface Served {
  child: ChildProcessWithoutNullStreams;
  /** Every JSON-RPC message the server wrote, parsed. */
  answers: Record<string, unknown>[];
  stderr: () => string;
  exited: Promise<number | null>;
  send(message: unknown): void;
}

function serve(dataDir: string): Served {
  const child = spawn(
    process.execPath,
    [CLI, 'serve', '--data-dir', dataDir, '--otlp-http-port', '0', '--otlp-grpc-port', '0'],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const answers: Record<string, unknown>[] = [];
  let pending = '';
  child.stdout.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) answers.push(JSON.parse(line) as Record<string, unknown>);
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  return {
    child,
    answers,
    stderr: () => stderr,
    exited,
    send: (message) => child.stdin.write(`${JSON.stringify(message)}\n`),
  };
}

async function initialize(served: Served): Promise<void> {
  served.send({
    jsonrpc: '2.0',
    id: 0,
    method: 'initialize',
    params: {
      protocolVersion: '2025-06-18',
      capabilities: {},
      clientInfo: { name: 'limits-test', version: '1' },
    },
  });
  await waitFor('the initialize answer', () => served.answers.find((answer) => answer.id === 0));
  served.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
}

/** A tools/call written as the MCP SDK client writes it: method and params first, the id last. */
function oversizedCall(id: number | undefined): string {
  const padding = 'x'.repeat(OVERSIZED_CHARS);
  const call = { method: 'tools/call', params: { name: 'list_backends', arguments: { note: padding } } };
  return `${JSON.stringify(id === undefined ? { ...call, jsonrpc: '2.0' } : { ...call, jsonrpc: '2.0', id })}\n`;
}

describe('the stdio connection of the built command', () => {
  let dataDir: string;
  let served: Served | undefined;
  beforeEach(() => {
    expect(existsSync(CLI), 'run npm run build first').toBe(true);
    dataDir = mkdtempSync(join(tmpdir(), 'otel-mcp-stdio-'));
  });
  afterEach(async () => {
    if (served && served.child.exitCode === null) {
      served.child.kill('SIGKILL');
      await served.exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers a message over 10 MiB with an error to its id, keeps serving, and exits when stdin closes', async () => {
    served = serve(dataDir);
    await initialize(served);
    served.child.stdin.write(oversizedCall(7));
    served.send({ jsonrpc: '2.0', id: 8, method: 'ping' });
    await waitFor('the ping answer', () => served!.answers.find((answer) => answer.id === 8), 30_000);
    const refusal = served.answers.find((answer) => answer.id === 7) as {
      error: { code: number; message: string };
    };
    expect(refusal.error.code).toBe(-32600);
    expect(refusal.error.message).toMatch(/over the limit of 10485760 bytes/);
    expect(JSON.stringify(refusal).length).toBeLessThan(1000);
    served.child.stdin.end();
    expect(await served.exited).toBe(0);
  }, 60_000);

  it('logs a message over the limit that has no id, keeps serving, and exits when stdin closes', async () => {
    served = serve(dataDir);
    await initialize(served);
    served.child.stdin.write(oversizedCall(undefined));
    served.send({ jsonrpc: '2.0', id: 9, method: 'tools/list' });
    await waitFor('the tools/list answer', () => served!.answers.find((answer) => answer.id === 9), 30_000);
    expect(served.stderr()).toMatch(/no request id could be read/);
    served.child.stdin.end();
    expect(await served.exited).toBe(0);
  }, 60_000);
});
