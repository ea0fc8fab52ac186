/**
 * execute_and_capture's engine (DESIGN.md §5): start the services a run needs, run the trigger
 * command with the SDK pointed at the embedded receiver, stop the services with SIGTERM so their
 * SDKs flush, wait until the run's traces are complete, and judge them against the spec.
 */
import type { Trace } from '../model/span.js';
import { OtelMcpError } from '../model/errors.js';
import type { TraceSpec } from '../spec/index.js';
import { compareTraceToSpec } from '../spec/index.js';
import { checkCommand, resolveWorkingDir, type ExecutionPolicy } from './command-policy.js';
import { ProcessGroup, type ProcessExit } from './process-group.js';
import { waitUntilReady, type ReadyCheck } from './readiness.js';
import { RunCapture, type RunSpanSource } from './run-capture.js';
import { runEnvironment, type ReceiverEndpoint } from './run-environment.js';
import { judgeRun, type RunVerdict } from './run-verdict.js';

export interface ServiceRequest {
  name: string;
  command: string;
  ready?: ReadyCheck;
  workingDir?: string;
  env?: Record<string, string>;
}

export interface RunSpec {
  name: string;
  /** Absent for an inline spec. */
  version?: number;
  spec: TraceSpec;
}

export interface RunRequest {
  command: string;
  workingDir?: string;
  env?: Record<string, string>;
  services?: ServiceRequest[];
  /** Start every service at once and wait until all are ready, instead of one after another. */
  startServicesTogether?: boolean;
  spec?: RunSpec;
  timeoutMs?: number;
  settleMs?: number;
  captureTimeoutMs?: number;
}

export interface RunTimings {
  /** Per-run limits, after defaults. */
  timeoutMs: number;
  settleMs: number;
  captureTimeoutMs: number;
  lateServiceWaitMs: number;
  stopGraceMs: number;
  readyTimeoutMs: number;
}

export interface RunExecutorDeps {
  policy: ExecutionPolicy;
  defaults: RunTimings;
  spans: RunSpanSource;
  /** Where the run's SDKs export to; undefined when no receiver listener is up. */
  endpoint: () => ReceiverEndpoint | undefined;
  exportHeaders?: Record<string, string>;
  baseEnv: NodeJS.ProcessEnv;
  serverCwd: string;
  newRunId: () => string;
  clock?: () => number;
}

export interface RunHooks {
  onProgress?: (message: string) => void;
  signal?: AbortSignal;
}

export interface ProcessOutcome {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Stopped by the tool (timeout, cancel, or the end of the run for a service). */
  killedByTimeout: boolean;
  /** SIGKILL was needed after the grace period. */
  forceKilled: boolean;
  durationMs: number;
  stdout: Tail;
  stderr: Tail;
}

export interface Tail {
  text: string;
  truncated: boolean;
  totalBytes: number;
}

export interface ServiceOutcome extends ProcessOutcome {
  name: string;
  readyAfterMs?: number;
  /** Exited on its own while the run was going on (a crash, usually). */
  exitedEarly: boolean;
}

export interface RunReport {
  runId: string;
  workingDir: string;
  startedAtMs: number;
  command: ProcessOutcome & { timedOut: boolean; leftoverProcessesStopped: boolean };
  services: ServiceOutcome[];
  capture: { complete: boolean; waitedMs: number; settleMs: number; runSpanCount: number; notes: string[]; traces: Trace[] };
  /** From the command's exit to the verdict: what the speed target is about. */
  exitToVerdictMs: number;
  finishedAtMs: number;
  verdict: RunVerdict;
  spec?: RunSpec;
}

/** Lines and characters of each output tail kept in a report: enough for a stack trace. */
const TAIL_LINES = 40;
const TAIL_CHARS = 4000;

export type RunExecutor = (request: RunRequest, hooks?: RunHooks) => Promise<RunReport>;

