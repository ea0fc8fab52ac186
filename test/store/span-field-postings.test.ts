import { describe, expect, it } from 'vitest';
import type { TraceQuery } from '../../src/model/index.js';
import { MIGRATIONS } from '../../src/store/schema/migrations.js';
import { durationClass } from '../../src/store/spans/span-field-postings.js';
import type { TraceStore } from '../../src/store/index.js';
import { buildTrace } from '../support/trace-builder.js';
import { downgradeToPerSpanFieldIndexes, openTestStore } from './store-fixture.js';

const traceId = (n: number): string => `f${n.toString(16).padStart(31, '0')}`;

describe('the duration class', () => {
  it('puts durations of 0 ns or less in class 0 and four classes in each doubling above', () => {
    expect([-5n, 0n, 1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n].map(durationClass)).toEqual([
      0, 0, 1, 5, 7, 9, 10, 11, 12, 13,
    ]);
    expect(durationClass(2n ** 40n)).toBe(1 + 40 * 4);
    expect(durationClass(2n ** 40n - 1n)).toBe(40 * 4);
    expect(durationClass(2n ** 63n - 1n)).toBe(1 + 63 * 4);
    expect(durationClass(2n ** 64n - 1n)).toBe(1 + 64 * 4);
  });

  it('never decreases as the duration grows, also at every power of two and either side of it', () => {
    const durations: bigint[] = [];
    for (let exponent = 0n; exponent <= 64n; exponent += 1n) {
      const power = 2n ** exponent;
      durations.push(power - 1n, power, power + 1n, power + power / 3n, power + power / 2n);
    }
    let seed = 7;
    for (let i = 0; i < 2_000; i += 1) {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      durations.push(BigInt(seed) * BigInt(1 + (i % 977)) ** 3n);
    }
    durations.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const classes = durations.map(durationClass);
    classes.forEach((value, index) => {
      if (index > 0) expect(value).toBeGreaterThanOrEqual(classes[index - 1]!);
    });
  });
});

/** Spans of 100 ms and either side of it by 1 ns (one duration class), and a second service. */
function writeNearBoundary(store: TraceStore): void {
  const sketches = [
    { name: 'under', durationMs: 99.999999 },
    { name: 'exact', durationMs: 100 },
    { name: 'over', durationMs: 100.000001 },
  ];
  sketches.forEach((sketch, n) => {
    store.writeSpans(
      buildTrace(
        {
          ...sketch,
          service: 'shop',
          startMs: n * 10,
          resourceAttributes: { 'deployment.environment': n === 1 ? 'staging' : 'prod' },
          children: [{ name: 'charge', service: 'payment', durationMs: 5 }],
        },
        traceId(n),
      ).spans,
    );
  });
}

const names = (store: TraceStore, query: Omit<TraceQuery, 'limit'>) =>
  store
    .findTraces({ limit: 10, ...query })
    .map((summary) => summary.rootName)
    .sort();

describe('searches through the span-field postings', () => {
  it.each([
    ['collecting candidates', 5_000],
    ['walking traces', 0],
  ])(
    'find spans by duration exactly though spans just outside the range share its class (%s)',
    (_, searchCandidateLimit) => {
      const { store } = openTestStore({ searchCandidateLimit });
      writeNearBoundary(store);
      store.sealOpenBucket();
      expect(names(store, { minDurationMs: 100 })).toEqual(['exact', 'over']);
      expect(names(store, { maxDurationMs: 100, minDurationMs: 50 })).toEqual(['exact', 'under']);
      expect(names(store, { serviceName: 'shop', minDurationMs: 100, maxDurationMs: 100 })).toEqual([
        'exact',
      ]);
      expect(names(store, { serviceName: 'payment', maxDurationMs: 5 })).toEqual(['exact', 'over', 'under']);
      expect(names(store, { attributes: [{ key: 'deployment.environment', value: 'staging' }] })).toEqual([
        'exact',
      ]);
    },
  );

  it('come from the postings when spans are in closed buckets', () => {
    const { store } = openTestStore();
    writeNearBoundary(store);
    store.sealOpenBucket();
    // The three indexes are gone: nothing but the postings can have found these.
    const indexes = store
      .connection()
      .prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'spans'")
      .pluck()
      .all();
    expect(indexes).toEqual([]);
    const types = store
      .connection()
      .prepare('SELECT DISTINCT typeof(value) FROM attribute_postings WHERE key_id < 0')
      .pluck()
      .all();
    expect(types).toEqual(['integer']);
    expect(names(store, { minDurationMs: 100 })).toEqual(['exact', 'over']);
    expect(store.lastSearchPlan()).toMatchObject({ strategy: 'collect', driver: 'duration' });
    expect(names(store, { operationName: 'charge' })).toEqual(['exact', 'over', 'under']);
    expect(store.lastSearchPlan()).toMatchObject({ strategy: 'collect', driver: 'operation' });
  });

  it('are built for the spans a data dir from before them holds, with the same answers', () => {
    const { store, open } = openTestStore();
    writeNearBoundary(store);
    store.sealOpenBucket();
    // Two more traces stay in the open bucket, which the migration leaves to the start-up rebuild.
    for (let n = 3; n < 5; n += 1)
      store.writeSpans(buildTrace({ name: `late-${n}`, durationMs: 150 }, traceId(n)).spans);
    const db = store.connection();
    const postings = () =>
      db
        .prepare(
          'SELECT bucket, key_id, value, offsets FROM attribute_postings WHERE key_id < 0 ORDER BY 1, 2, 3',
        )
        .raw()
        .all();
    const queries: Omit<TraceQuery, 'limit'>[] = [
      { minDurationMs: 100 },
      { serviceName: 'shop', maxDurationMs: 100 },
      { operationName: 'charge' },
      { attributes: [{ key: 'deployment.environment', value: 'prod' }] },
    ];
    const before = queries.map((query) => names(store, query));
    const closedBefore = postings();
    expect(closedBefore.length).toBeGreaterThan(0);
    downgradeToPerSpanFieldIndexes(db);
    expect(postings()).toEqual([]);
    // Opened while the first store still holds the open bucket (as after a crash): closing it would
    // seal that bucket, postings and all.

    const migrated = open();
    expect(migrated.connection().pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(
      migrated
        .connection()
        .prepare('SELECT offsets FROM attribute_postings WHERE key_id < 0 ORDER BY bucket, key_id, value')
        .pluck()
        .all(),
    ).toEqual(closedBefore.map((row) => (row as unknown[])[3]));
    expect(queries.map((query) => names(migrated, query))).toEqual(before);
    expect(before[0]).toEqual(['exact', 'late-3', 'late-4', 'over']);
  });
});
