import { describe, expect, it } from 'vitest';
import { annotationKey, filterExpression } from '../../../src/backends/xray/filter-expression.js';
import { OtelMcpError } from '../../../src/model/errors.js';

describe('the X-Ray filter expression of a search', () => {
  it('is absent for a search by time window alone', () => {
    expect(filterExpression({ limit: 5 })).toBeUndefined();
  });

  it('joins service, annotations, minimum duration and failure with AND', () => {
    expect(
      filterExpression({
        serviceName: 'checkout',
        attributes: [
          { key: 'http.route', value: '/pay' },
          { key: 'retries', value: 3 },
          { key: 'cached', value: false },
        ],
        minDurationMs: 1500,
        status: 'error',
        limit: 5,
      }),
    ).toBe(
      'service("checkout") AND annotation.http_route = "/pay" AND annotation.retries = 3 AND annotation.cached = false AND duration >= 1.5 AND (error OR fault)',
    );
  });

  it('leaves a span maximum duration out, since X-Ray compares the whole trace duration', () => {
    expect(filterExpression({ maxDurationMs: 10, limit: 5 })).toBeUndefined();
  });

  it('writes attribute keys as exporters write annotation keys', () => {
    expect(annotationKey('app.user-id')).toBe('app_user_id');
  });

  it('refuses a value with a double quote, which the filter language cannot quote', () => {
    const error = (() => {
      try {
        filterExpression({ attributes: [{ key: 'q', value: 'say "hi"' }], limit: 1 });
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(OtelMcpError);
    expect((error as OtelMcpError).code).toBe('UNSUPPORTED');
    expect((error as OtelMcpError).hint).toContain('without double quotes');
  });

  it('refuses a list value and an attribute without a value, naming the attribute', () => {
    expect(() => filterExpression({ attributes: [{ key: 'tags', value: ['a'] }], limit: 1 })).toThrow(
      /'tags'/,
    );
    expect(() => filterExpression({ attributes: [{ key: 'db.system' }], limit: 1 })).toThrow(/'db.system'/);
  });
});
