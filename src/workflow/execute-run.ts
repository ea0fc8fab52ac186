/**
 * execute_and_capture's engine: start the services a run needs, run the trigger
 * command with the SDK pointed at the embedded receiver, wait until the run's spans have settled
 * while the services still run, stop the services with the signal each one flushes on, take what
 * their shutdown flushed, and judge the traces against the spec.
 */
import type { Trace } from '../model/span.js';
import { OtelMcpError } from '../model/errors.js';
import type { SpanSpec, TraceSpec } from '../tracespec/index.js';
import { compareTraceToSpec } from '../tracespec/index.js';
import { escapeesNote, stopRunEscapees } from './run-escapees.js';
import { checkCommand, checkRun, resolveWorkingDir, type ExecutionPolicy } from './command-policy.js';
import type { StopSignal } from './flush-signal.js';
import { describeExit, type ProcessExit } from './process-exit.js';
import { ProcessGroup } from './process-group.js';
import { waitUntilReady, type ReadyCheck } from './readiness.js';
import { RunCapture, type RunSpanSource } from './run-capture.js';
import { awaitedLocalParents, rootOwnerGone, rootlessNote, rootlessTraces } from './run-roots.js';
import { spansOf, unansweredCall } from './lost-telemetry.js';
import { runEnvironment, serviceNameUnset, type ReceiverEndpoint } from './run-environment.js';
import { judgeRun, type RunVerdict } from './run-verdict.js';
import { plural } from '../model/plural.js';

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
  /** Run the command this many times in a row (services started once) and judge every trace. */
  repeat?: number;
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
  /** The signals that asked it to stop (SIGINT for CPython, SIGTERM otherwise); absent when it exited first. */
  stopSignals?: StopSignal[];
  /** TCP ports its processes listened on before the stop (for calls into it that left no span). */
  ports: number[];
  /** OTEL_SERVICE_NAME was unset, so the run set it to this service's name. */
  serviceNameDefaulted: boolean;
}

export interface RunReport {
  runId: string;
  workingDir: string;
  startedAtMs: number;
  command: ProcessOutcome & {
    timedOut: boolean;
    leftoverProcessesStopped: boolean;
    /** With `repeat` > 1: how every repetition ended (the outcome above is the first that failed, else the last). */
    repetitions?: { code: number | null; signal: string | null; timedOut: boolean }[];
  };
  services: ServiceOutcome[];
  capture: {
    complete: boolean;
    /** From the command's exit to the decision. */
    waitedMs: number;
    /** Its parts: the wait with the services up, stopping them, the wait for what they flushed. */
    phases: { liveWaitMs: number; stopMs: number; afterStopWaitMs: number; lastSpanAfterExitMs: number };
    settleMs: number;
    runSpanCount: number;
    notes: string[];
    traces: Trace[];
  };
  /** From the command's exit to the verdict: what the speed target is about. */
  exitToVerdictMs: number;
  finishedAtMs: number;
  verdict: RunVerdict;
  spec?: RunSpec;
}

/**
 * How long past the quiet period a run waits, with its services up, for spans a running service has
 * made and not yet exported: a span's parent from its own process (awaitedLocalParents), the answer
 * to a call into it, or the run's first span at all. An SDK's first export is its slowest (the JVM
 * agent's, CPython's and Node's exporters load on first use): on a cold two-core machine the
 * polyglot example's first spans came after the 300 ms quiet period, and the services, stopped
 * then, took the spans of the two that do not flush on SIGTERM with them. Seconds of a busy
 * machine, not a span that will never come.
 */
