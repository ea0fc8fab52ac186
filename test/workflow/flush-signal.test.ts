import { describe, expect, it } from 'vitest';
import { flushSignal } from '../../src/workflow/flush-signal.js';

// Signal masks as /proc/<pid>/status showed them for real processes on Linux (bit n-1 = signal n).
const MASKS = {
  // CPython 3.11: only SIGINT is caught (KeyboardInterrupt); SIGTERM keeps its default action.
  python: { caught: 0x2n, ignored: 0x1001000n },
  // OpenJDK 17 under the OpenTelemetry Java agent: HUP, INT, QUIT, TERM, ... (shutdown hooks run on TERM).
  java: { caught: 0x16007n, ignored: 0x300000n },
  // Node 20: INT and TERM (its own handler restores the terminal, then dies by the signal).
  node: { caught: 0x100004602n, ignored: 0x1001006n },
  // dash running `sh -c` for a service: catches INT (and CHLD) while it waits for its child.
  dash: { caught: 0x10002n, ignored: 0n },
};

describe('the signal a process flushes on', () => {
  it('is SIGINT for a CPython process, whose KeyboardInterrupt runs the atexit hooks where the SDK flushes', () => {
    expect(flushSignal({ name: 'python3', ...MASKS.python })).toBe('SIGINT');
  });

  it('is SIGTERM for a process with its own SIGTERM handler: the JVM, Node, an application that handles it', () => {
    expect(flushSignal({ name: 'java', ...MASKS.java })).toBe('SIGTERM');
    expect(flushSignal({ name: 'node', ...MASKS.node })).toBe('SIGTERM');
  });

  it('is SIGTERM for a process that handles neither, and for the shell that wraps a service', () => {
    expect(flushSignal({ name: 'notify-service', caught: 0n, ignored: 0n })).toBe('SIGTERM');
    expect(flushSignal({ name: 'sh', ...MASKS.dash })).toBe('SIGTERM');
  });

  it('is SIGTERM for a Python process started with SIGINT ignored (a background job of a script), which SIGINT could not stop', () => {
    expect(flushSignal({ name: 'python3', caught: 0n, ignored: 0x2n })).toBe('SIGTERM');
  });
});
