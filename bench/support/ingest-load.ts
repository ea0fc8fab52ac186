/**
 * What the ingest benchmarks share: a fresh `otel-mcp serve` (or any OTLP/HTTP server) to post to,
 * the load (batches posted with a fixed number in flight), the CPU a process or its threads used,
 * read from /proc, and the median (min–max) their figures are given as.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../test/support/free-port.js';
import { postTraces } from '../otlp-http-post.js';

export const PROTOBUF = { 'content-type': 'application/x-protobuf' };

export interface RunningServer {
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts `start(port, dir)` in a fresh temporary directory and waits until its OTLP/HTTP receiver
 * answers an empty export; `stop()` ends it and removes the directory.
 */
export async function startServer(
  name: string,
  start: (port: number, dir: string) => ChildProcess | Promise<ChildProcess>,
): Promise<RunningServer> {
  const dir = mkdtempSync(join(tmpdir(), `ingest-${name}-`));
  const port = await freePort();
  const child = await start(port, dir);
  const agent = new Agent();
  for (let attempt = 0; ; attempt += 1) {
    try {
      await postTraces(agent, port, new Uint8Array(), PROTOBUF);
      break;
    } catch (error) {
      if (attempt > 300 || child.exitCode !== null)
        throw new Error(`${name} did not start`, { cause: error });
      await new Promise((done) => setTimeout(done, 100));
    }
  }
  agent.destroy();
  return {
    port,
    process: child,
    async stop() {
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `otel-mcp serve` from a built CLI (a checkout's dist/cli/main.js), its data in `dir`. */
export function spawnServe(cli: string, port: number, dir: string): ChildProcess {
  return spawn(
    process.execPath,
    [cli, 'serve', '--data-dir', dir, '--otlp-http-port', String(port), '--otlp-grpc-port', '0'],
    { stdio: ['pipe', 'ignore', 'ignore'], cwd: dir },
  );
}

/** Posts every body, `inFlight` at a time, each on a kept-alive connection of its own. */
export async function sendBatches(port: number, bodies: Buffer[], inFlight: number): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: inFlight });
  let next = 0;
  const sender = async () => {
    while (next < bodies.length) await postTraces(agent, port, bodies[next++]!, PROTOBUF);
  };
  await Promise.all(Array.from({ length: inFlight }, sender));
  agent.destroy();
}

/** CPU seconds (user + system) from a /proc stat line. */
function statCpuSeconds(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** CPU seconds (user + system) a process has used so far. */
export function cpuSeconds(pid: number): number {
  return statCpuSeconds(readFileSync(`/proc/${pid}/stat`, 'utf8'));
}

/** CPU seconds each thread of a process has used so far, by thread id (the main thread's is the pid). */
export function threadCpuSeconds(pid: number): Map<number, number> {
  const threads = new Map<number, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      threads.set(Number(tid), statCpuSeconds(readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')));
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return threads;
}

/** The middle value (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** `median (min–max)` of the values, each with `digits` decimals. */
export function spread(values: readonly number[], digits: number): string {
  return `${median(values).toFixed(digits)} (${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)})`;
}