const LATE_EXPORT_WAIT_MS = 2_000;
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
    checkRun(deps.policy, { ...(request.env ? { env: request.env } : {}), services });
    const workingDir = resolveWorkingDir(deps.policy, request.workingDir, deps.serverCwd);
    const serviceDirs = services.map((service) =>
      resolveWorkingDir(deps.policy, service.workingDir ?? request.workingDir, deps.serverCwd),
    );
    const endpoint = deps.endpoint();
    if (!endpoint) {
      throw new OtelMcpError(
        'UNSUPPORTED',
        'the embedded OTLP receiver is not listening, so a run’s spans would have nowhere to go',
        'get_otlp_endpoint says why (a port taken?); restart otel-mcp with a free --otlp-http-port',
      );
    }

    const runId = deps.newRunId();
    const startedAtMs = clock();
    const capture = new RunCapture(runId, deps.spans, clock);
    const started: StartedService[] = [];
    const envFor = (extra?: Record<string, string>, service?: string): Record<string, string> =>
      runEnvironment({
        base: deps.baseEnv,
        extra: { ...request.env, ...extra },
        endpoint,
        runId,
        ...(deps.exportHeaders ? { exportHeaders: deps.exportHeaders } : {}),
        ...(service !== undefined ? { service } : {}),
      });
    const startService = async (service: ServiceRequest, index: number): Promise<void> => {
      progress(`starting ${service.name}`);
      const serviceNameDefaulted = serviceNameUnset({ ...deps.baseEnv, ...request.env, ...service.env });
      const process = await ProcessGroup.start(service.command, {
        cwd: serviceDirs[index] as string,
        env: envFor(service.env, service.name),
      });
      const entry: StartedService = {
        name: service.name,
        process,
        serviceNameDefaulted,
        ...(service.ready ? { ready: service.ready } : {}),
      };
      started.push(entry);
      if (service.ready) {
        await waitUntilReady(
          { name: service.name, process },
          service.ready,
          service.ready.timeout_ms ?? timings.readyTimeoutMs,
          hooks.signal,
        );
        entry.readyAfterMs = clock() - process.startedAtMs;
        progress(`${service.name} ready after ${entry.readyAfterMs} ms`);
      }
    };
    // The run ends before its capture: stop what it started and stop listening for its spans.
    const abandon = async (): Promise<void> => {
      await Promise.all(started.map((service) => service.process.stop(timings.stopGraceMs)));
      await stopRunEscapees(runId, timings.stopGraceMs);
      capture.close();
    };
    try {
      if (request.startServicesTogether) {
        const results = await Promise.allSettled(
          services.map((service, index) => startService(service, index)),
        );
        const failed = results.find(
          (result): result is PromiseRejectedResult => result.status === 'rejected',
        );
        if (failed) throw failed.reason;
        // Report them in the order they were given, whatever order they started in.
        started.sort(
          (a, b) =>
            services.findIndex((item) => item.name === a.name) -
            services.findIndex((item) => item.name === b.name),
        );
      } else {
        for (const [index, service] of services.entries()) await startService(service, index);
      }
    } catch (error) {
      await abandon();
      throw error;
    }

    // The command, `repeat` times in a row while the services stay up. The report keeps the first
    // repetition that failed (its output says why), else the last.
    const repeat = request.repeat ?? 1;
    const exits: { code: number | null; signal: string | null; timedOut: boolean }[] = [];
    let shown: { group: ProcessGroup; run: CommandRun; exitAtMs: number; leftover: boolean } | undefined;
    for (let attempt = 1; attempt <= repeat; attempt += 1) {
      progress(
        repeat > 1 ? `running ${request.command} (${attempt} of ${repeat})` : `running ${request.command}`,
      );
      let group: ProcessGroup;
      try {
        group = await ProcessGroup.start(request.command, { cwd: workingDir, env: envFor() });
      } catch (error) {
        await abandon();
        throw error;
      }
      const run = await awaitCommand(group, timings, hooks.signal);
      const exitAtMs = clock();
      progress(
        run.timedOut
          ? `command timed out after ${timings.timeoutMs} ms: stopped its process group`
          : `command exited with ${describeExit(run.exit)}`,
      );
      // What the command left running in its group (a backgrounded server) is stopped too.
      // 100 ms for the output pipes to close after the shell: still open means a child lives on.
      let leftover = false;
      if (!run.timedOut && !(await group.closedWithin(100))) {
        leftover = true;
        await group.stop(timings.stopGraceMs);
      }
      // A command that never ran has no spans to wait for: say so now, not after the capture timeout.
      if (shellCouldNotStart(run.exit, group)) {
        await abandon();
        throw cannotStart(request.command, run.exit.code as number, group);
      }
      exits.push({ code: run.exit.code, signal: run.exit.signal, timedOut: run.timedOut });
      const failed = run.timedOut || run.exit.code !== 0;
      const shownFailed = shown !== undefined && (shown.run.timedOut || shown.run.exit.code !== 0);
      if (!shownFailed) shown = { group, run, exitAtMs, leftover };
      if (hooks.signal?.aborted) break;
      if (failed && run.timedOut) break;
    }
    const {
      group: command,
      run: commandRun,
      leftover: leftoverProcessesStopped,
      exitAtMs: shownExitAtMs,
    } = shown as NonNullable<typeof shown>;
    const commandExitAtMs = clock();

    // First wait with the services still up: every SDK exports on its own short schedule
    // (OTEL_BSP_SCHEDULE_DELAY), so nothing depends on how a service takes a signal. A missing
    // root is waited for only while the process that could send it lives.
    const deadlineMs = commandExitAtMs + timings.captureTimeoutMs;
    const onProgress = (state: { spanCount: number; traceCount: number }): void =>
      progress(`waiting for spans: ${state.spanCount} spans of this run in ${state.traceCount} traces`);
    const expectedServices = new Set(request.spec ? specServiceNames(request.spec.spec.expected_spans) : []);
    const crashed = (): string[] =>
      started.filter((service) => service.process.exitStatus !== undefined).map((service) => service.name);
    const live = await capture.settle({
      sinceMs: commandExitAtMs,
      quietMs: timings.settleMs,
      deadlineMs,
      waitingFor: (traces, nowMs) => {
        const awaited = rootlessTraces(traces).filter((trace) => !rootOwnerGone(trace, crashed()));
        if (awaited.length > 0) return `the root span of ${plural(awaited.length, 'trace')}`;
        // Bounded on its own: a span may also hang under a remote parent that never comes, and a
        // command may make no span at all.
        if (nowMs >= commandExitAtMs + timings.settleMs + LATE_EXPORT_WAIT_MS) return undefined;
        const running = started.filter((service) => service.process.exitStatus === undefined);
        if (running.length === 0) return undefined;
        if (traces.length === 0) return 'the first span of the run';
        const orphans = traces.flatMap((trace) =>
          awaitedLocalParents(
            trace,
            running.map((service) => service.name),
          ),
        );
        if (orphans.length > 0)
          return `the parent of ${plural(orphans.length, 'span')} (${orphans[0]?.serviceName}: ${orphans[0]?.name})`;
        // A service that traces: one the spec names, or that has sent spans (not a database started
        // for the run, under whose calls nothing ever comes).
        const called = running.find((service) => {
          if (
            !expectedServices.has(service.name) &&
            !traces.some((trace) => spansOf(trace, service.name).length > 0)
          )
            return false;
          const ports = portsOf(service);
          return traces.some((trace) => unansweredCall(trace, ports) !== undefined);
        });
        return called ? `the spans of ${called.name}, which was called` : undefined;
      },
      onProgress,
      ...(hooks.signal ? { signal: hooks.signal } : {}),
    });

    const liveDoneAtMs = clock();
    const running = started.filter((service) => service.process.exitStatus === undefined);
    if (running.length > 0)
      progress(
        `stopping ${running.map((service) => service.name).join(', ')} (each with the signal it flushes on)`,
      );
    // All at once: each SDK flushes its own spans, so the wait is the slowest flush, not their sum.
    const serviceOutcomes: ServiceOutcome[] = await Promise.all(
      started.map((service) => stopService(service, timings.stopGraceMs, clock)),
    );
    // What left the process groups (setsid, daemons) is stopped too, and named below.
    const escaped = await stopRunEscapees(runId, timings.stopGraceMs);
    const processesDoneAtMs = clock();

    // Then what the stops flushed: the receiver stores an export before it answers, and an exporter
    // has its answer before its process exits, so once the services have exited their spans are in
    // (nothing to wait for). Services the spec expects that the run did not start may still be on
    // their way: they get late_service_wait_ms.
    const startedNames = new Set(services.map((service) => service.name));
    const lateDeadlineMs = processesDoneAtMs + timings.lateServiceWaitMs;
    const quietMs = 0;
    const final = await capture.settle({
      sinceMs: processesDoneAtMs,
      quietMs,
      deadlineMs: Math.max(deadlineMs, processesDoneAtMs + quietMs),
      ...(request.spec
        ? {
            waitingFor: (traces: Trace[], nowMs: number) => {
              if (nowMs >= lateDeadlineMs) return undefined;
              const pending = pendingServices(traces, request.spec?.spec as TraceSpec, startedNames);
              return pending.length > 0 ? `spans of ${pending.join(', ')}` : undefined;
            },
          }
        : {}),
      onProgress,
      ...(hooks.signal ? { signal: hooks.signal } : {}),
    });
    capture.close();
    const finalDoneAtMs = clock();

    const traces = final.traces;
    const notes: string[] = [];
    const rootless = rootlessTraces(traces);
    for (const trace of rootless.slice(0, 5)) notes.push(rootlessNote(trace, serviceOutcomes));
    if (live.timedOutWaitingFor !== undefined)
      notes.push(`timed out after ${timings.captureTimeoutMs} ms waiting for ${live.timedOutWaitingFor}`);
    else if (live.timedOutBusy)
      notes.push(
        `spans were still arriving ${timings.captureTimeoutMs} ms after the command ended (capture_timeout_ms): the verdict is on what had arrived`,
      );
    if (request.spec && !final.aborted) {
      const pending = pendingServices(traces, request.spec.spec, startedNames);
      if (pending.length > 0) {
        notes.push(
          `waited ${timings.settleMs + timings.lateServiceWaitMs} ms after the run for spans of ${pending.join(', ')} (expected by the spec, not started by this run): none arrived`,
        );
      }
    }
    if (live.aborted || final.aborted)
      notes.push('the run was cancelled: the traces are what had arrived by then');
    const escapees = escapeesNote(escaped);
    if (escapees) notes.push(escapees);
    const complete = rootless.length === 0 && !live.aborted && !final.aborted && !live.timedOutBusy;

    const verdict = judgeRun(traces, request.spec?.spec, { services: serviceOutcomes });
    const finishedAtMs = clock();
    return {
      runId,
      workingDir,
      startedAtMs,
      command: {
        ...outcomeOf(command, commandRun.exit, commandRun.timedOut, commandRun.forceKilled, shownExitAtMs),
        timedOut: commandRun.timedOut,
        leftoverProcessesStopped,
        ...(repeat > 1 ? { repetitions: exits } : {}),
      },
      services: serviceOutcomes,
      capture: {
        complete,
        waitedMs: finalDoneAtMs - commandExitAtMs,
        phases: {
          liveWaitMs: liveDoneAtMs - commandExitAtMs,
          stopMs: processesDoneAtMs - liveDoneAtMs,
          afterStopWaitMs: finalDoneAtMs - processesDoneAtMs,
          lastSpanAfterExitMs: capture.lastArrivalAtMs - commandExitAtMs,
        },
        settleMs: timings.settleMs,
        runSpanCount: capture.spanCount,
        notes,
        traces,
      },
      exitToVerdictMs: finishedAtMs - commandExitAtMs,
      finishedAtMs,
      verdict,
      ...(request.spec ? { spec: request.spec } : {}),
    };
  };
}

