import { describe, expect, it } from 'vitest';
import { SPAN_LINKS_BACKFILL } from '../../src/store/schema/span-links-schema.js';
import { buildTrace } from '../support/trace-builder.js';
import { downgradeToJsonSpanColumns, openTestStore } from './store-fixture.js';

const PRODUCER = 'b1'.padEnd(32, '0');
const CONSUMER = 'c1'.padEnd(32, '0');
const OTHER = 'd1'.padEnd(32, '0');

function producerAndConsumer() {
  const producer = buildTrace(
    {
      name: 'POST /orders',
      service: 'shop',
      attributes: { 'app.order.id': 'ord-7781' },
      children: [{ name: 'orders publish', kind: 'producer', spanId: 'aa00000000000001' }],
    },
    PRODUCER,
  );
  const consumer = buildTrace(
    {
      name: 'orders process',
      service: 'fulfilment',
      kind: 'consumer',
      links: [{ traceId: PRODUCER, spanId: 'aa00000000000001' }],
    },
    CONSUMER,
  );
  const unrelated = buildTrace(
    { name: 'GET /health', service: 'shop', attributes: { 'app.order.id': 'ord-1' } },
    OTHER,
  );
  return [producer, consumer, unrelated];
}

describe('the transaction lookup of the embedded store', () => {
  it('finds the traces that link into a producer trace', () => {
    const { store } = openTestStore();
    for (const trace of producerAndConsumer()) store.writeSpans(trace.spans);
    expect(store.findLinksInto(PRODUCER, 10)).toEqual([
      { traceId: CONSUMER, spanId: '0000000000000001', linkedSpanId: 'aa00000000000001' },
    ]);
    expect(store.findLinksInto(CONSUMER, 10)).toEqual([]);
  });

  it('forgets the links of a trace deleted by retention', () => {
    const { store } = openTestStore({ retention: { maxSpans: 2, maxAgeMs: Number.POSITIVE_INFINITY } });
    const [producer, consumer] = producerAndConsumer();
    store.writeSpans(consumer!.spans);
    store.writeSpans(producer!.spans);
    const linkRows = () => store.connection().prepare('SELECT count(*) FROM span_links').pluck().get();
    expect(linkRows()).toBe(1);
    expect(store.enforceRetention().deletedTraces).toBeGreaterThanOrEqual(1);
    expect(store.findTraces({ limit: 10 }).map((t) => t.traceId)).not.toContain(CONSUMER);
    expect(linkRows()).toBe(0);
  });

  it('indexes the links of spans stored before the span_links migration', () => {
    const { store } = openTestStore();
    for (const trace of producerAndConsumer()) store.writeSpans(trace.spans);
    // The spans as an older build left them: stored with their links as JSON, with no rows in the index.
    downgradeToJsonSpanColumns(store.connection());
    store.connection().exec('DELETE FROM span_links');
    expect(store.findLinksInto(PRODUCER, 10)).toEqual([]);
    store.connection().exec(SPAN_LINKS_BACKFILL);
    expect(store.findLinksInto(PRODUCER, 10).map((link) => link.traceId)).toEqual([CONSUMER]);
  });
});

describe.each([
  ['in the open bucket (judged from their JSON)', false],
  ['in closed buckets (found through the attribute postings)', true],
] as const)('the value lookup of the embedded store, spans %s', (_, sealed) => {
  it('finds the spans carrying a value under an identifier-like key, and only those', () => {
    const { store } = openTestStore();
    for (const trace of producerAndConsumer()) store.writeSpans(trace.spans);
    if (sealed) store.sealOpenBucket();
    const found = store.findAttributeValue({ value: 'ord-7781', limit: 10 });
    expect(found.matches).toEqual([{ traceId: PRODUCER, spanId: '0000000000000001', key: 'app.order.id' }]);
    expect(found.keysSearched).toContain('app.order.id');
  });

  it('matches a number recorded by the SDK when the value is typed as text', () => {
    const { store } = openTestStore();
    store.writeSpans(buildTrace({ name: 'checkout', attributes: { order_id: 424242 } }, OTHER).spans);
    if (sealed) store.sealOpenBucket();
    expect(store.findAttributeValue({ value: '424242', limit: 10 }).matches.map((m) => m.key)).toEqual([
      'order_id',
    ]);
  });

  it('searches only the keys it is given, and does not look at non-identifier keys by default', () => {
    const { store } = openTestStore();
    store.writeSpans(
      buildTrace({ name: 'checkout', attributes: { 'customer.tier': 'gold-7781', 'order.id': 'x' } }, OTHER)
        .spans,
    );
    if (sealed) store.sealOpenBucket();
    expect(store.findAttributeValue({ value: 'gold-7781', limit: 10 }).matches).toEqual([]);
    expect(
      store.findAttributeValue({ value: 'gold-7781', keys: ['customer.tier'], limit: 10 }).matches,
    ).toHaveLength(1);
  });
});
