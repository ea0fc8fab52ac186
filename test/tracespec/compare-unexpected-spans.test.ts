/**
 * Spans no entry expects are listed in groups by service and name; calls of one name that went to
 * different places (the polyglot gateway's two `POST`s) are groups of their own, named after the
 * service they called as diff_traces names them.
 */
import { describe, expect, it } from 'vitest';
import { gatewaySketch } from '../support/gateway-sketch.js';
import { compare, specOf } from './compare-helpers.js';

const gatewayOnly = specOf([{ operation_name: 'POST /loans', service_name: 'gateway' }]);
const callGroups = (groups: { service: string; name: string; destination?: string; count: number }[]) =>
  groups
    .filter((group) => group.service === 'gateway')
    .map(({ name, destination, count }) => ({ name, destination, count }));

describe('compareTraceToSpec on unexpected calls named alike', () => {
  it("lists a gateway's POST to loans-service and its POST to notify-service as two groups, named after the service called", () => {
    const result = compare(gatewayOnly, gatewaySketch());
    expect(callGroups(result.unexpected_spans)).toEqual([
      { name: 'POST', destination: 'loans-service', count: 1 },
      { name: 'POST', destination: 'notify-service', count: 1 },
    ]);
    expect(result.unexpected_span_count).toBe(4);
  });

  it('keeps an N+1 loop of calls to one service as one group with its count', () => {
    const result = compare(gatewayOnly, gatewaySketch({ loansCalls: 5 }));
    expect(callGroups(result.unexpected_spans)).toEqual([
      { name: 'POST', destination: 'loans-service', count: 5 },
      { name: 'POST', destination: 'notify-service', count: 1 },
    ]);
  });

  it('names a call whose callee sent no span by its host and port', () => {
    const result = compare(gatewayOnly, gatewaySketch({ notifyAnswers: false }));
    expect(callGroups(result.unexpected_spans)).toEqual([
      { name: 'POST', destination: 'loans-service', count: 1 },
      { name: 'POST', destination: '127.0.0.1:4002', count: 1 },
    ]);
  });

  it('says no destination when every call of the name went to one place', () => {
    const gateway = gatewaySketch({ loansCalls: 3 });
    const loansOnly = gateway.children?.filter((child) => child.attributes?.['server.port'] === 4001);
    const result = compare(gatewayOnly, { ...gateway, children: loansOnly ?? [] });
    expect(result.unexpected_spans.find((group) => group.name === 'POST')).toEqual({
      name: 'POST',
      service: 'gateway',
      count: 3,
      span_ids: expect.any(Array),
    });
  });

  it('fails a strict spec once for the name, since one expected_spans entry is the fix wherever the calls went', () => {
    const result = compare({ ...gatewayOnly, strict: true }, gatewaySketch({ loansCalls: 2 }));
    const post = result.violations.filter(
      (violation) => violation.kind === 'unexpected_span' && violation.span?.name === 'POST',
    );
    expect(post.map((violation) => [violation.message, violation.occurrences])).toEqual([
      ['`POST` (gateway) ×3 matches no expected span (strict)', 3],
    ]);
    expect(callGroups(result.unexpected_spans)).toHaveLength(2);
  });
});