export function createRunExecutor(deps: RunExecutorDeps): RunExecutor {
  const clock = deps.clock ?? Date.now;
  return async function executeRun(request, hooks = {}) {
    const progress = hooks.onProgress ?? (() => undefined);
    const timings: RunTimings = {
      ...deps.defaults,
      ...(request.timeoutMs !== undefined ? { timeoutMs: request.timeoutMs } : {}),
      ...(request.settleMs !== undefined ? { settleMs: request.settleMs } : {}),
      ...(request.captureTimeoutMs !== undefined ? { captureTimeoutMs: request.captureTimeoutMs } : {}),
    };
    checkCommand(deps.policy, request.command);
    const services = request.services ?? [];
    checkServiceNames(services);
    for (const service of services) checkCommand(deps.policy, service.command, `service ${service.name}'s command`);
    const workingDir = resolveWorkingDir(deps.policy, request.workingDir, deps.serverCwd);
    const serviceDirs = services.map((service) => resolveWorkingDir(deps.policy, service.workingDir ?? request.workingDir, deps.serverCwd));
    const endpoint = deps.endpoint();
    if (!endpoint) {
      throw new OtelMcpError('UNSUPPORTED', 'the embedded OTLP receiver is not listening, so a run’s spans would have nowhere to go', 'get_otlp_endpoint says why (a port taken?); restart otel-mcp with a free --otlp-http-port');
    }

    const runId = deps.newRunId();
    const startedAtMs = clock();
    const capture = new RunCapture(runId, deps.spans, clock);
    const started: { name: string; process: ProcessGroup; readyAfterMs?: number }[] = [];
    const envFor = (extra?: Record<string, string>): Record<string, string> =>
      runEnvironment({ base: deps.baseEnv, extra: { ...request.env, ...extra }, endpoint, runId, ...(deps.exportHeaders ? { exportHeaders: deps.exportHeaders } : {}) });
    const startService = async (service: ServiceRequest, index: number): Promise<void> => {
      progress(`starting ${service.name}`);
      const process = await ProcessGroup.start(service.command, { cwd: serviceDirs[index] as string, env: envFor(service.env) });
      const entry: { name: string; process: ProcessGroup; readyAfterMs?: number } = { name: service.name, process };
      started.push(entry);
      if (service.ready) {
        await waitUntilReady({ name: service.name, process }, service.ready, timings.readyTimeoutMs, hooks.signal);
        entry.readyAfterMs = clock() - process.startedAtMs;
        progress(`${service.name} ready after ${entry.readyAfterMs} ms`);
      }
    };
    // The run ends before its capture: stop what it started and stop listening for its spans.
    const abandon = async (): Promise<void> => {
      await Promise.all(started.map((service) => service.process.stop(timings.stopGraceMs)));
      capture.close();
    };
    try {
      if (request.startServicesTogether) {
        const results = await Promise.allSettled(services.map((service, index) => startService(service, index)));
        const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
        if (failed) throw failed.reason;
        // Report them in the order they were given, whatever order they started in.
        started.sort((a, b) => services.findIndex((item) => item.name === a.name) - services.findIndex((item) => item.name === b.name));
      } else {
        for (const [index, service] of services.entries()) await startService(service, index);
      }
    } catch (error) {
      await abandon();
      throw error;
    }

    progress(`running ${request.command}`);
    let command: ProcessGroup;
    try {
      command = await ProcessGroup.start(request.command, { cwd: workingDir, env: envFor() });
    } catch (error) {
      await abandon();
      throw error;
    }
    const commandRun = await awaitCommand(command, timings, hooks.signal);
    const commandExitAtMs = clock();
    progress(commandRun.timedOut ? `command timed out after ${timings.timeoutMs} ms: stopped its process group` : `command exited with ${describeExit(commandRun.exit)}`);
    // What the command left running in its group (a backgrounded server) is stopped too.
    let leftoverProcessesStopped = false;
    // 100 ms for the output pipes to close after the shell: still open means a child lives on.
    if (!commandRun.timedOut && !(await command.closedWithin(100))) {
      leftoverProcessesStopped = true;
      await command.stop(timings.stopGraceMs);
    }
    // A command that never ran has no spans to wait for: say so now, not after the capture timeout.
    if (shellCouldNotStart(commandRun.exit, command)) {
      await abandon();
      throw cannotStart(request.command, commandRun.exit.code as number, command);
    }

    if (started.length > 0) progress(`stopping ${started.map((service) => service.name).join(', ')} (SIGTERM, so their SDKs flush)`);
    // All at once: each SDK flushes its own spans, so the wait is the slowest flush, not their sum.
    const serviceOutcomes: ServiceOutcome[] = await Promise.all(
      started.map(async (service): Promise<ServiceOutcome> => {
        const exitedEarly = service.process.exitStatus !== undefined;
        const stop = exitedEarly ? { exit: service.process.exitStatus as ProcessExit, killed: false } : await service.process.stop(timings.stopGraceMs);
        return {
          name: service.name,
          ...(service.readyAfterMs !== undefined ? { readyAfterMs: service.readyAfterMs } : {}),
          exitedEarly,
          ...outcomeOf(service.process, stop.exit, !exitedEarly, stop.killed, clock()),
        };
      }),
    );
    const processesDoneAtMs = clock();

    const startedNames = new Set(services.map((service) => service.name));
    const outcome = await capture.settle({
      processesDoneAtMs,
      settleMs: timings.settleMs,
      timeoutMs: timings.captureTimeoutMs,
      lateServiceWaitMs: timings.lateServiceWaitMs,
      ...(request.spec ? { pendingServices: (traces: Trace[]) => pendingServices(traces, request.spec?.spec as TraceSpec, startedNames) } : {}),
      onProgress: (state) => progress(`waiting for spans: ${state.spanCount} spans of this run in ${state.traceCount} traces`),
      ...(hooks.signal ? { signal: hooks.signal } : {}),
    });
    const verdict = judgeRun(outcome.traces, request.spec?.spec);
    const finishedAtMs = clock();
    return {
      runId,
      workingDir,
      startedAtMs,
      command: {
        ...outcomeOf(command, commandRun.exit, commandRun.timedOut, commandRun.forceKilled, commandExitAtMs),
        timedOut: commandRun.timedOut,
        leftoverProcessesStopped,
      },
      services: serviceOutcomes,
      capture: { complete: outcome.complete, waitedMs: outcome.waitedMs, settleMs: timings.settleMs, runSpanCount: outcome.runSpanCount, notes: outcome.notes, traces: outcome.traces },
      exitToVerdictMs: finishedAtMs - commandExitAtMs,
      finishedAtMs,
      verdict,
      ...(request.spec ? { spec: request.spec } : {}),
    };
  };
}

