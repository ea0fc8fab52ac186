/**
 * A shell command in its own process group, so a timeout or a stop reaches everything it started
 * (a `npm test` that forks workers, a script that backgrounds a server), not only the shell.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { OtelMcpError } from '../model/errors.js';
import { flushSignal, SHELLS, type StopSignal } from './flush-signal.js';
import { OutputTail } from './output-tail.js';
import type { ProcessExit } from './process-exit.js';
import { groupMembers, listeningPorts } from './process-table.js';

/** 256 KiB per stream: far more than any tail shown (a few KiB), enough for a log-line readiness check. */
const TAIL_BYTES = 256 * 1024;

export interface StopOutcome {
  exit: ProcessExit;
  /** SIGKILL was needed after the grace period. */
  killed: boolean;
  /** The first signals sent (SIGINT to CPython processes, SIGTERM to the others). */
  signals: StopSignal[];
}

export interface StartProcessOptions {
  cwd: string;
  env: Record<string, string>;
}

export class ProcessGroup {
  readonly stdout = new OutputTail(TAIL_BYTES);
  readonly stderr = new OutputTail(TAIL_BYTES);
  readonly exited: Promise<ProcessExit>;
  readonly startedAtMs = Date.now();
  private exit: ProcessExit | undefined;
  private closed = false;
  private readonly closedPromise: Promise<void>;
  private readonly outputListeners = new Set<() => void>();

  private constructor(
    readonly command: string,
    private readonly child: ChildProcess,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => this.onOutput(this.stdout, chunk));
    child.stderr?.on('data', (chunk: Buffer) => this.onOutput(this.stderr, chunk));
    this.closedPromise = new Promise((resolve) => {
      child.once('close', () => {
        this.closed = true;
        resolve();
      });
    });
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      });
    });
  }

  /** Starts `command` through /bin/sh; throws a clear error when even the shell cannot start. */
  static async start(command: string, options: StartProcessOptions): Promise<ProcessGroup> {
    const child = spawn('/bin/sh', ['-c', command], {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', () => resolve());
      child.once('error', (error: NodeJS.ErrnoException) => {
        const reason =
          error.code === 'ENOENT'
            ? `working directory ${options.cwd} does not exist, or /bin/sh is missing`
            : error.message;
        reject(
          new OtelMcpError(
            'INVALID_ARGUMENT',
            `could not start ${JSON.stringify(command)}: ${reason}`,
            'check working_dir and the command',
          ),
        );
      });
    });
    return new ProcessGroup(command, child);
  }

  get pid(): number {
    return this.child.pid as number;
  }

  get exitStatus(): ProcessExit | undefined {
    return this.exit;
  }

  onOutputChange(listener: () => void): () => void {
    this.outputListeners.add(listener);
    return () => this.outputListeners.delete(listener);
  }

  /** True while any process of the group is alive (the shell may be gone while a child lives on). */
  groupAlive(): boolean {
    try {
      process.kill(-this.pid, 0);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * Stops the group so that every SDK in it can flush: each process gets the signal it handles
   * (flushSignal: SIGINT for CPython, SIGTERM otherwise), SIGTERM goes to the whole group halfway
   * through the grace period if a process that got SIGINT lives on, and SIGKILL to what is left
   * after `graceMs`. Done when every process that shares the group's output pipes has exited (the
   * shell dies at once while its children still flush; polling the group would also see zombies).
   */
  async stop(graceMs: number): Promise<StopOutcome> {
    const members = groupMembers(this.pid);
    const sent = new Map<number, StopSignal>();
    for (const member of members) {
      const signal = flushSignal(member);
      sent.set(member.pid, signal);
      signalProcess(member.pid, signal);
    }
    // No /proc (or nothing found in it): the group as a whole.
    if (sent.size === 0) this.signalGroup('SIGTERM');
    const interrupted = [...sent.values()].includes('SIGINT');
    let killed = false;
    if (interrupted && !(await this.closedWithin(Math.floor(graceMs / 2)))) {
      this.signalGroup('SIGTERM');
      if (!(await this.closedWithin(graceMs - Math.floor(graceMs / 2)))) killed = true;
    } else if (!interrupted && !(await this.closedWithin(graceMs))) {
      killed = true;
    }
    if (killed) {
      this.signalGroup('SIGKILL');
      // SIGKILL cannot be ignored; the bound only guards against a process that detached its pipes.
      await this.closedWithin(1000);
    }
    if (this.groupAlive()) this.signalGroup('SIGKILL');
    // What the service's own processes got: the wrapping shell's SIGTERM says nothing about its flush.
    const services = members
      .filter((member) => !SHELLS.has(member.name))
      .map((member) => sent.get(member.pid) as StopSignal);
    const signals = [...new Set(services.length > 0 ? services : sent.values())];
    return { exit: await this.exited, killed, signals: signals.length > 0 ? signals : ['SIGTERM'] };
  }

  /** The TCP ports the group's processes listen on now (empty where /proc cannot tell). */
  listeningPorts(): number[] {
    return listeningPorts(groupMembers(this.pid).map((member) => member.pid));
  }

  /** Resolves true once the output pipes have closed (every process holding them exited), false after `ms`. */
  closedWithin(ms: number): Promise<boolean> {
    if (this.closed) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), ms);
      this.closedPromise.then(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  private signalGroup(signal: NodeJS.Signals): void {
    try {
      process.kill(-this.pid, signal);
    } catch {
      // Already gone: nothing to stop.
    }
  }

  private onOutput(tail: OutputTail, chunk: Buffer): void {
    tail.push(chunk);
    for (const listener of this.outputListeners) listener();
  }
}

function signalProcess(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Exited meanwhile.
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
