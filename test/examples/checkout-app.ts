/**
 * Runs examples/checkout the way execute_and_capture does: every service of checkout.json as its own
 * process (cwd examples/checkout, OS-chosen ports, the standard OTEL_* environment with a run id),
 * waits for /health, runs the trigger once, then stops the services with SIGTERM so they flush.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { freePort } from '../support/free-port.js';
import { waitFor } from '../support/wait-for.js';

export const CHECKOUT_DIR = fileURLToPath(new URL('../../examples/checkout/', import.meta.url));

export interface ServiceEntry {
  name: string;
  command: string;
  port_env: string;
  health_path: string;
}

export interface CheckoutManifest {
  services: ServiceEntry[];
  trigger: string;
  defects_env: string;
  defects: Record<string, string>;
  specs: string[];
}

export function readManifest(): CheckoutManifest {
  return JSON.parse(readFileSync(`${CHECKOUT_DIR}checkout.json`, 'utf8')) as CheckoutManifest;
}

export interface CheckoutRun {
  runId: string;
  triggerExitCode: number | null;
  triggerOutput: string;
  /** stderr of every service, by name (the payment-service fallback notice lands here). */
  serviceErrors: Record<string, string>;
}

export interface RunOptions {
  otlpHttpUrl: string;
  runId: string;
  defects?: string;
  /** Extra environment for every process (OTEL_MCP_PYTHON_VENV to force the Node fallback). */
  env?: Record<string, string>;
  /** Checkouts sent one after another while the services are up (default 1); the first failure stops. */
  triggers?: number;
}

interface Started {
  entry: ServiceEntry;
  child: ChildProcess;
  stderr: string[];
  exited: Promise<number | null>;
}

function startProcess(
  command: string,
  env: NodeJS.ProcessEnv,
): { child: ChildProcess; stdout: string[]; stderr: string[]; exited: Promise<number | null> } {
  // detached: its own process group, so a stop reaches run.sh's exec'd child too.
  const child = spawn('sh', ['-c', `exec ${command}`], {
    cwd: CHECKOUT_DIR,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => stdout.push(chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stdout, stderr, exited };
}

function healthy(port: number, path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = request({ host: '127.0.0.1', port, path, method: 'GET', timeout: 500 }, (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    probe.on('error', () => resolve(false));
    probe.on('timeout', () => probe.destroy());
    probe.end();
  });
}

export async function runCheckout(options: RunOptions): Promise<CheckoutRun> {
  const manifest = readManifest();
  const ports: Record<string, string> = {};
  for (const entry of manifest.services) ports[entry.port_env] = String(await freePort());
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ...ports,
    OTEL_EXPORTER_OTLP_ENDPOINT: options.otlpHttpUrl,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_BSP_SCHEDULE_DELAY: '100',
    OTEL_RESOURCE_ATTRIBUTES: `otel_mcp.run_id=${options.runId},deployment.environment.name=test`,
    [manifest.defects_env]: options.defects ?? '',
    ...options.env,
  };
  const started: Started[] = manifest.services.map((entry) => {
    const { child, stderr, exited } = startProcess(entry.command, env);
    return { entry, child, stderr, exited };
  });
  try {
    for (const service of started) {
      const port = Number(ports[service.entry.port_env]);
      // A service starts in 1-3 s on an idle 2-core machine but took over 30 s at load 20; 120 s means a hang.
      await waitFor(
        `${service.entry.name} /health on port ${port} (stderr: ${service.stderr.join('').slice(-400)})`,
        async () => ((await healthy(port, service.entry.health_path)) ? true : undefined),
        120_000,
      );
    }
    let triggerExitCode: number | null = 0;
    const output: string[] = [];
    for (let sent = 0; sent < (options.triggers ?? 1) && triggerExitCode === 0; sent += 1) {
      const trigger = startProcess(manifest.trigger, env);
      triggerExitCode = await trigger.exited;
      output.push([...trigger.stdout, ...trigger.stderr].join('').trim());
    }
    return {
      runId: options.runId,
      triggerExitCode,
      triggerOutput: output.join('\n'),
      serviceErrors: Object.fromEntries(
        started.map((service) => [service.entry.name, service.stderr.join('')]),
      ),
    };
  } finally {
    await Promise.all(started.map((service) => stopService(service)));
  }
}

async function stopService(service: Started): Promise<void> {
  if (service.child.exitCode !== null || service.child.pid === undefined) return;
  try {
    process.kill(-service.child.pid, 'SIGTERM');
  } catch {
    return;
  }
  // A flush to a local receiver takes milliseconds; 10 s means the service ignored SIGTERM.
  const timer = setTimeout(() => {
    try {
      process.kill(-(service.child.pid as number), 'SIGKILL');
    } catch {
      // already gone
    }
  }, 10_000);
  await service.exited;
  clearTimeout(timer);
}
