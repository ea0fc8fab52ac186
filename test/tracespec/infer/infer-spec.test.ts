import { describe, expect, it } from 'vitest';
import {
  compareTraceToSpec,
  DEFAULT_DURATION_HEADROOM,
  DEFAULT_DURATION_SLACK_MS,
  inferSpecFromTraces,
  parseTraceSpec,
  roundUpForReading,
  serializeSpecYaml,
  type SpanSpec,
} from '../../../src/tracespec/index.js';
import { durationMs } from '../../../src/model/index.js';
import { buildTrace } from '../../support/trace-builder.js';
import { generateRealisticTrace } from '../../support/realistic-trace.js';
import { checkoutTrace, goodCheckouts, seededRandom } from './good-checkout-traces.js';

function allEntries(entries: SpanSpec[]): SpanSpec[] {
  return entries.flatMap((entry) => [entry, ...allEntries(entry.children ?? [])]);
}

function entry(entries: SpanSpec[], operation: string): SpanSpec {
  const found = allEntries(entries).find((item) => item.operation_name === operation);
  if (!found) throw new Error(`no entry ${operation}`);
  return found;
}

describe('inferSpecFromTraces', () => {
  const training = goodCheckouts(20, 1);
  const inferred = inferSpecFromTraces(training, { name: 'checkout' });

  it('infers a spec from 20 good traces that 20 other good traces pass', () => {
    for (const trace of goodCheckouts(20, 2)) {
      const result = compareTraceToSpec(trace, inferred.spec);
      expect(result.matches_specification, JSON.stringify(result.missing_spans)).toBe(true);
    }
  });

  it('fails a trace whose payment span is missing', () => {
    const result = compareTraceToSpec(
      checkoutTrace(seededRandom(3), { withoutPayment: true }),
      inferred.spec,
    );
    expect(result.matches_specification).toBe(false);
    expect(JSON.stringify(result)).toContain('payment.charge');
  });

  it('fails a trace whose payment span hangs under the wrong parent', () => {
    const result = compareTraceToSpec(
      checkoutTrace(seededRandom(4), { paymentUnderOrder: true }),
      inferred.spec,
    );
    expect(result.matches_specification).toBe(false);
  });

  it('fails a trace in which a constant attribute changed', () => {
    const result = compareTraceToSpec(checkoutTrace(seededRandom(5), { dbSystem: 'mysql' }), inferred.spec);
    expect(result.matches_specification).toBe(false);
    expect(JSON.stringify(result)).toContain('db.system.name');
  });

  it('nests children under their parents with service, operation and kind', () => {
    const [root] = inferred.spec.expected_spans;
    expect(inferred.spec.expected_spans).toHaveLength(1);
    expect(root).toMatchObject({
      operation_name: 'POST /checkout',
      service_name: 'frontend',
      kind: 'server',
    });
    expect(root?.children?.map((child) => child.operation_name)).toEqual([
      'cart.get',
      'order.create',
      'payment.charge',
    ]);
    expect(root?.ordered).toBe(true);
    expect(
      entry(inferred.spec.expected_spans, 'order.create').children?.map((child) => child.operation_name),
    ).toEqual(['INSERT orders', 'inventory.reserve']);
    expect(entry(inferred.spec.expected_spans, 'INSERT orders').direct).toBe(true);
  });

  it('never turns ids, timestamps, URLs with ids or transport details into required tags, even from a single trace', () => {
    const single = inferSpecFromTraces(goodCheckouts(1, 9), { name: 'one' });
    const keys = allEntries(single.spec.expected_spans).flatMap((item) =>
      Object.keys(item.required_tags ?? {}),
    );
    for (const key of [
      'enduser.id',
      'order.id',
      'cart.id',
      'url.full',
      'request.started',
      'user_agent.original',
      'server.port',
      'inventory.sku',
      'db.query.text',
    ]) {
      expect(keys).not.toContain(key);
    }
    expect(single.dropped).toContainEqual(expect.objectContaining({ what: 'tag', key: 'enduser.id' }));
    expect(keys).toContain('order.status');
  });

  it('requires what a request did, not where it ran, even when every good trace agreed on both', () => {
    // loans-service of the polyglot example: Flask with the older HTTP conventions, on a local port.
    const loan = (port: number) =>
      buildTrace({
        name: 'POST /loans',
        service: 'loans-service',
        kind: 'server',
        attributes: {
          'http.method': 'POST',
          'http.route': '/loans',
          'http.status_code': 201,
          'http.server_name': '127.0.0.1',
          'http.host': `127.0.0.1:${port}`,
          'net.host.port': port,
          'net.peer.ip': '127.0.0.1',
          'http.user_agent': 'node',
          'thread.id': 140213,
          'process.pid': 4242,
        },
        children: [
          {
            name: 'loan.create',
            attributes: {
              'loan.days': 14,
              'loan.member': 'M-100',
              'loans.fees_url': 'http://127.0.0.1:45089/fees',
              'loans.cache': 'localhost:6379',
              'loans.db_file': '/tmp/tmp.x1/loans.db',
              'loans.worker_pid': 4242,
            },
            children: [
              {
                name: 'INSERT',
                kind: 'client',
                attributes: { 'db.system': 'sqlite', 'db.operation': 'INSERT' },
              },
            ],
          },
        ],
      });
    // The same port in every trace: one run of a local example, where every such value "held".
    const inference = inferSpecFromTraces([loan(45089), loan(45089), loan(45089)], { name: 'loans' });
    const tags = (operation: string) => entry(inference.spec.expected_spans, operation).required_tags;
    expect(tags('POST /loans')).toEqual({
      'http.method': 'POST',
      'http.route': '/loans',
      'http.status_code': 201,
    });
    expect(tags('loan.create')).toEqual({ 'loan.days': 14, 'loan.member': 'M-100' });
    expect(tags('INSERT')).toEqual({ 'db.operation': 'INSERT', 'db.system': 'sqlite' });
    const reasons = new Map(
      inference.dropped.filter((item) => item.what === 'tag').map((item) => [item.key, item.reason]),
    );
    expect(reasons.get('http.server_name')).toMatch(/^where it ran/);
    expect(reasons.get('loans.fees_url')).toMatch(/address, host:port, URL or local file path/);
    expect(reasons.get('loans.db_file')).toMatch(/address, host:port, URL or local file path/);
    // The spec holds on another machine, on another port.
    expect(compareTraceToSpec(loan(5001), inference.spec).matches_specification).toBe(true);
  });

  it('keeps constant meaningful attributes and enumerates a few-valued one with `in`', () => {
    expect(entry(inferred.spec.expected_spans, 'POST /checkout').required_tags).toEqual({
      'http.request.method': 'POST',
      'http.response.status_code': 200,
      'http.route': '/checkout',
    });
    expect(entry(inferred.spec.expected_spans, 'payment.charge').required_tags).toEqual({
      'http.response.status_code': 200,
      'payment.method': { in: ['card', 'paypal'] },
    });
  });

  it('drops a span that only some traces have, and a count range that varied, saying why', () => {
    expect(allEntries(inferred.spec.expected_spans).map((item) => item.operation_name)).not.toContain(
      'cache.get',
    );
    expect(inferred.dropped).toContainEqual(
      expect.objectContaining({
        what: 'span',
        path: 'frontend:POST /checkout > cart-service:cart.get > cart-service:cache.get',
      }),
    );
    expect(entry(inferred.spec.expected_spans, 'inventory.reserve').count).toBeUndefined();
    expect(inferred.dropped).toContainEqual(
      expect.objectContaining({
        what: 'count_range',
        reason: 'count varied 1..3: left at the default (at least 1)',
      }),
    );
  });

  it('sets each duration envelope to the slowest sample times the head-room, rounded up to two digits', () => {
    const slowest = Math.max(
      ...training.flatMap((trace) =>
        trace.spans.filter((span) => span.name === 'payment.charge').map(durationMs),
      ),
    );
    const twice = inferSpecFromTraces(training, {
      name: 'checkout',
      durationHeadroom: 2,
      durationSlackMs: 0,
    });
    expect(entry(twice.spec.expected_spans, 'payment.charge').expected_duration_ms).toEqual({
      max: roundUpForReading(slowest * 2),
    });
    expect(roundUpForReading(slowest * 2)).toBeGreaterThanOrEqual(slowest * 2);
    expect(roundUpForReading(137.2)).toBe(140);
    expect(roundUpForReading(0.3)).toBe(1);
  });

  it('gives a fast span at least the absolute slack above its slowest sample, so timing noise does not fail it', () => {
    const slowestOf = (name: string) =>
      Math.max(
        ...training.flatMap((trace) => trace.spans.filter((span) => span.name === name).map(durationMs)),
      );
    const fast = slowestOf('payment.charge');
    expect(fast * DEFAULT_DURATION_HEADROOM).toBeLessThan(fast + DEFAULT_DURATION_SLACK_MS);
    expect(entry(inferred.spec.expected_spans, 'payment.charge').expected_duration_ms).toEqual({
      max: roundUpForReading(fast + DEFAULT_DURATION_SLACK_MS),
    });
    const tight = inferSpecFromTraces(training, { name: 'checkout', durationSlackMs: 0 });
    expect(entry(tight.spec.expected_spans, 'payment.charge').expected_duration_ms).toEqual({
      max: roundUpForReading(fast * DEFAULT_DURATION_HEADROOM),
    });
    // With a slack smaller than half the span, the relative head-room is the larger and decides.
    const slow = inferSpecFromTraces(training, { name: 'checkout', durationSlackMs: 1 });
    expect(entry(slow.spec.expected_spans, 'payment.charge').expected_duration_ms).toEqual({
      max: roundUpForReading(fast * DEFAULT_DURATION_HEADROOM),
    });
    expect(() => inferSpecFromTraces(training, { name: 'x', durationSlackMs: -1 })).toThrow(
      /duration_slack_ms -1/,
    );
  });

  it('writes YAML that reads back as the same spec', () => {
    const yaml = serializeSpecYaml(inferred.spec);
    expect(parseTraceSpec(yaml)).toEqual(inferred.spec);
    expect(yaml).toContain('payment.method: { in: [ card, paypal ] }');
  });

  it('expects an error that every good trace had, and allows one that came and went', () => {
    const traces = [0, 1, 2, 3].map((index) =>
      buildTrace({
        name: 'GET /',
        service: 'web',
        children: [
          { name: 'flaky.call', status: index % 2 === 0 ? 'error' : 'unset' },
          { name: 'always.fails', status: 'error', startMs: 20 },
        ],
      }),
    );
    const result = inferSpecFromTraces(traces, { name: 'errors' });
    expect(result.spec.error_conditions).toEqual([
      { operation_name: 'flaky.call', service_name: 'web', expect: 'allow_errors' },
      { operation_name: 'always.fails', service_name: 'web', expect: 'error' },
    ]);
    for (const trace of traces)
      expect(compareTraceToSpec(trace, result.spec).matches_specification).toBe(true);
  });

  it('keeps a count that never varied as an exact count, which a trace with one more call fails', () => {
    const make = (queries: number) =>
      buildTrace({
        name: 'GET /items',
        service: 'api',
        children: Array.from({ length: queries }, (_, index) => ({
          name: 'SELECT items',
          kind: 'client' as const,
          startMs: index * 11,
          durationMs: 10,
        })),
      });
    const result = inferSpecFromTraces([make(2), make(2), make(2)], { name: 'items' });
    expect(entry(result.spec.expected_spans, 'SELECT items').count).toBe(2);
    expect(compareTraceToSpec(make(2), result.spec).matches_specification).toBe(true);
    expect(compareTraceToSpec(make(3), result.spec).matches_specification).toBe(false);
  });

  it('keeps a single call per parent as count 1, which a trace with the call in a loop fails', () => {
    const once = (reads: number) =>
      buildTrace({
        name: 'GET /stock',
        service: 'inventory',
        children: Array.from({ length: reads }, (_, i) => ({
          name: 'SELECT stock',
          kind: 'client' as const,
          startMs: 1 + i * 2,
          durationMs: 1,
        })),
      });
    const spec = inferSpecFromTraces([once(1), once(1), once(1)], { name: 'stock' }).spec;
    expect(entry(spec.expected_spans, 'SELECT stock').count).toBe(1);
    expect(compareTraceToSpec(once(5), spec).violations.map((v) => v.kind)).toContain('count_too_high');
  });

  it('splits same-named sibling calls by what they call, so each keeps its own subtree', () => {
    // A frontend makes two `POST` client calls: one to the cart, one to the orders service.
    const checkout = (withOrder = true) =>
      buildTrace({
        name: 'POST /checkout',
        service: 'frontend',
        children: [
          {
            name: 'POST',
            kind: 'client',
            startMs: 1,
            durationMs: 5,
            children: [
              { name: 'POST /cart/validate', service: 'cart', kind: 'server', startMs: 2, durationMs: 3 },
            ],
          },
          {
            name: 'POST',
            kind: 'client',
            startMs: 7,
            durationMs: 5,
            children: withOrder
              ? [{ name: 'POST /orders', service: 'orders', kind: 'server', startMs: 8, durationMs: 3 }]
              : [],
          },
        ],
      });
    const inference = inferSpecFromTraces([checkout(), checkout(), checkout()], { name: 'checkout' });
    const posts = inference.spec.expected_spans[0]?.children ?? [];
    expect(
      posts.map((post) => [
        post.operation_name,
        post.count,
        post.children?.map((child) => child.operation_name),
      ]),
    ).toEqual([
      ['POST', 1, ['POST /cart/validate']],
      ['POST', 1, ['POST /orders']],
    ]);
    expect(inference.dropped.filter((item) => item.what === 'span')).toEqual([]);
    expect(compareTraceToSpec(checkout(), inference.spec).matches_specification).toBe(true);
    expect(compareTraceToSpec(checkout(false), inference.spec).violations.map((v) => v.kind)).toContain(
      'missing',
    );
  });

  it('infers from 20 realistic 200-span traces a spec that 20 other such traces pass', () => {
    const spec = inferSpecFromTraces(
      Array.from({ length: 20 }, (_, index) => generateRealisticTrace(200, 1 + index)),
      { name: 'bulk' },
    ).spec;
    for (let seed = 21; seed <= 40; seed += 1)
      expect(
        compareTraceToSpec(generateRealisticTrace(200, seed), spec).matches_specification,
        `seed ${seed}`,
      ).toBe(true);
  });

  it('refuses an empty collection and a head-room below 1 with what to pass instead', () => {
    expect(() => inferSpecFromTraces([], { name: 'x' })).toThrow(/no spans/);
    expect(() => inferSpecFromTraces(training, { name: 'x', durationHeadroom: 0.5 })).toThrow(/below 1/);
  });
});
