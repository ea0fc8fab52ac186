/**
 * The store's writer thread (worker-sink.ts, span-write-worker.ts) behind the group-commit queue, as
 * the server runs it: the worker writes through its own connection, the main thread's store reads
 * what is committed. An export is answered only after its commit, which the writes waiting for the
 * worker share; a failed commit fails exactly its exports; a worker that dies fails what it held as
 * retryable and the next write starts a new one.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { createGroupCommitQueue } from '../../src/receiver/group-commit-queue.js';
import type { SpansWritten } from '../../src/store/index.js';
import { createWorkerSink } from '../../src/store/worker-sink.js';
import { expectOnlyTheBadExportRefused, settle, smallTrace } from '../support/commit-answers.js';
import { buildTrace, logFor, repeated } from '../support/trace-builder.js';
import { waitFor } from '../support/wait-for.js';
import { openTestStore } from './store-fixture.js';

function writerThread() {
  const { store, dataDir } = openTestStore({ spansWrittenElsewhere: true });
  const heard: SpansWritten[] = [];
  const logged: string[] = [];
  store.onSpansWritten((written) => heard.push(written));
  const sink = createWorkerSink(
    { dataDir, retention: { maxSpans: 1_000_000, maxAgeMs: Number.POSITIVE_INFINITY } },
    { onSpansWritten: (written) => store.announceSpansWritten(written), log: (line) => logged.push(line) },
  );
  onTestFinished(() => sink.close());
  return { store, sink, heard, logged };
}

describe('the writer thread', () => {
  it('commits queued exports on its own connection, read by the main store, whose listeners hear of them', async () => {
    const { store, sink, heard } = writerThread();
    const queue = createGroupCommitQueue(sink);
    const traces = [smallTrace('a'), smallTrace('b'), smallTrace('c')];
    const answers = await Promise.all(traces.map((trace) => settle(queue.write('spans', trace.spans))));
    expect(answers).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
    for (const trace of traces) expect(store.getTrace(trace.traceId)?.spans).toHaveLength(2);
    expect(heard.flatMap((written) => written.traceIds).sort()).toEqual(
      traces.map((trace) => trace.traceId).sort(),
    );
    expect(() => store.writeSpans(smallTrace('d').spans)).toThrow(/writer thread/);
  });

  it('fails exactly the exports of a commit that failed, commits the next group, and refuses only bad data', async () => {
    const { store, sink } = writerThread();
    const queue = createGroupCommitQueue(sink);
    const poisoned = smallTrace('poisoned');
    // A real SQLite failure inside the worker's transaction (the trigger is in the file, so the
    // worker's connection has it too), as a full disk or an I/O error would be.
    store.connection().exec(
      `CREATE TRIGGER refuse_trace BEFORE INSERT ON traces WHEN NEW.trace_id = '${poisoned.traceId}'
         BEGIN SELECT RAISE(ABORT, 'simulated I/O failure'); END`,
    );
    const innocent = smallTrace('innocent');
    const [innocentAnswer, poisonedAnswer] = await Promise.all(
      [queue.write('spans', innocent.spans), queue.write('spans', poisoned.spans)].map(settle),
    );
    expect(innocentAnswer).toMatchObject({ ok: false, code: 'BACKEND_UNAVAILABLE' });
    expect(poisonedAnswer).toMatchObject({ ok: false, code: 'BACKEND_UNAVAILABLE' });
    expect(poisonedAnswer).toMatchObject({ message: expect.stringContaining('simulated I/O failure') });
    expect(store.getTrace(innocent.traceId)).toBeUndefined();

    const later = smallTrace('later');
    expect(await settle(queue.write('spans', later.spans))).toEqual({ ok: true });
    expect(await settle(queue.write('spans', innocent.spans))).toEqual({ ok: true });
    expect(store.getTrace(innocent.traceId)?.spans).toHaveLength(2);

    await expectOnlyTheBadExportRefused(queue, store);
  });

  it('stores the writes that wait for it in one transaction, answering each', async () => {
    const { store, sink, heard } = writerThread();
    const traces = ['a', 'b', 'c', 'd', 'e'].map(smallTrace);
    // The main connection holds the write lock, so the writes pile up behind the first.
    const db = store.connection();
    db.exec('BEGIN IMMEDIATE');
    const answers = traces.map((trace) => settle(sink.writeSpans(trace.spans)));
    await new Promise((resolve) => setTimeout(resolve, 100));
    db.exec('COMMIT');
    expect(await Promise.all(answers)).toEqual(traces.map(() => ({ ok: true })));
    for (const trace of traces) expect(store.getTrace(trace.traceId)?.spans).toHaveLength(2);
    // One announcement per transaction: the first write may have been taken alone before the rest came.
    expect(heard.length).toBeLessThanOrEqual(2);
    expect(heard.at(-1)!.traceIds.length).toBeGreaterThanOrEqual(4);
    expect(heard.flatMap((written) => written.traceIds).sort()).toEqual(
      traces.map((trace) => trace.traceId).sort(),
    );
  });

  it('handles a logs write and close that came between span writes after the writes before them, in order', async () => {
    const { store, sink } = writerThread();
    await sink.writeSpans(smallTrace('start').spans);
    const worker = sink.worker()!;
    const exitCode = new Promise<number>((resolve) => worker.once('exit', resolve));
    const traces = ['a', 'b', 'c', 'd'].map(smallTrace);
    const order: string[] = [];
    const track = (name: string, write: Promise<void>) => settle(write.then(() => void order.push(name)));
    // The writes pile up behind the main connection's lock, so the worker takes them off its port
    // together: the logs write and close are then among what it took and must not be lost.
    const db = store.connection();
    db.exec('BEGIN IMMEDIATE');
    const answers = [
      track('a', sink.writeSpans(traces[0]!.spans)),
      track('b', sink.writeSpans(traces[1]!.spans)),
    ];
    await new Promise((resolve) => setImmediate(resolve));
    answers.push(
      track('logs', sink.writeLogs([logFor(traces[0]!)])),
      track('c', sink.writeSpans(traces[2]!.spans)),
      track('d', sink.writeSpans(traces[3]!.spans)),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closed = sink.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    db.exec('COMMIT');
    expect(await Promise.all(answers)).toEqual(answers.map(() => ({ ok: true })));
    await closed;
    // 0: the worker closed on its message; terminated after the close timeout it would exit with 1.
    expect(await exitCode).toBe(0);
    expect(order).toEqual(['a', 'b', 'logs', 'c', 'd']);
    for (const trace of traces) expect(store.getTrace(trace.traceId)?.spans).toHaveLength(2);
    expect(store.getLogs({ traceId: traces[0]!.traceId, limit: 10 })).toHaveLength(1);
  });

  it('stores a group encoded in several slices in one commit: a trace across slices has one summary, a bad span anywhere refuses the group', async () => {
    const { store, sink, heard } = writerThread();
    // 1,300 spans: encoded for the worker in three slices, the trace spanning all of them.
    const wide = buildTrace({ name: 'fan', service: 'api', children: repeated(1_299, { name: 'call' }, 0) });
    expect(await settle(sink.writeSpans(wide.spans))).toEqual({ ok: true });
    expect(store.getTrace(wide.traceId)?.spans).toHaveLength(1_300);
    expect(store.findTraces({ serviceName: 'api', limit: 10 })).toMatchObject([
      { traceId: wide.traceId, spanCount: 1_300, rootName: 'fan', services: ['api'] },
    ]);
    expect(heard).toMatchObject([{ spanCount: 1_300, traceIds: [wide.traceId] }]);

    const other = buildTrace({ name: 'other', service: 'api', children: repeated(899, { name: 'call' }, 0) });
    const broken = [...other.spans];
    broken[700] = { ...broken[700]!, endTimeUnixNano: -1n };
    const refused = await settle(sink.writeSpans(broken));
    expect(refused).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    expect(refused).toMatchObject({ message: expect.stringMatching(/^span #700 /) });
    expect(store.getTrace(other.traceId)).toBeUndefined();
  });

  it('answers a main-thread query issued while a long export is being written, with what is committed so far', async () => {
    const { store, sink } = writerThread();
    const queue = createGroupCommitQueue(sink, { groupItems: 1_000 });
    const large = buildTrace({
      name: 'job',
      service: 'batch',
      children: repeated(19_999, { name: 'row' }, 0),
    });
    let answered = false;
    const answer = queue.write('spans', large.spans).then(() => {
      answered = true;
    });
    // The first slices are committed while the rest is still being written.
    await waitFor('the first slices', () => (store.stats().spanCount > 0 ? true : undefined), 30_000);
    const partial = store.getTrace(large.traceId);
    const found = store.findTraces({ serviceName: 'batch', limit: 10 });
    expect(answered).toBe(false);
    expect(partial?.spans.length).toBeGreaterThan(0);
    expect(found.map((summary) => summary.traceId)).toContain(large.traceId);
    await answer;
    expect(store.getTrace(large.traceId)?.spans).toHaveLength(20_000);
  });

  it('commits while the main connection writes too (retention, specs, sessions), each waiting its turn instead of failing', async () => {
    const { store, sink } = writerThread();
    const queue = createGroupCommitQueue(sink, { groupItems: 500 });
    const large = buildTrace({
      name: 'job',
      service: 'batch',
      children: repeated(9_999, { name: 'row' }, 0),
    });
    const db = store.connection();
    db.exec('CREATE TABLE scratch (n INTEGER)');
    const insert = db.prepare('INSERT INTO scratch (n) VALUES (?)');
    let answered = false;
    const answer = settle(queue.write('spans', large.spans)).finally(() => {
      answered = true;
    });
    let commits = 0;
    while (!answered) {
      insert.run(commits++);
      expect(store.enforceRetention().complete).toBe(true);
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await answer).toEqual({ ok: true });
    expect(store.getTrace(large.traceId)?.spans).toHaveLength(10_000);
  });

  it('fails the writes a dying worker held as retryable, keeps what it had acknowledged, and starts a new one', async () => {
    const { store, sink, logged } = writerThread();
    const before = smallTrace('before');
    await sink.writeSpans(before.spans);
    const first = sink.worker();
    const lost = smallTrace('lost');
    const held = settle(sink.writeSpans(lost.spans));
    await first!.terminate();
    expect(await held).toMatchObject({ ok: false, code: 'BACKEND_UNAVAILABLE' });
    expect(logged.join('\n')).toContain('writer thread stopped');

    const after = smallTrace('after');
    await sink.writeSpans(after.spans);
    expect(sink.worker()).not.toBe(first);
    expect(store.getTrace(before.traceId)?.spans).toHaveLength(2);
    expect(store.getTrace(after.traceId)?.spans).toHaveLength(2);
  });
});
