import { appendFileSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { isOtelMcpError } from '../../src/model/index.js';
import { DATABASE_FILE } from '../../src/store/schema/sqlite-connection.js';
import { BODY_DIR, BodyLog, bodyLocator, isBodyLocator } from '../../src/store/spans/body-log.js';
import { WalCheckpoints } from '../../src/store/wal-checkpoints.js';
import { buildTrace } from '../support/trace-builder.js';
import { tempDirForTest } from '../support/temp-dir.js';
import { openTestStore } from './store-fixture.js';

const traceId = (n: number) => n.toString(16).padStart(32, '0');
const segments = (dataDir: string) => readdirSync(join(dataDir, BODY_DIR)).sort();

function traceOf(n: number, children = 3) {
  return buildTrace(
    { name: `root-${n}`, children: Array.from({ length: children }, (_, i) => ({ name: `child-${i}` })) },
    traceId(n),
  );
}

/** Small body files, and retention to `maxSpans` only when the test enforces it. */
const openRetainingStore = (maxSpans: number) =>
  openTestStore({
    bodySegmentBytes: 512,
    retention: { maxSpans, maxAgeMs: Number.POSITIVE_INFINITY },
    retentionEverySpans: 1_000_000,
  });

describe('span bodies in files beside the database', () => {
  it("keep a span's message in span-bodies, its row holding only where, and read it back after a restart", () => {
    const { store, open } = openTestStore();
    const trace = traceOf(1);
    store.writeSpans(trace.spans);
    const rows = store.connection().prepare('SELECT body FROM spans').pluck().all() as Buffer[];
    expect(rows).toHaveLength(trace.spans.length);
    for (const body of rows) expect(isBodyLocator(body)).toBe(true);
    store.close();
    expect(open().getTrace(trace.traceId)).toStrictEqual(trace);
  });

  it('start a new file once one holds its size, and find every body in the file it went to', () => {
    const { store, dataDir } = openTestStore({ bodySegmentBytes: 512 });
    const traces = Array.from({ length: 12 }, (_, n) => traceOf(n + 1));
    for (const trace of traces) store.writeSpans(trace.spans);
    expect(segments(dataDir).length).toBeGreaterThan(3);
    for (const trace of traces) expect(store.getTrace(trace.traceId)).toStrictEqual(trace);
  });

  it('lose the files retention emptied, keep the newest, and still read every span left', () => {
    const { store, dataDir } = openRetainingStore(20);
    const traces = Array.from({ length: 16 }, (_, n) => traceOf(n + 1));
    for (const trace of traces) store.writeSpans(trace.spans);
    const before = segments(dataDir);
    store.enforceRetention();
    const after = segments(dataDir);
    expect(after.length).toBeLessThan(before.length);
    expect(after.at(-1)).toBe(before.at(-1));
    const kept = traces.filter((trace) => store.getTrace(trace.traceId) !== undefined);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(traces.length);
    for (const trace of kept) expect(store.getTrace(trace.traceId)).toStrictEqual(trace);
  });

  it('keep only the file of a trace retention keeps, when the traces written around it are gone', () => {
    const { store, dataDir } = openRetainingStore(8);
    // Written first, started last: retention, oldest first, keeps it and deletes the rest.
    const late = buildTrace(
      { name: 'late', startMs: 60_000, children: [{ name: 'a' }, { name: 'b' }] },
      traceId(1),
    );
    store.writeSpans(late.spans);
    const traces = Array.from({ length: 16 }, (_, n) => traceOf(n + 2));
    for (const trace of traces) store.writeSpans(trace.spans);
    const before = segments(dataDir);
    store.enforceRetention();
    const after = segments(dataDir);
    expect(after[0]).toBe(before[0]);
    expect(after.length).toBeLessThan(before.length - 4);
    expect(store.getTrace(late.traceId)).toStrictEqual(late);
    const kept = traces.filter((trace) => store.getTrace(trace.traceId) !== undefined);
    for (const trace of kept) expect(store.getTrace(trace.traceId)).toStrictEqual(trace);
  });

  it('never point at the bytes of a batch whose transaction did not commit', () => {
    const { store, dataDir, open } = openTestStore();
    const first = traceOf(1);
    store.writeSpans(first.spans);
    store.close();
    // What a crash between writing a batch's bodies and its commit leaves: bytes no row points at.
    const [segment] = segments(dataDir);
    appendFileSync(join(dataDir, BODY_DIR, segment!), Buffer.alloc(777, 0xee));
    const reopened = open();
    const second = traceOf(2);
    reopened.writeSpans(second.spans);
    expect(reopened.getTrace(first.traceId)).toStrictEqual(first);
    expect(reopened.getTrace(second.traceId)).toStrictEqual(second);
  });

  it('say which file is missing, and what to do, when span-bodies was removed outside otel-mcp', () => {
    const { store, dataDir, open } = openTestStore();
    const trace = traceOf(1);
    store.writeSpans(trace.spans);
    store.close();
    rmSync(join(dataDir, BODY_DIR), { recursive: true });
    const reopened = open();
    let thrown: unknown;
    try {
      reopened.getTrace(trace.traceId);
    } catch (error) {
      thrown = error;
    }
    expect(isOtelMcpError(thrown)).toBe(true);
    expect((thrown as Error).message).toContain(`a span's body is missing from ${BODY_DIR}/`);
    expect((thrown as { hint?: string }).hint).toContain('restore the directory');
    // The rest of the store still answers, and a search by attribute matches nothing it cannot read.
    expect(reopened.stats().spanCount).toBe(trace.spans.length);
    expect(reopened.findTraces({ attributes: [{ key: 'http.route', value: '/orders' }], limit: 5 })).toEqual(
      [],
    );
  });

  it('are written and read the same with durability full, which syncs them at every commit', () => {
    const { store, open } = openTestStore({ durability: 'full' });
    const trace = traceOf(1);
    store.writeSpans(trace.spans);
    store.close();
    expect(open({ durability: 'full' }).getTrace(trace.traceId)).toStrictEqual(trace);
  });
});

describe('the body log alone', () => {
  it('removes the files no stored span is in, only below the committed ids, and never the newest', () => {
    const dataDir = tempDirForTest('otel-mcp-body-log-');
    const log = new BodyLog(dataDir, 10);
    onTestFinished(() => log.close());
    for (const first of [1, 5, 9, 13, 17]) log.append(Buffer.alloc(10, first), first);
    const names = () => segments(dataDir).map((name) => Number.parseInt(name, 10));
    // Stored spans: 6 (in the file from 5) and 12 (from 9); ids from 13 on are not committed yet.
    const storedIds = [6, 12, 14];
    const stored = (from: number, to: number) => storedIds.some((id) => id >= from && id < to);
    expect(log.dropUnused(stored, 13)).toBe(1);
    expect(names()).toEqual([5, 9, 13, 17]);
    // With every id committed and nothing stored, all but the newest go.
    expect(log.dropUnused(() => false, Number.MAX_SAFE_INTEGER)).toBe(3);
    expect(names()).toEqual([17]);
  });
});

describe('the body log alone, reading', () => {
  it('gives many bodies at once in the order asked, from several files, beside bodies kept in rows', () => {
    const dataDir = tempDirForTest('otel-mcp-body-log-');
    const log = new BodyLog(dataDir, 64);
    onTestFinished(() => log.close());
    const first = log.append(Buffer.from('aaaabbbbcccc'), 1);
    const second = log.append(Buffer.alloc(100, 'x'), 4);
    const third = log.append(Buffer.from('ddddeeee'), 5);
    expect(second.segment).toBe(4);
    expect(third.segment).toBe(5);
    const inRow = Buffer.from([0x0a, 0x10]);
    const asked = [
      bodyLocator(third.segment, third.offset + 4, 4),
      bodyLocator(first.segment, first.offset + 8, 4),
      inRow,
      bodyLocator(first.segment, first.offset, 4),
      bodyLocator(third.segment, third.offset, 4),
    ];
    expect(log.resolveAll(asked).map((body) => body.toString('latin1'))).toEqual([
      'eeee',
      'cccc',
      inRow.toString('latin1'),
      'aaaa',
      'dddd',
    ]);
    expect(log.resolve(asked[1]!).toString()).toBe('cccc');
  });
});

describe('the body log alone, reading one at a time', () => {
  it('reads ahead only as far as the file goes, so bodies written after a read are read anew', () => {
    const dataDir = tempDirForTest('otel-mcp-body-log-');
    const log = new BodyLog(dataDir);
    onTestFinished(() => log.close());
    const first = log.append(Buffer.from('aaaa'), 1);
    expect(log.resolve(bodyLocator(first.segment, first.offset, 4)).toString()).toBe('aaaa');
    const second = log.append(Buffer.from('bbbbcccc'), 2);
    expect(log.resolve(bodyLocator(second.segment, second.offset + 4, 4)).toString()).toBe('cccc');
    expect(log.resolve(bodyLocator(second.segment, second.offset, 4)).toString()).toBe('bbbb');
    expect(log.resolve(bodyLocator(first.segment, first.offset, 4)).toString()).toBe('aaaa');
  });
});

describe('the store’s WAL checkpoints', () => {
  it('copy the WAL into the database once the writes since the last fill the threshold, and not before', () => {
    const { store, dataDir } = openTestStore();
    const db = store.connection();
    const bodies = new BodyLog(dataDir);
    onTestFinished(() => bodies.close());
    const checkpoints = new WalCheckpoints(db, bodies, 1024 * 1024);
    db.pragma('wal_checkpoint(TRUNCATE)');
    // A checkpoint writes the WAL's pages into the database file (free pages may be reused: compare the bytes).
    const databaseBytes = () => readFileSync(join(dataDir, DATABASE_FILE));
    const settled = databaseBytes();
    const trace = traceOf(1, 200);
    store.writeSpans(trace.spans);
    // 201 spans at the first guess of 600 bytes each is below 1 MiB: nothing copied yet.
    checkpoints.afterWrite(trace.spans.length);
    expect(databaseBytes().equals(settled)).toBe(true);
    checkpoints.afterWrite(2_000);
    expect(databaseBytes().equals(settled)).toBe(false);
  });

  it('hand the newest body segment, then the WAL, to the OS to write back at each quarter of the threshold', () => {
    const { store, dataDir } = openTestStore();
    const db = store.connection();
    const bodies = new BodyLog(dataDir);
    onTestFinished(() => bodies.close());
    const writtenBack: string[] = [];
    const checkpoints = new WalCheckpoints(db, bodies, 1024 * 1024, (path, done) => {
      writtenBack.push(path);
      done?.();
    });
    db.pragma('wal_checkpoint(TRUNCATE)');
    const databaseBytes = () => readFileSync(join(dataDir, DATABASE_FILE));
    const settled = databaseBytes();
    bodies.append(Buffer.from('a body'), 1);
    const both = [bodies.appendingPath(), join(dataDir, `${DATABASE_FILE}-wal`)];
    expect(both[0]).toContain(join(dataDir, BODY_DIR));
    // At the first guess of 600 bytes a write, a quarter of 1 MiB is 437 writes.
    checkpoints.afterWrite(400);
    expect(writtenBack).toEqual([]);
    checkpoints.afterWrite(40);
    expect(writtenBack).toEqual(both);
    // The next quarter counts from there, not from the last mark.
    checkpoints.afterWrite(430);
    expect(writtenBack).toEqual(both);
    checkpoints.afterWrite(10);
    expect(writtenBack).toEqual([...both, ...both]);
    expect(databaseBytes().equals(settled)).toBe(true);
    // The threshold itself is a checkpoint, not a write-back.
    store.writeSpans(traceOf(1, 200).spans);
    checkpoints.afterWrite(900);
    expect(writtenBack).toHaveLength(4);
    expect(databaseBytes().equals(settled)).toBe(false);
  });

  it('leave the WAL alone when the body segment could not be written back', () => {
    const { store, dataDir } = openTestStore();
    const bodies = new BodyLog(dataDir);
    onTestFinished(() => bodies.close());
    const writtenBack: string[] = [];
    const checkpoints = new WalCheckpoints(store.connection(), bodies, 1024 * 1024, (path, done) => {
      writtenBack.push(path);
      done?.(new Error('EIO'));
    });
    bodies.append(Buffer.from('a body'), 1);
    checkpoints.afterWrite(440);
    expect(writtenBack).toEqual([bodies.appendingPath()]);
  });
});
