import type { AttributeValue, Attributes } from '../../model/index.js';

// Keys whose values are credentials, matched on the last segment of the key so that
// `http.request.header.authorization` and `db.password` match but `gen_ai.usage.input_tokens`
// (a count) and `password_reset.sent` do not.
const SECRET_KEY =
  /(?:^|[._-])(?:authorization|proxy[._-]authorization|cookie|set[._-]cookie|passwd|password|pwd|secret|client[._-]secret|api[._-]?key|access[._-]?key|private[._-]?key|secret[._-]?key|(?:access|refresh|id|auth|bearer|session|csrf|xsrf)?[._-]?token|credentials?)$/i;

// Query parameters that carry credentials in a URL.
const SECRET_QUERY =
  /[?&](?:access_token|token|api_key|apikey|key|password|secret|sig|signature|auth)=[^&#]/i;
const URL_USERINFO = /^[a-z][a-z0-9+.-]*:\/\/[^/@\s]+:[^/@\s]+@/i;
const URL_KEYS = new Set(['url.full', 'http.url', 'url.query', 'http.target']);

// Values that are already masked are fine to keep.
const MASKED = /^(?:\[?redacted\]?|<redacted>|\*+|x{3,}|\[?filtered\]?)$/i;

/**
 * Remembers which keys are secret. Keys repeat across thousands of spans, so one scan of a trace
 * tests each distinct key once; the caller owns the cache (no module state).
 */
export type SecretKeyCache = Map<string, boolean>;

function isSecretKey(key: string, cache: SecretKeyCache | undefined): boolean {
  let verdict = cache?.get(key);
  if (verdict === undefined) {
    verdict = SECRET_KEY.test(key);
    cache?.set(key, verdict);
  }
  return verdict;
}

function hasSecretValue(value: AttributeValue): boolean {
  if (typeof value === 'string') return value.trim() !== '' && !MASKED.test(value.trim());
  if (Array.isArray(value)) return value.some(hasSecretValue);
  return false;
}

/** Where a credential may sit: the attribute key, and why (never the value). */
export interface SecretHit {
  key: string;
  reason: 'secret key' | 'credentials in URL' | 'secret query parameter';
}

/** Attributes that look like they hold a credential. Values are inspected, never returned. */
export function findSecretAttributes(attributes: Attributes, cache?: SecretKeyCache): SecretHit[] {
  const hits: SecretHit[] = [];
  for (const key in attributes) {
    const value = attributes[key] as AttributeValue;
    if (isSecretKey(key, cache)) {
      if (hasSecretValue(value)) hits.push({ key, reason: 'secret key' });
      continue;
    }
    if (URL_KEYS.has(key) && typeof value === 'string') {
      if (URL_USERINFO.test(value)) hits.push({ key, reason: 'credentials in URL' });
      else if (SECRET_QUERY.test(key === 'url.query' ? `?${value}` : value)) {
        hits.push({ key, reason: 'secret query parameter' });
      }
    }
  }
  return hits;
}