async function awaitCommand(command: ProcessGroup, timings: RunTimings, signal?: AbortSignal): Promise<{ exit: ProcessExit; timedOut: boolean; forceKilled: boolean }> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort: (() => void) | undefined;
  const stopped = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timings.timeoutMs);
    onAbort = () => resolve('timeout');
    signal?.addEventListener('abort', onAbort, { once: true });
  });
  const first = await Promise.race([command.exited, stopped]);
  clearTimeout(timer);
  if (onAbort) signal?.removeEventListener('abort', onAbort);
  if (first !== 'timeout') return { exit: first, timedOut: false, forceKilled: false };
  const stop = await command.stop(timings.stopGraceMs);
  return { exit: stop.exit, timedOut: true, forceKilled: stop.killed };
}

function outcomeOf(process: ProcessGroup, exit: ProcessExit, stoppedByTool: boolean, forceKilled: boolean, endMs: number): ProcessOutcome {
  return {
    exitCode: exit.code,
    signal: exit.signal,
    killedByTimeout: stoppedByTool,
    forceKilled,
    durationMs: endMs - process.startedAtMs,
    stdout: { ...process.stdout.tail(TAIL_LINES, TAIL_CHARS), totalBytes: process.stdout.totalBytes },
    stderr: { ...process.stderr.tail(TAIL_LINES, TAIL_CHARS), totalBytes: process.stderr.totalBytes },
  };
}

export function describeExit(exit: ProcessExit): string {
  return exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
}

/** Services the spec misses in every captured trace, that no captured span came from and that this run did not start. */
function pendingServices(traces: Trace[], spec: TraceSpec, started: ReadonlySet<string>): string[] {
  const seen = new Set<string>();
  for (const trace of traces) for (const span of trace.spans) seen.add(span.serviceName);
  const pending = new Set<string>();
  for (const trace of traces) {
    for (const missing of compareTraceToSpec(trace, spec).missing_spans) {
      const service = missing.service_name;
      if (service !== undefined && !seen.has(service) && !started.has(service)) pending.add(service);
    }
  }
  return [...pending].sort();
}

function checkServiceNames(services: readonly ServiceRequest[]): void {
  const names = new Set<string>();
  for (const service of services) {
    if (names.has(service.name)) throw new OtelMcpError('INVALID_ARGUMENT', `two services are named ${service.name}`, 'give each service its own name');
    names.add(service.name);
  }
}

/** 127 / 126 with the shell's own complaint: the command never ran (a script's own 127 has no such line first). */
function shellCouldNotStart(exit: ProcessExit, command: ProcessGroup): boolean {
  if (exit.code !== 126 && exit.code !== 127) return false;
  return /^(\/bin\/)?sh: (\d+: )?.*(not found|Permission denied|cannot execute)/m.test(command.stderr.text());
}

function cannotStart(commandText: string, code: number, command: ProcessGroup): OtelMcpError {
  const stderr = command.stderr.tail(5, 1000).text;
  const why = code === 127 ? 'the shell could not find it' : 'the shell could not execute it (permissions?)';
  return new OtelMcpError(
    'INVALID_ARGUMENT',
    `the command ${JSON.stringify(commandText)} could not start: ${why} (exit ${code})${stderr ? `: ${stderr}` : ''}`,
    'check the command name and working_dir (relative commands run from working_dir); the PATH is the server’s own',
  );
}
