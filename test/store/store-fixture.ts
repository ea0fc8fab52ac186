/**
 * A real store in a fresh temporary data dir, removed when the test ends.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import { openTraceStore, type TraceStore, type TraceStoreOptions } from '../../src/store/index.js';

export interface TestStore {
  store: TraceStore;
  dataDir: string;
  /** Lines the store logged. */
  logged: string[];
  /** Another store on the same data dir (closed with the test). */
  open(overrides?: Partial<TraceStoreOptions>): TraceStore;
}

export function openTestStore(overrides: Partial<TraceStoreOptions> = {}): TestStore {
  const dataDir = mkdtempSync(join(tmpdir(), 'otel-mcp-store-test-'));
  const logged: string[] = [];
  const opened: TraceStore[] = [];
  const open = (more: Partial<TraceStoreOptions> = {}): TraceStore => {
    const store = openTraceStore({
      dataDir,
      retention: { maxSpans: 1_000_000, maxAgeMs: Number.POSITIVE_INFINITY },
      log: (line) => logged.push(line),
      ...overrides,
      ...more,
    });
    opened.push(store);
    return store;
  };
  const store = open();
  onTestFinished(() => {
    for (const each of opened) each.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return { store, dataDir, logged, open };
}
