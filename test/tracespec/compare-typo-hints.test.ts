/**
 * A spec written with a typo (a tag key or a service name one letter off what the service sends)
 * gets a fix that names the likely typo, instead of only telling the agent to change the code.
 */
import { describe, expect, it } from 'vitest';
import { compareTraceToSpec, parseTraceSpec } from '../../src/tracespec/index.js';
import { buildTrace } from '../support/trace-builder.js';

const trace = buildTrace({
  name: 'loan.create',
  service: 'loans-service',
  attributes: { 'loan.days': 14, 'loan.amount': 500 },
});

const fixOf = (entry: Record<string, unknown>) => {
  const result = compareTraceToSpec(trace, parseTraceSpec({ name: 'typo', expected_spans: [entry] }));
  return result.violations.map((violation) => [violation.kind, violation.fix]);
};

describe('fixes for a spec with a typo', () => {
  it('names the span’s key one letter off a missing tag key, with its value', () => {
    expect(fixOf({ operation_name: 'loan.create', required_tags: { 'loan.day': 14 } })).toEqual([
      [
        'tag_missing',
        "set attribute `loan.day` to 14 on `loan.create`, or correct the spec's key if `loan.days` is meant: the span has `loan.days` = 14",
      ],
    ]);
  });

  it('offers no typo for names that are near but different, or that the entry names itself', () => {
    const span = buildTrace({
      name: 'call',
      service: 'frontend-proxy',
      attributes: { 'net.peer.name': 'db', 'customer.id': 7, 'order.id': 3 },
    });
    const fixes = (entry: Record<string, unknown>) =>
      compareTraceToSpec(span, parseTraceSpec({ name: 'near', expected_spans: [entry] })).violations.map(
        (violation) => violation.fix,
      );
    for (const required of [
      { 'net.peer.port': 5432 },
      { 'order.qty': 2 },
      { 'customer.id': 7, 'customer.tier': 'gold' },
    ])
      expect(fixes({ operation_name: 'call', required_tags: required }).join('\n')).not.toContain(
        'correct the spec',
      );
    expect(fixes({ operation_name: 'call', service_name: 'frontend' }).join('\n')).not.toContain(
      'nearly the same name',
    );
  });

  it('says nothing of typos when no key of the span is near', () => {
    expect(fixOf({ operation_name: 'loan.create', required_tags: { 'loan.currency': 'EUR' } })).toEqual([
      ['tag_missing', 'set attribute `loan.currency` to "EUR" on `loan.create`'],
    ]);
  });

  it('offers correcting service_name when it is one letter off the span’s service', () => {
    expect(fixOf({ operation_name: 'loan.create', service_name: 'loan-service' })).toEqual([
      [
        'wrong_service',
        'span `loan.create` is in `loans-service`; the spec expects it in `loan-service`, nearly the same name: correct service_name in the spec if `loans-service` is meant (or emit it from `loan-service`)',
      ],
    ]);
    expect(fixOf({ operation_name: 'loan.create', service_name: 'billing' })[0]?.[1]).toMatch(
      /emit it from that service \(or change service_name in the spec\)$/,
    );
  });

  it('does not also list a near miss among the spans no entry expects', () => {
    const spec = parseTraceSpec({
      name: 'days',
      expected_spans: [{ operation_name: 'loan.create', required_tags: { 'loan.days': 7 } }],
    });
    const result = compareTraceToSpec(trace, spec);
    expect(result.violations.map((violation) => violation.kind)).toEqual(['tag_mismatch']);
    expect(result.unexpected_spans).toEqual([]);
    expect(result.unexpected_span_count).toBe(0);
  });
});
