/**
 * When a long-running service started for a run is ready for the trigger command: its port
 * accepts connections, an HTTP URL answers, or a line of its output matches a pattern.
 */
import { connect } from 'node:net';
import { OtelMcpError } from '../model/errors.js';
import { compileLinearRegex, type LinearRegex } from '../tracespec/index.js';
import { delay, type ProcessGroup } from './process-group.js';

export type ReadyCheck = ({ port: number; host?: string } | { http: string } | { log_pattern: string }) & {
  /** How long the service may take; the run's default (the config's ready_timeout_ms) when absent. */
  timeout_ms?: number;
};

/** 50 ms between probes: a service that is ready is seen within a twentieth of a second. */
const PROBE_INTERVAL_MS = 50;

export function describeReadyCheck(check: ReadyCheck): string {
  if ('port' in check) return `port ${check.host ?? '127.0.0.1'}:${check.port} accepting connections`;
  if ('http' in check) return `GET ${check.http} answering below 500`;
  return `output matching /${check.log_pattern}/`;
}

/** Resolves once `check` passes; rejects when the service exits first or `timeoutMs` passes. */
export async function waitUntilReady(
  service: { name: string; process: ProcessGroup },
  check: ReadyCheck,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<void> {
  const pattern = 'log_pattern' in check ? compilePattern(check.log_pattern, service.name) : undefined;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (signal?.aborted)
      throw new OtelMcpError('TIMEOUT', `cancelled while waiting for ${service.name} to be ready`);
    const exit = service.process.exitStatus;
    if (exit) {
      const stderr = service.process.stderr.tail(15, 2000).text;
      throw new OtelMcpError(
        'INVALID_ARGUMENT',
        `service ${service.name} exited (${exit.signal ?? `code ${exit.code}`}) before it was ready (${describeReadyCheck(check)})${stderr ? `; its stderr ends:\n${stderr}` : ''}`,
        'fix the service command (run it by hand in working_dir to see why), then run again',
      );
    }
    if (await passes(check, pattern, service.process)) return;
    if (Date.now() >= deadline) {
      throw new OtelMcpError(
        'TIMEOUT',
        `service ${service.name} was not ready after ${timeoutMs} ms (${describeReadyCheck(check)})`,
        `check the ready condition (port, http URL or log_pattern) and the service output, or give the service more time with ready.timeout_ms (this wait: ${timeoutMs} ms)`,
      );
    }
    await delay(PROBE_INTERVAL_MS);
  }
}

/**
 * The pattern is the agent's and the output the service's, so it runs in linear time: on Node's
 * RegExp, `(a+)+$` against a line of "a"s would stall every run and tool call on the one thread.
 */
function compilePattern(source: string, name: string): LinearRegex {
  const compiled = compileLinearRegex(source, { multiline: true });
  if (compiled.ok) return compiled.regex;
  throw new OtelMcpError(
    'INVALID_ARGUMENT',
    `service ${name}: ready.log_pattern is not a valid regular expression (${compiled.reason})`,
    'e.g. "listening on \\\\d+"',
  );
}

// RE2's multiline `^` and `$` see only "\n" as a line end; JavaScript's also "\r" (Windows output).
const asLines = (text: string): string => text.replace(/\r\n?/g, '\n');

async function passes(
  check: ReadyCheck,
  pattern: LinearRegex | undefined,
  process: ProcessGroup,
): Promise<boolean> {
  if (pattern)
    return pattern.test(asLines(process.stdout.text())) || pattern.test(asLines(process.stderr.text()));
  if ('port' in check) return portOpen(check.host ?? '127.0.0.1', check.port);
  if ('http' in check) return httpAnswers(check.http);
  return false;
}

function portOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (open: boolean): void => {
      socket.destroy();
      resolve(open);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function httpAnswers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
    await response.body?.cancel();
    return response.status < 500;
  } catch {
    return false;
  }
}
