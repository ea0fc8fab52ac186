import { describe, expect, it } from 'vitest';
import {
  backoffDelayMs,
  DEFAULT_RETRY_POLICY,
  isRetryableStatus,
  parseRetryAfterMs,
} from '../../../src/backends/http/retry-policy.js';

describe('the retry policy', () => {
  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-11-24T10:00:00Z');
    expect(parseRetryAfterMs('7', now)).toBe(7000);
    expect(parseRetryAfterMs('Tue, 24 Nov 2026 10:00:05 GMT', now)).toBe(5000);
    expect(parseRetryAfterMs('Tue, 24 Nov 2026 09:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfterMs('soon', now)).toBeUndefined();
    expect(parseRetryAfterMs(null, now)).toBeUndefined();
  });

  it('doubles the delay per retry within ±50% jitter, capped', () => {
    expect(backoffDelayMs(0, DEFAULT_RETRY_POLICY, () => 0)).toBe(125);
    expect(backoffDelayMs(0, DEFAULT_RETRY_POLICY, () => 0.999)).toBe(375);
    expect(backoffDelayMs(3, DEFAULT_RETRY_POLICY, () => 0.5)).toBe(2000);
    expect(backoffDelayMs(10, DEFAULT_RETRY_POLICY, () => 0.5)).toBe(4000);
  });

  it('retries only the transient statuses', () => {
    expect([429, 502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 404, 500].some(isRetryableStatus)).toBe(false);
  });
});
