/**
 * Every rule of the spec language (docs/spec-language.md), table-driven: each with a trace that
 * keeps it and one that breaks it, and the violation (and culprit span) the broken one must
 * produce.
 */
import { describe, expect, it } from 'vitest';
import type { ViolationKind } from '../../src/tracespec/index.js';
import type { SpanSketch } from '../support/trace-builder.js';
import { compare, kinds, specOf } from './compare-helpers.js';

interface RuleCase {
  rule: string;
  spec: Record<string, unknown>;
  pass: SpanSketch | SpanSketch[];
  fail: SpanSketch | SpanSketch[];
  violation: ViolationKind;
  /** Name of the span the violation must blame. */
  culprit?: string;
}

const checkoutWith = (children: SpanSketch[]): SpanSketch => ({
  name: 'checkout',
  service: 'shop',
  children,
});
const one = (tags: Record<string, unknown>): Record<string, unknown> =>
  specOf([{ operation_name: 'op', required_tags: tags }]);
const opWith = (
  attributes: SpanSketch['attributes'],
  resourceAttributes?: SpanSketch['resourceAttributes'],
): SpanSketch => ({
  name: 'op',
  attributes,
  ...(resourceAttributes ? { resourceAttributes } : {}),
});

const cases: RuleCase[] = [
  // 1. Where spans are looked for.
  {
    rule: 'a top-level entry matches a span anywhere in the trace',
    spec: specOf([{ operation_name: 'db.query' }]),
    pass: { name: 'root', children: [{ name: 'step', children: [{ name: 'db.query' }] }] },
    fail: { name: 'root', children: [{ name: 'step' }] },
    violation: 'missing',
  },
  {
    rule: 'a child matches at any depth of its parent’s subtree',
    spec: specOf([{ operation_name: 'checkout', children: [{ operation_name: 'pay' }] }]),
    pass: checkoutWith([{ name: 'step', children: [{ name: 'pay' }] }]),
    fail: [checkoutWith([]), { name: 'other', children: [{ name: 'pay' }] }],
    violation: 'wrong_parent',
    culprit: 'pay',
  },
  {
    rule: 'direct: true needs an immediate child',
    spec: specOf([{ operation_name: 'checkout', children: [{ operation_name: 'pay', direct: true }] }]),
    pass: checkoutWith([{ name: 'pay' }]),
    fail: checkoutWith([{ name: 'middleware', children: [{ name: 'pay' }] }]),
    violation: 'wrong_parent',
    culprit: 'pay',
  },
  // 2. What a match needs.
  {
    rule: 'operation names compare exactly and case-sensitively',
    spec: specOf([{ operation_name: 'Checkout' }]),
    pass: { name: 'Checkout' },
    fail: { name: 'checkout' },
    violation: 'missing',
  },
  {
    rule: 'service names compare exactly',
    spec: specOf([{ operation_name: 'charge', service_name: 'payment-service' }]),
    pass: { name: 'charge', service: 'payment-service' },
    fail: { name: 'charge', service: 'order-service' },
    violation: 'wrong_service',
    culprit: 'charge',
  },
  {
    rule: 'a given kind must match',
    spec: specOf([{ operation_name: 'charge', kind: 'server' }]),
    pass: { name: 'charge', kind: 'server' },
    fail: { name: 'charge', kind: 'client' },
    violation: 'wrong_kind',
    culprit: 'charge',
  },
  {
    rule: 'a required tag must have its value',
    spec: one({ 'payment.method': 'card' }),
    pass: opWith({ 'payment.method': 'card' }),
    fail: opWith({ 'payment.method': 'paypal' }),
    violation: 'tag_mismatch',
    culprit: 'op',
  },
  {
    rule: 'a required tag must be present',
    spec: one({ 'payment.method': 'card' }),
    pass: opWith({ 'payment.method': 'card' }),
    fail: opWith({}),
    violation: 'tag_missing',
    culprit: 'op',
  },
  {
    rule: 'a tag is also looked up in the resource attributes',
    spec: one({ 'deployment.environment': 'prod' }),
    pass: opWith({}, { 'deployment.environment': 'prod' }),
    fail: opWith({}, { 'deployment.environment': 'staging' }),
    violation: 'tag_mismatch',
    culprit: 'op',
  },
  // 3. Tag values.
  {
    rule: 'an integer in the spec matches the string form of the value',
    spec: one({ 'http.response.status_code': 200 }),
    pass: opWith({ 'http.response.status_code': '200' }),
    fail: opWith({ 'http.response.status_code': '201' }),
    violation: 'tag_mismatch',
  },
  {
    rule: 'a string number in the spec matches the integer value',
    spec: one({ 'http.response.status_code': '200' }),
    pass: opWith({ 'http.response.status_code': 200 }),
    fail: opWith({ 'http.response.status_code': 500 }),
    violation: 'tag_mismatch',
  },
  {
    rule: 'a boolean in the spec matches "true" in any case',
    spec: one({ 'cache.hit': true }),
    pass: opWith({ 'cache.hit': 'True' }),
    fail: opWith({ 'cache.hit': 'false' }),
    violation: 'tag_mismatch',
  },
  {
    rule: 'eq',
    spec: one({ k: { eq: 3 } }),
    pass: opWith({ k: 3 }),
    fail: opWith({ k: 4 }),
    violation: 'tag_mismatch',
  },
  {
    rule: 'ne',
    spec: one({ k: { ne: 'error' } }),
    pass: opWith({ k: 'ok' }),
    fail: opWith({ k: 'error' }),
    violation: 'tag_mismatch',
  },
  {
    rule: 'ne still needs the tag',
    spec: one({ k: { ne: 'error' } }),
    pass: opWith({ k: 'ok' }),
    fail: opWith({}),
    violation: 'tag_missing',
  },
  {
    rule: 'regex',
    spec: one({ 'http.route': { regex: '^/api/' } }),
    pass: opWith({ 'http.route': '/api/users' }),
    fail: opWith({ 'http.route': '/web/users' }),
    violation: 'tag_mismatch',
  },
  // The security review's catastrophic patterns (9.3 s and 41.5 s on Node's RegExp) decide at once.
  {
    rule: 'regex ^(a+)+$ decides a poisoned value without backtracking',
    spec: one({ 'user.name': { regex: '^(a+)+$' } }),
    pass: opWith({ 'user.name': 'a'.repeat(29) }),
    fail: opWith({ 'user.name': 'a'.repeat(29) + '!' }),
    violation: 'tag_mismatch',
  },
  {
    rule: 'regex ^([a-zA-Z0-9]+\\s?)+$ decides a poisoned value without backtracking',
    spec: one({ 'user.name': { regex: '^([a-zA-Z0-9]+\\s?)+$' } }),
    pass: opWith({ 'user.name': 'ada lovelace' }),
    fail: opWith({ 'user.name': 'a'.repeat(40) + '!' }),
    violation: 'tag_mismatch',
  },
  {
    rule: 'regex with alternation and a class, each element of a list',
    spec: one({ 'http.route': { regex: '^/(users|orders)/[0-9]+$' } }),
    pass: opWith({ 'http.route': ['/web', '/orders/7'] }),
    fail: opWith({ 'http.route': '/orders/7b' }),
    violation: 'tag_mismatch',
  },
  {
    rule: 'regex (?i) matches in any case',
    spec: one({ 'http.request.method': { regex: '(?i)^get$' } }),
    pass: opWith({ 'http.request.method': 'Get' }),
    fail: opWith({ 'http.request.method': 'POST' }),
    violation: 'tag_mismatch',
  },
  {
    rule: 'exists: true',
    spec: one({ 'user.id': { exists: true } }),
    pass: opWith({ 'user.id': 'u1' }),
    fail: opWith({}),
    violation: 'tag_missing',
  },
  {
    rule: 'exists: false',
    spec: one({ 'user.password': { exists: false } }),
    pass: opWith({}),
    fail: opWith({ 'user.password': 'x' }),
    violation: 'tag_mismatch',
  },
  {
    rule: 'gt',
    spec: one({ n: { gt: 5 } }),
    pass: opWith({ n: 6 }),
    fail: opWith({ n: 5 }),
    violation: 'tag_mismatch',
  },
  {
    rule: 'gte',
    spec: one({ n: { gte: 5 } }),
    pass: opWith({ n: '5' }),
    fail: opWith({ n: 4 }),
    violation: 'tag_mismatch',
  },
  {
    rule: 'lt',
    spec: one({ n: { lt: 5 } }),
    pass: opWith({ n: 4.5 }),
    fail: opWith({ n: 5 }),
    violation: 'tag_mismatch',
  },
  {
    rule: 'lte',
    spec: one({ n: { lte: 5 } }),
    pass: opWith({ n: 5 }),
    fail: opWith({ n: 'many' }),
    violation: 'tag_mismatch',
  },
  {
    rule: 'gte and lt together',
    spec: one({ s: { gte: 200, lt: 300 } }),
    pass: opWith({ s: 204 }),
    fail: opWith({ s: 302 }),
    violation: 'tag_mismatch',
  },
  {
    rule: 'in',
    spec: one({ m: { in: ['GET', 'HEAD'] } }),
    pass: opWith({ m: 'HEAD' }),
    fail: opWith({ m: 'POST' }),
    violation: 'tag_mismatch',
  },
  {
    rule: 'contains on a string',
    spec: one({ q: { contains: 'WHERE' } }),
    pass: opWith({ q: 'SELECT * WHERE id = ?' }),
    fail: opWith({ q: 'SELECT *' }),
    violation: 'tag_mismatch',
  },
  {
    rule: 'contains on a list',
    spec: one({ tags: { contains: 'vip' } }),
    pass: opWith({ tags: ['new', 'vip'] }),
    fail: opWith({ tags: ['new'] }),
    violation: 'tag_mismatch',
  },
  {
    rule: 'optional tags are checked only when present',
    spec: specOf([{ operation_name: 'op', optional_tags: { 'cart.size': { gte: 1 } } }]),
    pass: opWith({}),
    fail: opWith({ 'cart.size': 0 }),
    violation: 'optional_tag_mismatch',
    culprit: 'op',
  },
  // 5. Count and 11. Absence.
  {
    rule: 'count defaults to at least one',
    spec: specOf([{ operation_name: 'root', children: [{ operation_name: 'q' }] }]),
    pass: { name: 'root', children: [{ name: 'q' }, { name: 'q' }, { name: 'q' }] },
    fail: { name: 'root' },
    violation: 'missing',
  },
  {
    rule: 'a number count is exact: too many',
    spec: specOf([{ operation_name: 'root', children: [{ operation_name: 'q', count: 2 }] }]),
    pass: { name: 'root', children: [{ name: 'q' }, { name: 'q' }] },
    fail: {
      name: 'root',
      children: [
        { name: 'q', startMs: 0 },
        { name: 'q', startMs: 1 },
        { name: 'q', startMs: 2 },
      ],
    },
    violation: 'count_too_high',
    culprit: 'q',
  },
  {
    rule: 'a number count is exact: too few',
    spec: specOf([{ operation_name: 'root', children: [{ operation_name: 'q', count: 2 }] }]),
    pass: { name: 'root', children: [{ name: 'q' }, { name: 'q' }] },
    fail: { name: 'root', children: [{ name: 'q' }] },
    violation: 'count_too_low',
  },
  {
    rule: 'a count range bounds both ways',
    spec: specOf([
      { operation_name: 'root', children: [{ operation_name: 'q', count: { min: 2, max: 3 } }] },
    ]),
    pass: { name: 'root', children: [{ name: 'q' }, { name: 'q' }, { name: 'q' }] },
    fail: {
      name: 'root',
      children: [
        { name: 'q', startMs: 0 },
        { name: 'q', startMs: 1 },
        { name: 'q', startMs: 2 },
        { name: 'q', startMs: 3 },
      ],
    },
    violation: 'count_too_high',
  },
  {
    rule: 'count 0 forbids the span in its scope',
    spec: specOf([
      {
        operation_name: 'GET /p',
        children: [{ operation_name: 'cache.get' }, { operation_name: 'SELECT p', count: 0 }],
      },
    ]),
    pass: [
      { name: 'GET /p', children: [{ name: 'cache.get' }] },
      { name: 'warmup', children: [{ name: 'SELECT p' }] },
    ],
    fail: { name: 'GET /p', children: [{ name: 'cache.get' }, { name: 'SELECT p' }] },
    violation: 'forbidden_present',
    culprit: 'SELECT p',
  },
  {
    rule: '{ max: 0 } forbids like count 0',
    spec: specOf([
      { operation_name: 'GET /p', children: [{ operation_name: 'SELECT p', count: { max: 0 } }] },
    ]),
    pass: { name: 'GET /p' },
    fail: { name: 'GET /p', children: [{ name: 'SELECT p' }] },
    violation: 'forbidden_present',
    culprit: 'SELECT p',
  },
  // 6. Order.
  {
    rule: 'ordered children start in the listed order',
    spec: specOf([
      {
        operation_name: 'saga',
        ordered: true,
        children: [{ operation_name: 'reserve' }, { operation_name: 'pay' }, { operation_name: 'confirm' }],
      },
    ]),
    pass: {
      name: 'saga',
      children: [
        { name: 'reserve', startMs: 1 },
        { name: 'pay', startMs: 5 },
        { name: 'confirm', startMs: 9 },
      ],
    },
    fail: {
      name: 'saga',
      children: [
        { name: 'reserve', startMs: 1 },
        { name: 'pay', startMs: 12 },
        { name: 'confirm', startMs: 9 },
      ],
    },
    violation: 'order',
  },
  // 7. Durations.
  {
    rule: 'a duration max is inclusive and breaking it is a performance violation',
    spec: specOf([{ operation_name: 'pay', expected_duration_ms: { max: 2000 } }]),
    pass: { name: 'pay', durationMs: 2000 },
    fail: { name: 'pay', durationMs: 2430 },
    violation: 'duration',
    culprit: 'pay',
  },
  {
    rule: 'a duration min is inclusive',
    spec: specOf([{ operation_name: 'pay', expected_duration_ms: { min: 5 } }]),
    pass: { name: 'pay', durationMs: 5 },
    fail: { name: 'pay', durationMs: 1 },
    violation: 'duration',
    culprit: 'pay',
  },
  // 8. Errors.
  {
    rule: 'an error span fails the spec by default',
    spec: specOf([{ operation_name: 'root' }]),
    pass: { name: 'root', children: [{ name: 'helper' }] },
    fail: { name: 'root', children: [{ name: 'helper', status: 'error', statusMessage: 'boom' }] },
    violation: 'unexpected_error',
    culprit: 'helper',
  },
  {
    rule: 'allow_errors on an operation covers only that operation',
    spec: specOf([{ operation_name: 'root' }], {
      error_conditions: [{ operation_name: 'retry', expect: 'allow_errors' }],
    }),
    pass: { name: 'root', children: [{ name: 'retry', status: 'error' }] },
    fail: {
      name: 'root',
      children: [
        { name: 'retry', status: 'error' },
        { name: 'other', status: 'error' },
      ],
    },
    violation: 'unexpected_error',
    culprit: 'other',
  },
  {
    rule: 'expect: error fails when the span did not fail',
    spec: specOf([{ operation_name: 'pay' }], {
      error_conditions: [{ operation_name: 'pay', expect: 'error' }],
    }),
    pass: { name: 'pay', status: 'error' },
    fail: { name: 'pay' },
    violation: 'expected_error_missing',
    culprit: 'pay',
  },
  {
    rule: 'expect: error fails when the span is absent',
    spec: specOf([], { error_conditions: [{ operation_name: 'pay', expect: 'error' }] }),
    pass: { name: 'root', children: [{ name: 'pay', status: 'error' }] },
    fail: { name: 'root' },
    violation: 'expected_error_missing',
  },
  {
    rule: 'exception_type is matched against exception events, short class names included',
    spec: specOf([], {
      error_conditions: [{ operation_name: 'pay', expect: 'error', exception_type: 'CardDeclinedError' }],
    }),
    pass: {
      name: 'pay',
      status: 'error',
      events: [{ name: 'exception', attributes: { 'exception.type': 'com.shop.CardDeclinedError' } }],
    },
    fail: {
      name: 'pay',
      status: 'error',
      events: [{ name: 'exception', attributes: { 'exception.type': 'TimeoutError' } }],
    },
    violation: 'wrong_exception',
    culprit: 'pay',
  },
  // 9. Performance constraints.
  {
    rule: 'total duration is last end minus first start',
    spec: specOf([], { performance_constraints: { max_total_duration_ms: 100 } }),
    pass: [
      { name: 'a', startMs: 0, durationMs: 50 },
      { name: 'b', startMs: 60, durationMs: 40 },
    ],
    fail: [
      { name: 'a', startMs: 0, durationMs: 50 },
      { name: 'b', startMs: 70, durationMs: 40 },
    ],
    violation: 'total_duration',
  },
  {
    rule: 'span count is bounded',
    spec: specOf([], { performance_constraints: { max_span_count: 2 } }),
    pass: { name: 'a', children: [{ name: 'b' }] },
    fail: { name: 'a', children: [{ name: 'b' }, { name: 'c' }] },
    violation: 'span_count',
  },
  {
    rule: 'depth is bounded (a root is depth 1)',
    spec: specOf([], { performance_constraints: { max_depth: 2 } }),
    pass: { name: 'a', children: [{ name: 'b' }, { name: 'c' }] },
    fail: { name: 'a', children: [{ name: 'b', children: [{ name: 'c' }] }] },
    violation: 'depth',
    culprit: 'c',
  },
  // 10. Strict.
  {
    rule: 'strict fails on a span no entry expects',
    spec: specOf([{ operation_name: 'a' }], { strict: true }),
    pass: { name: 'a' },
    fail: { name: 'a', children: [{ name: 'debug.log' }] },
    violation: 'unexpected_span',
    culprit: 'debug.log',
  },
  // Extension: links.
  {
    rule: 'links: a consumer span links to its producer',
    spec: specOf([{ operation_name: 'process orders', kind: 'consumer', links: { min: 1 } }]),
    pass: {
      name: 'process orders',
      kind: 'consumer',
      links: [{ traceId: 'f'.repeat(32), spanId: 'e'.repeat(16) }],
    },
    fail: { name: 'process orders', kind: 'consumer' },
    violation: 'links',
    culprit: 'process orders',
  },
];

