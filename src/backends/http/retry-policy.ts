/**
 * When to try a request again and how long to wait first. Pure: the caller supplies the random
 * source and the current time.
 */

export interface RetryPolicy {
  /** Attempts in all, the first included; 1 disables retries. */
  attempts: number;
  /** Delay before the first retry; each later one doubles it, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A `Retry-After` longer than this is not waited for: the request fails at once, saying so. */
  maxRetryAfterMs: number;
}

/**
 * Three attempts at 250 ms then 500 ms (±50% jitter) ride out a backend restart or a brief overload
 * and still answer within ~1 s more than the request itself; 30 s is the longest Retry-After an
 * interactive agent should sit through.
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  attempts: 3,
  baseDelayMs: 250,
  maxDelayMs: 4_000,
  maxRetryAfterMs: 30_000,
};

/** 429 and the gateway/unavailable family are transient by definition (RFC 9110, OTLP spec). */
const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);

export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUSES.has(status);
}

/** Exponential backoff with full ±50% jitter, so clients that failed together do not retry together. */
export function backoffDelayMs(retry: number, policy: RetryPolicy, random: () => number): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return Math.round(exponential * (0.5 + random()));
}

/**
 * `Retry-After` as milliseconds to wait: delta-seconds or an HTTP date (RFC 9110 §10.2.3).
 * Undefined when absent or unreadable.
 */
export function parseRetryAfterMs(header: string | null | undefined, nowMs: number): number | undefined {
  if (header === null || header === undefined) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}
