import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SessionRepository } from '../../src/store/sessions/session-repository.js';
import { openTraceStore, type TraceStore } from '../../src/store/trace-store.js';

const dirs: string[] = [];
const stores: TraceStore[] = [];
function open(dir: string): SessionRepository {
  const store = openTraceStore({
    dataDir: dir,
    retention: { maxSpans: 1_000_000, maxAgeMs: 86_400_000 },
    log: () => undefined,
  });
  stores.push(store);
  return new SessionRepository(store.connection());
}
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('development sessions in the store', () => {
  it('keeps sessions and their iterations across a restart, numbered per session', () => {
    const dir = mkdtempSync(join(tmpdir(), 'otel-mcp-sessions-'));
    dirs.push(dir);
    const first = open(dir);
    first.create({
      id: 'ses_a',
      projectName: 'shop',
      specName: 'checkout',
      settings: { command: 'npm test' },
    });
    first.create({ id: 'ses_b', projectName: 'other', settings: {} });
    first.appendIteration({
      sessionId: 'ses_a',
      runId: 'run_1',
      startedAtMs: 1,
      finishedAtMs: 2,
      verdict: 'fail',
      record: { score: 0.5 },
    });
    first.appendIteration({
      sessionId: 'ses_b',
      runId: 'run_2',
      startedAtMs: 1,
      finishedAtMs: 2,
      verdict: 'no_spec',
      record: {},
    });
    const second = first.appendIteration({
      sessionId: 'ses_a',
      runId: 'run_3',
      startedAtMs: 3,
      finishedAtMs: 4,
      verdict: 'pass',
      record: { score: 1 },
    });
    expect(second.number).toBe(2);
    stores.pop()?.close();

    const reopened = open(dir);
    expect(reopened.get('ses_a')).toMatchObject({
      projectName: 'shop',
      specName: 'checkout',
      settings: { command: 'npm test' },
      iterationCount: 2,
    });
    expect(
      reopened.iterations('ses_a').map((item) => [item.number, item.runId, item.verdict, item.record]),
    ).toEqual([
      [1, 'run_1', 'fail', { score: 0.5 }],
      [2, 'run_3', 'pass', { score: 1 }],
    ]);
    expect(
      reopened
        .recent(10)
        .map((item) => item.id)
        .sort(),
    ).toEqual(['ses_a', 'ses_b']);
  });

  it('refuses an iteration of a session that does not exist, and a second session with the same id', () => {
    const dir = mkdtempSync(join(tmpdir(), 'otel-mcp-sessions-'));
    dirs.push(dir);
    const repository = open(dir);
    expect(() =>
      repository.appendIteration({
        sessionId: 'ses_x',
        runId: 'r',
        startedAtMs: 1,
        finishedAtMs: 1,
        verdict: 'pass',
        record: {},
      }),
    ).toThrow(/no session ses_x/);
    repository.create({ id: 'ses_a', projectName: 'p', settings: {} });
    expect(() => repository.create({ id: 'ses_a', projectName: 'p', settings: {} })).toThrow(
      /already exists/,
    );
    expect(() => repository.create({ id: 'Bad Id', projectName: 'p', settings: {} })).toThrow(/not accepted/);
  });
});
