import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Span } from '../../src/model/index.js';
import { DATABASE_FILE, PAGE_SIZE } from '../../src/store/schema/sqlite-connection.js';
import { buildTrace } from '../support/trace-builder.js';
import { openTestStore } from './store-fixture.js';

const CHILD = fileURLToPath(new URL('./store-child-process.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface ChildRun {
  lines: string[];
  /** Resolves with the exit code (or signal name) once the child has ended. */
  exited: Promise<number | string>;
  /** Resolves once the child has printed a line matching `pattern`. */
  line(pattern: RegExp): Promise<string>;
}

function runChild(args: string[]): ChildRun {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  let pending = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const parts = pending.split('\n');
    pending = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      for (const waiter of waiters.filter((w) => w.pattern.test(line))) waiter.resolve(line);
    }
  });
  const exited = new Promise<number | string>((resolve) =>
    child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  return {
    lines,
    exited,
    line: (pattern) =>
      new Promise((resolve, reject) => {
        const found = lines.find((line) => pattern.test(line));
        if (found) return resolve(found);
        waiters.push({ pattern, resolve });
        void exited.then((code) =>
          reject(new Error(`child exited (${code}) before printing ${pattern}: ${stderr}`)),
        );
      }),
  };
}

describe('persistence', () => {
  it('keeps every span, summary and service across a close and reopen of the data dir', () => {
    const { store, open } = openTestStore();
    const trace = buildTrace({
      name: 'root',
      service: 'api',
      children: [{ name: 'db', service: 'postgres', status: 'error' }],
    });
    store.writeSpans(trace.spans);
    const summaries = store.findTraces({ limit: 10 });
    store.close();

    const reopened = open();
    expect(reopened.getTrace(trace.traceId)).toStrictEqual(trace);
    expect(reopened.findTraces({ limit: 10 })).toEqual(summaries);
    expect(reopened.listServices().map((service) => service.name)).toEqual(['api', 'postgres']);

    // Writes after the reopen extend the same trace and reuse the stored resources.
    const late = {
      ...(trace.spans[1] as Span),
      spanId: 'abcdefabcdef0001',
      resource: { ...trace.spans[1]!.resource },
    };
    reopened.writeSpans([late]);
    expect(reopened.findTraces({ limit: 10 })[0]).toMatchObject({ spanCount: 3, errorCount: 2 });
    expect(reopened.connection().prepare('SELECT count(*) FROM resources').pluck().get()).toBe(2);
  });

  it('makes a new database with 8 KiB pages and leaves its WAL checkpoints to the store, not SQLite', () => {
    const { store } = openTestStore();
    const db = store.connection();
    expect(db.pragma('page_size', { simple: true })).toBe(PAGE_SIZE);
    expect(PAGE_SIZE).toBe(8192);
    // The store syncs span bodies before each checkpoint (wal-checkpoints.ts): SQLite's own are off.
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
  });

  it('opens a data dir made with 4 KiB pages as it is and keeps its spans', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'otel-mcp-store-test-'));
    onTestFinished(() => rmSync(dataDir, { recursive: true, force: true }));
    // What earlier builds made: SQLite's default page size.
    const old = new Database(join(dataDir, DATABASE_FILE));
    old.pragma('page_size = 4096');
    old.pragma('journal_mode = WAL');
    old.close();
    const { store, open } = openTestStore({ dataDir });
    const trace = buildTrace({ name: 'root', children: [{ name: 'a' }] });
    store.writeSpans(trace.spans);
    store.close();
    const reopened = open();
    const db = reopened.connection();
    expect(db.pragma('page_size', { simple: true })).toBe(4096);
    expect(reopened.getTrace(trace.traceId)).toStrictEqual(trace);
  });

  it('lets a second connection read the data dir while the first writes', () => {
    const { store, open } = openTestStore();
    const reader = open({ readOnly: true });
    const trace = buildTrace({ name: 'root', children: [{ name: 'a' }, { name: 'b' }] });
    store.writeSpans(trace.spans.slice(0, 1));
    expect(reader.getTrace(trace.traceId)?.spans).toHaveLength(1);
    store.writeSpans(trace.spans.slice(1));
    expect(reader.getTrace(trace.traceId)).toStrictEqual(trace);
    expect(reader.stats().spanCount).toBe(3);
  });

  it('lets another process read while this one writes, seeing only whole batches', async () => {
    const { store } = openTestStore();
    const batch = 7;
    const batches = 10;
    const trace = buildTrace(
      {
        name: 'root',
        service: 'writer',
        children: Array.from({ length: batch * batches - 1 }, (_, index) => ({ name: `step-${index}` })),
      },
      'd'.repeat(32),
    );
    store.writeSpans([]); // the schema exists before the reader opens
    const child = runChild(['read', store.dataDir, trace.traceId, String(batch * batches)]);
    await child.line(/^ready$/);
    for (let index = 0; index < batches; index += 1) {
      store.writeSpans(trace.spans.slice(index * batch, (index + 1) * batch));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const report = JSON.parse(await child.line(/^\{/)) as {
      seen: number[];
      errors: string[];
      services: string[];
    };
    expect(await child.exited).toBe(0);
    expect(report.errors).toEqual([]);
    expect(report.seen[report.seen.length - 1]).toBe(batch * batches);
    for (const count of report.seen) expect(count % batch).toBe(0);
    expect(report.seen).toEqual([...report.seen].sort((a, b) => a - b));
    expect(report.services).toEqual(['writer']);
  });

  it('keeps every acknowledged write when the writing process is killed without closing', async () => {
    const { open, dataDir } = openTestStore();
    const child = runChild(['write-and-die', dataDir, '5']);
    expect(await child.exited).toBe('SIGKILL');
    const acknowledged = Math.max(
      ...child.lines
        .filter((line) => line.startsWith('acknowledged'))
        .map((line) => Number(line.split(' ')[1])),
    );
    expect(acknowledged).toBe(50);
    const reopened = open();
    expect(reopened.getTrace('c'.repeat(32))?.spans).toHaveLength(acknowledged);
    expect(reopened.findTraces({ limit: 1 })[0]).toMatchObject({ spanCount: acknowledged, rootName: 'root' });
  });
});
