import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { Attributes, TraceQuery } from '../../src/model/index.js';
import { decodeSpanMessageAttributes } from '../../src/otlp/span-message.js';
import { indexValue } from '../../src/store/attributes/attribute-values.js';
import {
  DURATION_KEY,
  OPERATION_KEY,
  RESOURCE_KEY,
  durationClass,
} from '../../src/store/spans/span-field-postings.js';
import type { TraceStore } from '../../src/store/index.js';
import { BodyLog } from '../../src/store/spans/body-log.js';
import { buildTrace } from '../support/trace-builder.js';
import { downgradeToPerSpanAttributeIndex, openTestStore } from './store-fixture.js';

const CHILD = fileURLToPath(new URL('./store-child-process.ts', import.meta.url));
const BUCKET = 1024;

const traceId = (n: number): string => `e${n.toString(16).padStart(31, '0')}`;

/** `count` traces of 10 spans; trace n carries `order.id` ord-n on its root and `shard` n % 7 on every span. */
function writeOrders(store: TraceStore, count: number, first = 0): void {
  for (let n = first; n < first + count; n += 1) {
    const shard = { shard: n % 7 };
    const trace = buildTrace(
      {
        name: 'POST /orders',
        service: 'shop',
        attributes: { 'order.id': `ord-${n}`, ...shard },
        children: Array.from({ length: 9 }, (_, index) => ({
          name: `step-${index}`,
          attributes: { ...shard, step: index },
        })),
      },
      traceId(n),
    );
    store.writeSpans(trace.spans);
  }
}

const ids = (store: TraceStore, query: Omit<TraceQuery, 'limit'>): string[] =>
  store
    .findTraces({ limit: 1000, ...query })
    .map((summary) => summary.traceId)
    .sort();

const postingBuckets = (store: TraceStore): number[] =>
  store
    .connection()
    .prepare('SELECT DISTINCT bucket FROM attribute_postings ORDER BY bucket')
    .pluck()
    .all() as number[];

