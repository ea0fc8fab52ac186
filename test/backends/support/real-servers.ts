/**
 * Finds the real Jaeger, Zipkin, Tempo and moto (X-Ray) servers for the contract suite: one already
 * started by scripts/backends/start-*.sh (its endpoints.json under OTEL_MCP_BACKENDS_RUN), else the
 * cached build started here on ports the OS chose, in a temporary run dir, and stopped afterwards.
 * When neither exists the suite is skipped with the reason, or fails under CI=true.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { freePort } from '../../support/free-port.js';

/** moto stands in for AWS X-Ray (scripts/backends/install-moto.sh). */
export type ServerName = 'jaeger' | 'zipkin' | 'tempo' | 'moto';

/**
 * The contract suite's request timeout to a real server: the product's 10 s default was passed by
 * a loaded CI machine (Zipkin answered a search after more than 10 s). A hang guard, not a speed check.
 */
export const CONTRACT_TIMEOUT_MS = 60_000;

export interface RealServer {
  /** As written by the start script: query_http, otlp_http, api, ... */
  endpoints: Record<string, string>;
  stop(): Promise<void>;
}

const SCRIPTS = resolve(import.meta.dirname, '../../../scripts/backends');
const INSTALLED_BY: Record<ServerName, string> = {
  jaeger: 'jaeger_bin',
  zipkin: 'zipkin_jar',
  tempo: 'tempo_bin',
  moto: 'moto_server_bin',
};
/** Port variables of each start script (see its header). */
const PORT_VARIABLES: Record<ServerName, string[]> = {
  jaeger: [
    'JAEGER_OTLP_GRPC_PORT',
    'JAEGER_OTLP_HTTP_PORT',
    'JAEGER_QUERY_HTTP_PORT',
    'JAEGER_QUERY_GRPC_PORT',
  ],
  zipkin: ['ZIPKIN_PORT'],
  tempo: [
    'TEMPO_HTTP_PORT',
    'TEMPO_GRPC_PORT',
    'TEMPO_OTLP_GRPC_PORT',
    'TEMPO_OTLP_HTTP_PORT',
    'TEMPO_MEMBERLIST_PORT',
  ],
  moto: ['MOTO_PORT'],
};

function libValue(fn: string, env: NodeJS.ProcessEnv = process.env): string {
  return execFileSync('bash', ['-c', `source "${SCRIPTS}/lib.sh"; ${fn}`], { env, encoding: 'utf8' }).trim();
}

function runningEndpoints(name: ServerName): Record<string, string> | undefined {
  const dir = join(libValue('echo "$BACKENDS_RUN"'), name);
  const pidFile = join(dir, 'pid');
  const endpointsFile = join(dir, 'endpoints.json');
  if (!existsSync(pidFile) || !existsSync(endpointsFile)) return undefined;
  try {
    process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 0);
  } catch {
    return undefined;
  }
  return JSON.parse(readFileSync(endpointsFile, 'utf8')) as Record<string, string>;
}

type Availability = { ok: true; describeAs: string } | { ok: false; reason: string };

function availability(name: ServerName): Availability {
  if (runningEndpoints(name)) return { ok: true, describeAs: 'already running' };
  const installed = libValue(INSTALLED_BY[name]);
  if (existsSync(installed)) return { ok: true, describeAs: 'started from the cache' };
  return {
    ok: false,
    reason: `${name} is not installed (${installed} is missing): run scripts/backends/install-${name}.sh`,
  };
}

async function startServer(name: ServerName): Promise<RealServer> {
  const running = runningEndpoints(name);
  if (running) return { endpoints: running, stop: async () => {} };
  const runDir = mkdtempSync(join(tmpdir(), `otel-mcp-${name}-`));
  const env: NodeJS.ProcessEnv = { ...process.env, OTEL_MCP_BACKENDS_RUN: runDir };
  for (const variable of PORT_VARIABLES[name]) env[variable] = String(await freePort());
  try {
    execFileSync('bash', [join(SCRIPTS, `start-${name}.sh`)], {
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 240_000,
    });
  } catch (error) {
    const log = join(runDir, name, 'server.log');
    const tail = existsSync(log) ? readFileSync(log, 'utf8').split('\n').slice(-20).join('\n') : '';
    execFileSync('bash', [join(SCRIPTS, `stop-${name}.sh`)], { env, stdio: 'ignore' });
    throw new Error(`could not start ${name}: ${(error as Error).message}\n${tail}`, { cause: error });
  }
  const endpoints = JSON.parse(readFileSync(join(runDir, name, 'endpoints.json'), 'utf8')) as Record<
    string,
    string
  >;
  return {
    endpoints,
    async stop() {
      execFileSync('bash', [join(SCRIPTS, `stop-${name}.sh`)], { env, stdio: 'ignore' });
      rmSync(runDir, { recursive: true, force: true });
    },
  };
}

/**
 * A describe block that has the real server while it runs. Without the server it is skipped, its
 * title saying why; under CI=true it fails instead, since CI installs every server first.
 */
export function describeWithServer(
  name: ServerName,
  title: string,
  body: (server: () => RealServer) => void,
): void {
  const found = availability(name);
  if (!found.ok) {
    if (process.env.CI === 'true') {
      describe(title, () => {
        it(`needs the real ${name} server`, () => {
          throw new Error(
            `${found.reason} (CI=true: a missing server fails the suite instead of skipping it)`,
          );
        });
      });
    } else {
      console.warn(`[contract] ${name} skipped: ${found.reason}`);
      describe.skip(`${title} — skipped: ${found.reason}`, () => body(() => undefined as never));
    }
    return;
  }
  describe(`${title} (${name} ${found.describeAs})`, () => {
    let server: RealServer | undefined;
    beforeAll(async () => {
      server = await startServer(name);
    }, 300_000);
    afterAll(async () => {
      await server?.stop();
    });
    body(() => {
      if (!server) throw new Error(`${name} did not start`);
      return server;
    });
  });
}
