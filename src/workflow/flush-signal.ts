/**
 * Which signal lets a process flush its telemetry before it exits, read from the signals it
 * handles (/proc/<pid>/status), not from its language:
 * - a handler for SIGTERM is the process's own way out: the JVM runs its shutdown hooks (where the
 *   Java agent flushes), Node and Go runtimes and applications with their own handler do what
 *   they were written to do;
 * - otherwise a handler for SIGINT alone is CPython's: KeyboardInterrupt unwinds the program and
 *   the interpreter runs its atexit hooks, where the SDK's BatchSpanProcessor flushes. SIGTERM's
 *   default action would kill it without them (spans lost in 3 of 6 runs of a Flask service);
 * - anything else dies alike on either signal: SIGTERM, the conventional one. So does a shell
 *   that wraps the service (dash catches SIGINT while it waits for a foreground child, and would
 *   only wait on): it runs no SDK, and its children get their own signal.
 * Pure.
 */
export type StopSignal = 'SIGINT' | 'SIGTERM';

const SIGINT = 2;
const SIGTERM = 15;

/** Shells a command line is run by; `sh -c` keeps one between the group leader and the service. */
export const SHELLS = new Set(['sh', 'dash', 'bash', 'ash', 'zsh', 'ksh', 'busybox']);

export function flushSignal(process: { name: string; caught: bigint; ignored: bigint }): StopSignal {
  if (SHELLS.has(process.name) || handles(process.caught, SIGTERM)) return 'SIGTERM';
  if (handles(process.caught, SIGINT) && !handles(process.ignored, SIGINT)) return 'SIGINT';
  return 'SIGTERM';
}

/** Whether bit `signal - 1` of a /proc signal mask is set. */
export function handles(mask: bigint, signal: number): boolean {
  return ((mask >> BigInt(signal - 1)) & 1n) === 1n;
}
