/**
 * What a comparison says about a failure: the entry path, the culprit span, the nearest candidate
 * and how it differs, suggestions in the agent's terms, and a compact, honest result.
 */
import { describe, expect, it } from 'vitest';
import { isOtelMcpError } from '../../src/model/index.js';
import { compareTraceToSpec } from '../../src/tracespec/index.js';
import { buildTrace, repeated } from '../support/trace-builder.js';
import { compare, kinds, specOf } from './compare-helpers.js';

const checkout = specOf([
  {
    operation_name: 'POST /checkout',
    service_name: 'checkout-service',
    children: [
      { operation_name: 'inventory.reserve', service_name: 'inventory-service' },
      {
        operation_name: 'payment.process',
        service_name: 'payment-service',
        required_tags: { 'payment.method': 'card' },
      },
    ],
  },
]);

describe('evidence', () => {
  it('reports a missing child span with the parent it should have had', () => {
    const result = compare(checkout, {
      name: 'POST /checkout',
      service: 'checkout-service',
      children: [
        { name: 'payment.process', service: 'payment-service', attributes: { 'payment.method': 'card' } },
      ],
    });
    expect(result.violations).toEqual([
      {
        kind: 'missing',
        path: 'POST /checkout > inventory.reserve',
        message: 'no `inventory.reserve` in `inventory-service` inside `POST /checkout` (checkout-service)',
        under: { span_id: '0000000000000001', name: 'POST /checkout', service: 'checkout-service' },
        fix: 'add a span `inventory.reserve` in `inventory-service`, as a child of `POST /checkout`',
      },
    ]);
    expect(result.missing_spans).toEqual([
      {
        path: 'POST /checkout > inventory.reserve',
        operation_name: 'inventory.reserve',
        service_name: 'inventory-service',
        expected: '≥1',
        found: 0,
      },
    ]);
  });

  it('names the service a span was found in instead of the expected one', () => {
    const result = compare(checkout, {
      name: 'POST /checkout',
      service: 'checkout-service',
      children: [
        { name: 'inventory.reserve', service: 'inventory-service' },
        { name: 'payment.process', service: 'order-service', attributes: { 'payment.method': 'card' } },
      ],
    });
    const [violation] = result.violations;
    expect(violation?.kind).toBe('wrong_service');
    expect(violation?.span).toEqual({
      span_id: '0000000000000003',
      name: 'payment.process',
      service: 'order-service',
    });
    expect(violation?.message).toBe(
      '`payment.process` is in `order-service`; the spec expects it in `payment-service`',
    );
    expect(result.suggestions[0]).toContain(
      'span `payment.process` is in `order-service`; the spec expects it in `payment-service`',
    );
  });

  it('names the actual parent of a span found under another parent', () => {
    const result = compare(checkout, [
      {
        name: 'POST /checkout',
        service: 'checkout-service',
        children: [{ name: 'inventory.reserve', service: 'inventory-service' }],
      },
      {
        name: 'POST /orders',
        service: 'order-service',
        startMs: 50,
        children: [
          { name: 'payment.process', service: 'payment-service', attributes: { 'payment.method': 'card' } },
        ],
      },
    ]);
    expect(result.violations[0]?.message).toBe(
      '`payment.process` (payment-service) is under `POST /orders` (order-service), not inside `POST /checkout` (checkout-service)',
    );
    expect(result.violations[0]?.fix).toBe(
      'start `payment.process` inside `POST /checkout` (it is under `POST /orders` (order-service))',
    );
  });

  it('says which tag has which value instead of the expected one', () => {
    const result = compare(checkout, {
      name: 'POST /checkout',
      service: 'checkout-service',
      children: [
        { name: 'inventory.reserve', service: 'inventory-service' },
        { name: 'payment.process', service: 'payment-service', attributes: { 'payment.method': 'paypal' } },
      ],
    });
    expect(result.violations[0]).toMatchObject({
      kind: 'tag_mismatch',
      tag: 'payment.method',
      expected: '"card"',
      actual: '"paypal"',
      message: '`payment.process` (payment-service) has `payment.method` = "paypal"; expected "card"',
      fix: 'set attribute `payment.method` to "card" on `payment.process` (it is "paypal")',
    });
  });

  it('suggests a rename when a span of the same service has a similar name', () => {
    const result = compare(specOf([{ operation_name: 'db.query', service_name: 'orders' }]), {
      name: 'db query',
      service: 'orders',
    });
    expect(result.violations[0]?.nearest?.span.name).toBe('db query');
    expect(result.violations[0]?.fix).toBe('rename `db query` to `db.query`');
  });

  it('also checks the children beneath a parent found in the wrong service', () => {
    const result = compare(checkout, {
      name: 'POST /checkout',
      service: 'legacy-service',
      children: [
        { name: 'payment.process', service: 'payment-service', attributes: { 'payment.method': 'cash' } },
      ],
    });
    expect(result.violations.map((violation) => `${violation.kind} ${violation.path}`)).toEqual([
      'missing POST /checkout > inventory.reserve',
      'wrong_service POST /checkout',
      'tag_mismatch POST /checkout > payment.process',
    ]);
  });

  it('lists the children found beneath a near miss of their parent as there, not as missing', () => {
    const result = compare(checkout, {
      name: 'POST /checkout',
      service: 'legacy-service',
      children: [
        { name: 'inventory.reserve', service: 'inventory-service' },
        { name: 'payment.process', service: 'payment-service', attributes: { 'payment.method': 'card' } },
      ],
    });
    expect(kinds(result)).toEqual(['wrong_service']);
    const child = result.entries.find((entry) => entry.path === 'POST /checkout > inventory.reserve');
    expect(child).toMatchObject({ found: 0, satisfied: false, evaluated: true });
    expect(child?.near_miss).toMatchObject({ found: 1, satisfied: true });
    expect(result.entries.find((entry) => entry.path === 'POST /checkout')?.near_miss).toBeUndefined();
  });

  it('reports a renamed span once in a strict spec: as the rename, not also as unexpected', () => {
    const result = compare(specOf([{ operation_name: 'db.query' }], { strict: true }), { name: 'db_query' });
    expect(kinds(result)).toEqual(['missing']);
    expect(result.violations[0]?.fix).toBe('rename `db_query` to `db.query`');
  });

  it('blames one span for one missing entry at most', () => {
    const spec = specOf([
      {
        operation_name: 'root',
        children: [
          { operation_name: 'pay', service_name: 'a' },
          { operation_name: 'pay', service_name: 'b' },
        ],
      },
    ]);
    const result = compare(spec, { name: 'root', children: [{ name: 'pay', service: 'c' }] });
    expect(
      result.violations.map(
        (violation) => `${violation.kind} ${violation.span?.service ?? violation.nearest?.span.service}`,
      ),
    ).toEqual(['missing c', 'wrong_service c']);
  });

  // The example's wrong-service defect as an inferred spec sees it: the frontend has one POST per
  // callee, and calls inventory itself instead of leaving it to order-service.
  const perCallee = specOf([
    {
      operation_name: 'checkout',
      service_name: 'frontend',
      children: [
        {
          operation_name: 'POST',
          service_name: 'frontend',
          count: 1,
          children: [{ operation_name: 'POST /cart', service_name: 'cart' }],
        },
        {
          operation_name: 'POST',
          service_name: 'frontend',
          count: 1,
          children: [
            {
              operation_name: 'POST /orders',
              service_name: 'orders',
              children: [
                {
                  operation_name: 'POST',
                  service_name: 'orders',
                  count: 1,
                  children: [{ operation_name: 'POST /reserve', service_name: 'inventory' }],
                },
              ],
            },
          ],
        },
      ],
    },
  ]);
  const movedCall = {
    name: 'checkout',
    service: 'frontend',
    children: [
      {
        name: 'POST',
        service: 'frontend',
        kind: 'client' as const,
        startMs: 1,
        children: [{ name: 'POST /cart', service: 'cart', kind: 'server' as const }],
      },
      {
        name: 'POST',
        service: 'frontend',
        kind: 'client' as const,
        startMs: 2,
        children: [{ name: 'POST /reserve', service: 'inventory', kind: 'server' as const }],
      },
      {
        name: 'POST',
        service: 'frontend',
        kind: 'client' as const,
        startMs: 3,
        children: [{ name: 'POST /orders', service: 'orders', kind: 'server' as const }],
      },
    ],
  };

  it('reports a call shared as surplus by same-named sibling entries once, saying whom it calls', () => {
    const result = compare(perCallee, movedCall);
    const surplus = result.violations.filter((violation) => violation.kind === 'count_too_high');
    expect(surplus).toHaveLength(1);
    expect(surplus[0]?.span?.span_id).toBe('0000000000000004');
    expect(surplus[0]?.message).toBe(
      '`POST` (frontend) appears 2 times inside `checkout` (frontend); expected 1; the surplus 0000000000000004 calls `POST /reserve` (inventory)',
    );
  });

  it('names a call made from the wrong service as the stand-in for the entry where it belongs', () => {
    const result = compare(perCallee, movedCall);
    expect(result.matches_specification).toBe(false);
    const moved = result.violations.find(
      (violation) => violation.path === 'checkout > POST@frontend[2] > POST /orders > POST',
    );
    expect(moved).toMatchObject({
      kind: 'wrong_service',
      span: { span_id: '0000000000000004', service: 'frontend' },
    });
    // Its callee is then found beneath it: nothing is reported missing below the moved call.
    expect(result.violations.filter((violation) => violation.kind === 'missing')).toEqual([]);
  });

  it('measures a slow span against its budget in readable numbers', () => {
    const result = compare(specOf([{ operation_name: 'pay', expected_duration_ms: { max: 2000 } }]), {
      name: 'pay',
      durationMs: 2430,
    });
    expect(result.violations[0]?.message).toBe('`pay` (test-service) took 2,430 ms against a 2,000 ms max');
    expect(result.performance_issues).toEqual([
      {
        kind: 'duration',
        path: 'pay',
        span: { span_id: '0000000000000001', name: 'pay', service: 'test-service' },
        measured: 2430,
        max: 2000,
        unit: 'ms',
        message: '`pay` (test-service) took 2,430 ms against a 2,000 ms max',
      },
    ]);
  });

  it('reports a slow span as a performance issue, not as a missing span', () => {
    const result = compare(specOf([{ operation_name: 'pay', expected_duration_ms: 100 }]), {
      name: 'pay',
      durationMs: 150,
    });
    expect(kinds(result)).toEqual(['duration']);
    expect(result.missing_spans).toEqual([]);
  });

  it('explains an unexpected error with its exception', () => {
    const result = compare(specOf([{ operation_name: 'pay' }]), {
      name: 'pay',
      status: 'error',
      events: [
        {
          name: 'exception',
          attributes: { 'exception.type': 'CardDeclinedError', 'exception.message': 'card declined' },
        },
      ],
    });
    expect(result.violations[0]?.message).toBe(
      '`pay` (test-service) ended with status ERROR: CardDeclinedError: card declined',
    );
    expect(result.violations[0]?.path).toBe('pay');
  });

  it('groups many spans that break the same rule of the same entry into one violation', () => {
    const spec = specOf([
      { operation_name: 'root', children: [{ operation_name: 'db', expected_duration_ms: { max: 5 } }] },
    ]);
    const result = compare(spec, {
      name: 'root',
      durationMs: 200,
      children: repeated(6, { name: 'db', durationMs: 9 }, 1),
    });
    expect(result.violations).toHaveLength(1);
    expect(result.violations[0]?.occurrences).toBe(6);
    expect(result.violations[0]?.other_span_ids).toHaveLength(4);
  });

  it('does not also list the spans a count violation calls too many among the spans no entry expects', () => {
    const spec = specOf([
      {
        operation_name: 'loan.create',
        children: [
          { operation_name: 'SELECT', count: 1 },
          { operation_name: 'DELETE', count: 0 },
        ],
      },
    ]);
    const trace = {
      name: 'loan.create',
      children: [
        ...repeated(5, { name: 'SELECT', durationMs: 1 }, 1),
        ...repeated(2, { name: 'DELETE', durationMs: 1 }, 10),
        { name: 'audit', startMs: 20 },
      ],
    };
    const result = compare(spec, trace);
    expect(result.violations.map((violation) => [violation.kind, violation.occurrences])).toEqual([
      ['count_too_high', 4],
      ['forbidden_present', 2],
    ]);
    // Only the span no entry names is left: the surplus is the violations' to report.
    expect(result.unexpected_spans.map((group) => `${group.name} ×${group.count}`)).toEqual(['audit ×1']);
    expect(result.unexpected_span_count).toBe(1);
    // Strict fails on `audit`, and not a second time on the surplus the count violations report.
    const strict = compare({ ...spec, strict: true }, trace);
    expect(strict.violations.map((violation) => `${violation.kind} ${violation.span?.name}`)).toEqual([
      'count_too_high SELECT',
      'forbidden_present DELETE',
      'unexpected_span audit',
    ]);
  });

  it('names sibling entries with the same operation by service, then by position', () => {
    const spec = specOf([
      {
        operation_name: 'root',
        children: [
          { operation_name: 'db', service_name: 'a', required_tags: { op: 'SELECT' } },
          { operation_name: 'db', service_name: 'a', required_tags: { op: 'INSERT' } },
          { operation_name: 'db', service_name: 'b' },
        ],
      },
    ]);
    const result = compare(spec, { name: 'root' });
    expect(result.entries.map((entry) => entry.path)).toEqual([
      'root',
      'root > db@a[1]',
      'root > db@a[2]',
      'root > db@b',
    ]);
  });

  it('prioritizes suggestions: errors, structure, placement, tags, performance', () => {
    const result = compare(
      specOf([
        {
          operation_name: 'root',
          children: [
            { operation_name: 'slow', expected_duration_ms: { max: 1 } },
            { operation_name: 'tagged', required_tags: { k: 'v' } },
            { operation_name: 'absent' },
          ],
        },
      ]),
      {
        name: 'root',
        children: [
          { name: 'slow', durationMs: 5 },
          { name: 'tagged', attributes: { k: 'x' } },
          { name: 'boom', status: 'error' },
        ],
      },
    );
    expect(result.suggestions.map((suggestion) => suggestion.split(' ')[0])).toEqual([
      'fix',
      'add',
      'set',
      'make',
    ]);
  });
});

