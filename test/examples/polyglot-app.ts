/**
 * examples/polyglot for tests: its manifest, its directory, and the `services` / command /
 * environment that otel-mcp's execute_and_capture takes to run it (ports chosen free, defects on).
 * The services need what scripts/examples/install-polyglot.sh caches; `polyglotInstallProblems()`
 * says what is missing so a test can skip with the reason.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../support/free-port.js';

export const POLYGLOT_DIR = fileURLToPath(new URL('../../examples/polyglot/', import.meta.url));
export const POLYGLOT_INSTALL_SCRIPT = fileURLToPath(
  new URL('../../scripts/examples/install-polyglot.sh', import.meta.url),
);

export interface PolyglotServiceEntry {
  name: string;
  /** Run with cwd = POLYGLOT_DIR. */
  command: string;
  port_env: string;
  health_path: string;
  /** The other services' port variables this one calls. */
  peer_port_envs: string[];
}

export interface PolyglotManifest {
  description: string;
  install: string;
  /** In start order, leaves first. */
  services: PolyglotServiceEntry[];
  trigger: string;
  trigger_port_env: string;
  defects_env: string;
  defects: Record<string, string>;
  specs: string[];
}

export function readPolyglotManifest(): PolyglotManifest {
  return JSON.parse(readFileSync(join(POLYGLOT_DIR, 'polyglot.json'), 'utf8')) as PolyglotManifest;
}

/** The names of the example's defects, as LOANS_DEFECTS accepts them. */
export function polyglotDefects(manifest: PolyglotManifest = readPolyglotManifest()): string[] {
  return Object.keys(manifest.defects);
}

/** One service as execute_and_capture's `services` input takes it. */
export interface CaptureService {
  name: string;
  command: string;
  ready: { http: string };
  env: Record<string, string>;
}

export interface PolyglotRun {
  /** The run's working_dir: the services' commands and the trigger are relative to it. */
  working_dir: string;
  services: CaptureService[];
  /** The trigger, for execute_and_capture's `command`; it needs `env`. */
  command: string;
  /** For execute_and_capture's `env`: the gateway port the trigger posts to, and the defects. */
  env: Record<string, string>;
  /** Every service's port, by its port variable (FEES_PORT, ...). */
  ports: Record<string, number>;
}

/** Ports for every service of the manifest, each free a moment ago on 127.0.0.1. */
export async function polyglotPorts(
  manifest: PolyglotManifest = readPolyglotManifest(),
): Promise<Record<string, number>> {
  const ports: Record<string, number> = {};
  for (const entry of manifest.services) ports[entry.port_env] = await freePort();
  return ports;
}

function defectsText(defects: string | readonly string[] | undefined): string {
  return typeof defects === 'string' ? defects : (defects ?? []).join(',');
}

/**
 * The `services` array for execute_and_capture: each service with its ready check on /health and an
 * env holding every port variable and the defects switch. No OTEL_SERVICE_NAME: the run names each
 * service after `name`, since none of them names itself.
 */
export function polyglotServices(
  ports: Record<string, number>,
  defects?: string | readonly string[],
  manifest: PolyglotManifest = readPolyglotManifest(),
): CaptureService[] {
  const env: Record<string, string> = { [manifest.defects_env]: defectsText(defects) };
  for (const entry of manifest.services) {
    const port = ports[entry.port_env];
    if (port === undefined) throw new Error(`no port for ${entry.port_env} (service ${entry.name})`);
    env[entry.port_env] = String(port);
  }
  return manifest.services.map((entry) => ({
    name: entry.name,
    command: entry.command,
    ready: { http: `http://127.0.0.1:${env[entry.port_env]}${entry.health_path}` },
    env: { ...env },
  }));
}

/** Everything execute_and_capture needs for one run of the example: free ports, services, trigger. */
export async function polyglotRun(defects?: string | readonly string[]): Promise<PolyglotRun> {
  const manifest = readPolyglotManifest();
  const ports = await polyglotPorts(manifest);
  const gatewayPort = ports[manifest.trigger_port_env];
  if (gatewayPort === undefined)
    throw new Error(`no service of polyglot.json has port_env ${manifest.trigger_port_env}`);
  return {
    working_dir: POLYGLOT_DIR,
    services: polyglotServices(ports, defects, manifest),
    command: manifest.trigger,
    env: { [manifest.trigger_port_env]: String(gatewayPort), [manifest.defects_env]: defectsText(defects) },
    ports,
  };
}

/** Where cache-path.sh says an installed artefact is (venv, javaagent, fees-classes, notify-bin). */
export function polyglotArtefactPath(artefact: 'venv' | 'javaagent' | 'fees-classes' | 'notify-bin'): string {
  return execFileSync('bash', [join(POLYGLOT_DIR, 'cache-path.sh'), artefact], { encoding: 'utf8' }).trim();
}

/** What install-polyglot.sh has not installed yet, one phrase each; empty when every service can start. */
export function polyglotInstallProblems(): string[] {
  const checks: Array<[string, string]> = [
    ['loans-service Python environment', join(polyglotArtefactPath('venv'), '.installed')],
    ['OpenTelemetry Java agent', polyglotArtefactPath('javaagent')],
    ['compiled fees-service', join(polyglotArtefactPath('fees-classes'), 'Fees.class')],
    ['notify-service binary', polyglotArtefactPath('notify-bin')],
  ];
  return checks
    .filter(([, path]) => !existsSync(path))
    .map(([what, path]) => `${what} missing at ${path} (run bash ${POLYGLOT_INSTALL_SCRIPT})`);
}