describe('compareTraceToSpec rules (docs/spec-language.md)', () => {
  it.each(cases)('$rule: a trace that keeps the rule passes', ({ spec, pass }) => {
    const result = compare(spec, pass);
    expect(result.violations).toEqual([]);
    expect(result.matches_specification).toBe(true);
  });

  it.each(cases)('$rule: a trace that breaks it reports $violation', ({ spec, fail, violation, culprit }) => {
    const result = compare(spec, fail);
    expect(result.matches_specification).toBe(false);
    expect(kinds(result)).toContain(violation);
    if (culprit) {
      const reported = result.violations.find((item) => item.kind === violation);
      expect(reported?.span?.name).toBe(culprit);
    }
  });

  it('passes without strict a span no entry expects, and lists it as unexpected', () => {
    const result = compare(specOf([{ operation_name: 'a' }]), {
      name: 'a',
      children: [{ name: 'debug.log' }],
    });
    expect(result.matches_specification).toBe(true);
    expect(result.unexpected_spans).toEqual([
      { name: 'debug.log', service: 'test-service', count: 1, span_ids: ['0000000000000002'] },
    ]);
  });

  it('passes with allow_errors and no operation whatever fails', () => {
    const spec = specOf([{ operation_name: 'a' }], { error_conditions: [{ expect: 'allow_errors' }] });
    expect(
      compare(spec, { name: 'a', status: 'error', children: [{ name: 'b', status: 'error' }] })
        .matches_specification,
    ).toBe(true);
  });

  it('matches exactly when no rule is violated, and scores the share of checks kept', () => {
    const spec = specOf([
      { operation_name: 'a', children: [{ operation_name: 'b' }, { operation_name: 'c' }] },
    ]);
    const good = compare(spec, { name: 'a', children: [{ name: 'b' }, { name: 'c' }] });
    const bad = compare(spec, { name: 'a', children: [{ name: 'b' }] });
    expect(good.score).toBe(1);
    expect(bad.score).toBeGreaterThan(0);
    expect(bad.score).toBeLessThan(1);
    expect(bad.checks.passed).toBeLessThan(bad.checks.total);
  });
});