describe('result shape', () => {
  it('lists per-entry matches with their durations', () => {
    const result = compare(specOf([{ operation_name: 'root', children: [{ operation_name: 'db' }] }]), {
      name: 'root',
      durationMs: 100,
      children: [
        { name: 'db', startMs: 1, durationMs: 12.5 },
        { name: 'db', startMs: 20, durationMs: 3 },
      ],
    });
    expect(result.entries[1]).toEqual({
      path: 'root > db',
      operation_name: 'db',
      expected: '≥1',
      found: 2,
      satisfied: true,
      evaluated: true,
      matches: [
        { span_id: '0000000000000002', duration_ms: 12.5 },
        { span_id: '0000000000000003', duration_ms: 3 },
      ],
    });
  });

  it('marks entries under a missing parent as not satisfied', () => {
    const result = compare(specOf([{ operation_name: 'root', children: [{ operation_name: 'db' }] }]), {
      name: 'other',
    });
    expect(result.entries.map((entry) => entry.satisfied)).toEqual([false, false]);
    expect(kinds(result)).toEqual(['missing']);
  });

  it('cuts the violation list and says how many were left out', () => {
    const spec = specOf(Array.from({ length: 5 }, (_, index) => ({ operation_name: `op${index}` })));
    const result = compareTraceToSpec(buildTrace({ name: 'x' }), spec as never, { maxViolations: 2 });
    expect(result.violations).toHaveLength(2);
    expect(result.truncated).toEqual({ violations: 3 });
    expect(result.suggestions).toHaveLength(5);
  });

  it('compares an empty trace: every required entry is missing', () => {
    const result = compareTraceToSpec(
      { traceId: 'a'.repeat(32), spans: [] },
      specOf([{ operation_name: 'a' }]) as never,
    );
    expect(result.span_count).toBe(0);
    expect(kinds(result)).toEqual(['missing']);
  });

  it('refuses an invalid spec object with INVALID_ARGUMENT and the problems by path', () => {
    try {
      compareTraceToSpec(buildTrace({ name: 'x' }), {
        name: 'x',
        expected_spans: [{ operation_name: 'a', cout: 1 }],
      } as never);
      expect.unreachable();
    } catch (error) {
      expect(isOtelMcpError(error) && error.code).toBe('INVALID_ARGUMENT');
      expect((error as Error).message).toContain('expected_spans[0].cout: unknown key; did you mean count?');
    }
  });
});