interface StartedService {
  name: string;
  process: ProcessGroup;
  ready?: ReadyCheck;
  readyAfterMs?: number;
  serviceNameDefaulted: boolean;
}

async function stopService(
  service: StartedService,
  graceMs: number,
  clock: () => number,
): Promise<ServiceOutcome> {
  const exitedEarly = service.process.exitStatus !== undefined;
  // Read before the stop: a stopped process listens nowhere.
  const ports = exitedEarly ? readyPort(service.ready) : portsOf(service);
  const stop = exitedEarly ? undefined : await service.process.stop(graceMs);
  const exit = stop?.exit ?? (service.process.exitStatus as ProcessExit);
  return {
    name: service.name,
    ...(service.readyAfterMs !== undefined ? { readyAfterMs: service.readyAfterMs } : {}),
    exitedEarly,
    ...(stop ? { stopSignals: stop.signals } : {}),
    ports,
    serviceNameDefaulted: service.serviceNameDefaulted,
    ...outcomeOf(service.process, exit, !exitedEarly, stop?.killed ?? false, clock()),
  };
}

/** The port a ready check names, when it names one on this machine. */
function readyPort(ready: ReadyCheck | undefined): number[] {
  if (!ready) return [];
  if ('port' in ready) return [ready.port];
  if ('http' in ready) {
    try {
      const url = new URL(ready.http);
      return [Number(url.port || (url.protocol === 'https:' ? 443 : 80))];
    } catch {
      return [];
    }
  }
  return [];
}

/** The ports a running service listens on, and its ready check's. */
function portsOf(service: StartedService): number[] {
  return mergePorts(service.process.listeningPorts(), readyPort(service.ready));
}

function mergePorts(a: readonly number[], b: readonly number[]): number[] {
  return [...new Set([...a, ...b])].sort((x, y) => x - y);
}

interface CommandRun {
  exit: ProcessExit;
  timedOut: boolean;
  forceKilled: boolean;
}

async function awaitCommand(
  command: ProcessGroup,
  timings: RunTimings,
  signal?: AbortSignal,
): Promise<CommandRun> {
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

function outcomeOf(
  process: ProcessGroup,
  exit: ProcessExit,
  stoppedByTool: boolean,
  forceKilled: boolean,
  endMs: number,
): ProcessOutcome {
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

/** Every service_name an entry names, at any depth. */
function specServiceNames(entries: readonly SpanSpec[]): string[] {
  return entries.flatMap((entry) => [
    ...(entry.service_name !== undefined ? [entry.service_name] : []),
    ...specServiceNames(entry.children ?? []),
  ]);
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
    if (names.has(service.name))
      throw new OtelMcpError(
        'INVALID_ARGUMENT',
        `two services are named ${service.name}`,
        'give each service its own name',
      );
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