describe('the attribute postings', () => {
  it('index each bucket of 1,024 spans once it is full, and searches find spans in closed buckets and the open one alike', () => {
    const { store, open } = openTestStore();
    writeOrders(store, 250); // 2,500 spans: buckets 0 and 1 closed (ids 1-2047), bucket 2 open
    expect(postingBuckets(store)).toEqual([0, 1]);
    // A trace early in bucket 0, one in bucket 1, one in the open bucket 2.
    for (const n of [3, 150, 249])
      expect(ids(store, { attributes: [{ key: 'order.id', value: `ord-${n}` }] })).toEqual([traceId(n)]);
    const shardFive = Array.from({ length: 250 }, (_, n) => n)
      .filter((n) => n % 7 === 5)
      .map(traceId)
      .sort();
    expect(ids(store, { attributes: [{ key: 'shard', value: '5' }] })).toEqual(shardFive);
    expect(
      ids(store, {
        operationName: 'step-8',
        attributes: [
          { key: 'shard', value: 5 },
          { key: 'step', value: 8 },
        ],
      }),
    ).toEqual(shardFive);
    // A second, read-only reader has no writer state: it finds the same through the table and the open bucket's JSON.
    const reader = open({ readOnly: true });
    expect(
      reader
        .findTraces({ limit: 1000, attributes: [{ key: 'shard', value: 5 }] })
        .map((t) => t.traceId)
        .sort(),
    ).toEqual(shardFive);
    expect(reader.findAttributeValue({ value: 'ord-150', limit: 5 }).matches.map((m) => m.traceId)).toEqual([
      traceId(150),
    ]);
  });

  it('after a crash in the middle of a bucket, the next writer indexes the crashed writer’s spans when the bucket closes', async () => {
    const { open, dataDir } = openTestStore();
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, 'write-and-die', dataDir, '5'], {
      stdio: 'ignore',
    });
    const exit = await new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));
    expect(exit).toBe('SIGKILL');
    const restarted = open();
    const crashed = 'c'.repeat(32);
    expect(ids(restarted, { attributes: [{ key: 'crash.tag', value: 'before-crash' }] })).toEqual([crashed]);
    expect(postingBuckets(restarted)).toEqual([]);
    writeOrders(restarted, 120); // 1,200 more spans: the crashed writer's bucket fills and closes
    expect(postingBuckets(restarted)).toEqual([0]);
    expect(ids(restarted, { attributes: [{ key: 'child.index', value: 17 }] })).toEqual([crashed]);
    const posted = restarted
      .connection()
      .prepare(
        "SELECT offsets FROM attribute_postings p JOIN attribute_keys k ON k.id = p.key_id WHERE k.key = 'crash.tag'",
      )
      .pluck()
      .get() as string;
    expect(JSON.parse(posted)).toHaveLength(50);
  });

  it('gives span ids that are never given again, even after retention deleted the newest spans', () => {
    const { store } = openTestStore({ retention: { maxSpans: 5, maxAgeMs: Number.POSITIVE_INFINITY } });
    writeOrders(store, 1); // 10 spans, ids 1-10, deleted again by the retention check of this write
    store.enforceRetention();
    const maxId = () =>
      store.connection().prepare('SELECT max(id) FROM spans').pluck().get() as number | null;
    expect(maxId()).toBeNull();
    const firstIds = 10;
    store.writeSpans(
      buildTrace({ name: 'later', attributes: { 'order.id': 'ord-late' } }, traceId(999)).spans,
    );
    expect(store.connection().prepare('SELECT min(id) FROM spans').pluck().get()).toBeGreaterThan(
      firstIds as number,
    );
    expect(ids(store, { attributes: [{ key: 'order.id', value: 'ord-0' }] })).toEqual([]);
    expect(ids(store, { attributes: [{ key: 'order.id', value: 'ord-late' }] })).toEqual([traceId(999)]);
  });

  it('judges numbers, booleans and numbers JSON cannot carry the same in the open bucket and in the postings', () => {
    const values: Attributes = {
      nan: Number.NaN,
      inf: Number.POSITIVE_INFINITY,
      zero: -0,
      big: 1e21,
      sum: 0.1 + 0.2,
      yes: true,
      code: '200',
      int: 200,
      float: 2.5,
    };
    const queries = Object.entries(values).map(([key, value]) => ({ key, value: String(value) }));
    const answers = (store: TraceStore) => queries.map((query) => ids(store, { attributes: [query] }).length);
    const { store } = openTestStore();
    store.writeSpans(buildTrace({ name: 'numbers', attributes: values }, traceId(1)).spans);
    const fromJson = answers(store);
    store.sealOpenBucket();
    expect(postingBuckets(store)).toEqual([0]);
    expect(answers(store)).toEqual(fromJson);
    // Each value is found by its own text, as the index coerces it (String(value)).
    expect(fromJson).toEqual(queries.map(() => 1));
    expect(ids(store, { attributes: [{ key: 'int', value: '200.0' }] })).toEqual([traceId(1)]);
    expect(ids(store, { attributes: [{ key: 'float', value: 2.5 }] })).toEqual([traceId(1)]);
  });

  it('index a batch that interleaves traces, repeats spans and runs across two bucket boundaries exactly as its spans say', () => {
    const { store, dataDir } = openTestStore();
    writeOrders(store, 100); // ids 1-1000: bucket 0 open, 24 ids before it is full
    const traces = Array.from({ length: 120 }, (_, i) => {
      const n = 100 + i;
      return buildTrace(
        {
          name: 'POST /orders',
          service: 'shop',
          attributes: { 'order.id': `ord-${n}`, shard: n % 7 },
          children: Array.from({ length: 9 }, (_, index) => ({
            name: `step-${index}`,
            attributes: { shard: n % 7, step: index, ...(index === 4 ? { flag: n % 2 === 0 } : {}) },
          })),
        },
        traceId(n),
      ).spans;
    });
    // Round-robin across traces (a trace's spans are stored together, so ids do not follow batch
    // order), plus a span sent twice in the batch and one already stored by the writes before.
    const batch = Array.from({ length: 10 }, (_, step) => traces.map((spans) => spans[step]!)).flat();
    batch.splice(500, 0, batch[3]!);
    const stored = buildTrace({ name: 'POST /orders' }, traceId(0)).spans[0]!;
    batch.splice(900, 0, { ...stored, attributes: { 'order.id': 'ord-0', shard: 0 } });
    store.writeSpans(batch); // 1,200 new spans: ids 1001-2200, through buckets 0, 1 and 2
    store.sealOpenBucket();
    const db = store.connection();
    expect(db.prepare('SELECT count(*), min(id), max(id) FROM spans').raw().get()).toEqual([2200, 1, 2200]);
    const expected = new Map<string, number[]>();
    const keyIds = new Map(
      (db.prepare('SELECT key, id FROM attribute_keys').raw().all() as [string, number][]).map(
        ([key, id]) => [key, id],
      ),
    );
    const rows = db
      .prepare('SELECT id, body, operation_id, end_ns - start_ns, resource_id FROM spans ORDER BY id')
      .raw()
      .all() as [number, Buffer, number, number, number][];
    const bodies = new BodyLog(dataDir);
    onTestFinished(() => bodies.close());
    for (const [id, body, operationId, durationNs, resourceId] of rows) {
      const entries = [
        `${OPERATION_KEY}/${operationId}`,
        `${DURATION_KEY}/${durationClass(durationNs)}`,
        `${RESOURCE_KEY}/${resourceId}`,
        ...Object.entries(decodeSpanMessageAttributes(bodies.resolve(body))).map(
          ([key, value]) => `${keyIds.get(key)}/${indexValue(value)}`,
        ),
      ];
      for (const entry of entries) {
        const posting = `${id >> 10}/${entry}`;
        expected.set(posting, [...(expected.get(posting) ?? []), id % BUCKET]);
      }
    }
    // A value's offsets may take several rows (parts), in order.
    const actual = new Map<string, number[]>();
    const postingRows = db
      .prepare(
        'SELECT bucket, key_id, value, offsets FROM attribute_postings ORDER BY bucket, key_id, value, part',
      )
      .raw()
      .all() as [number, number, string | number, string][];
    for (const [bucket, keyId, value, offsets] of postingRows) {
      const posting = `${bucket}/${keyId}/${value}`;
      actual.set(posting, [...(actual.get(posting) ?? []), ...(JSON.parse(offsets) as number[])]);
    }
    expect(actual).toEqual(expected);
    expect(postingRows.length).toBeGreaterThan(actual.size);
    expect(postingBuckets(store)).toEqual([0, 1, 2]);
    expect(ids(store, { attributes: [{ key: 'flag', value: true }] })).toHaveLength(60);
  });

  it('turns the per-span index of a data dir from before the postings into postings, with the same answers', () => {
    const old = openTestStore();
    writeOrders(old.store, 250);
    const queries: Omit<TraceQuery, 'limit'>[] = [
      { attributes: [{ key: 'order.id', value: 'ord-7' }] },
      { attributes: [{ key: 'shard', value: 3 }] },
      { serviceName: 'shop', attributes: [{ key: 'step', value: '4' }] },
      { attributes: [{ key: 'order.id' }] },
    ];
    const before = queries.map((query) => ids(old.store, query));
    downgradeToPerSpanAttributeIndex(old.store.connection());
    old.store.close();
    const migrated = old.open();
    expect(
      migrated
        .connection()
        .prepare("SELECT count(*) FROM sqlite_master WHERE name = 'span_attributes'")
        .pluck()
        .get(),
    ).toBe(0);
    expect(postingBuckets(migrated)).toEqual([0, 1]);
    expect(queries.map((query) => ids(migrated, query))).toEqual(before);
    expect(before[1]).toHaveLength(36);
    writeOrders(migrated, 100, 250);
    expect(ids(migrated, { attributes: [{ key: 'order.id', value: 'ord-300' }] })).toEqual([traceId(300)]);
  });
});

describe('the bucket size the postings are built for', () => {
  it('is the 1,024 spans the queries assume', () => {
    const { store } = openTestStore();
    writeOrders(store, 103); // 1,030 spans
    expect(postingBuckets(store)).toEqual([0]);
    expect(store.connection().prepare('SELECT max(id) FROM spans').pluck().get()).toBe(1030);
    expect(BUCKET).toBe(1024);
  });
});
