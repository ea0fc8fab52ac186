import { describe, expect, it } from 'vitest';
import { attributeName, durationLiteral, traceQlFor } from '../../../src/backends/tempo/traceql.js';

describe('TraceQL built from a trace query', () => {
  it('puts every filter into one spanset so a single span must meet them all', () => {
    expect(
      traceQlFor({
        serviceName: 'checkout',
        operationName: 'GET /cart',
        attributes: [{ key: 'http.route', value: '/cart' }],
        minDurationMs: 10,
        maxDurationMs: 20.5,
        status: 'error',
        limit: 5,
      }),
    ).toBe(
      '{ resource.service.name = "checkout" && name = "GET /cart" && .http.route = "/cart" && duration >= 10000000ns && duration <= 20500000ns } && { status = error }',
    );
  });

  it('matches numbers, booleans and numeric strings in both their types', () => {
    expect(traceQlFor({ attributes: [{ key: 'http.response.status_code', value: 200 }], limit: 1 })).toBe(
      '{ (.http.response.status_code = 200 || .http.response.status_code = "200") }',
    );
    expect(traceQlFor({ attributes: [{ key: 'cached', value: true }], limit: 1 })).toBe(
      '{ (.cached = true || .cached = "true") }',
    );
    expect(traceQlFor({ attributes: [{ key: 'code', value: '404' }], limit: 1 })).toBe(
      '{ (.code = "404" || .code = 404) }',
    );
  });

  it('asks only for presence when the filter has no value', () => {
    expect(traceQlFor({ attributes: [{ key: 'db.system' }], limit: 1 })).toBe('{ .db.system != nil }');
  });

  it('escapes quotes, backslashes and newlines in values and quotes unusual attribute names', () => {
    expect(traceQlFor({ serviceName: 'a "quoted" \\ name\n', limit: 1 })).toBe(
      '{ resource.service.name = "a \\"quoted\\" \\\\ name\\n" }',
    );
    expect(attributeName('attribute with space')).toBe('."attribute with space"');
    expect(attributeName('odd"key\\')).toBe('."odd\\"key\\\\"');
    expect(attributeName('{evil}')).toBe('."{evil}"');
    expect(attributeName('http.route')).toBe('.http.route');
  });

  it('matches every trace when there is no filter', () => {
    expect(traceQlFor({ limit: 1 })).toBe('{ }');
  });

  it('writes durations in nanoseconds so no precision is lost', () => {
    expect(durationLiteral(0.001)).toBe('1000ns');
  });

  it('refuses a list value, which TraceQL cannot compare', () => {
    expect(() => traceQlFor({ attributes: [{ key: 'tags', value: ['a'] }], limit: 1 })).toThrow(
      /cannot compare attribute 'tags'/,
    );
  });
});
