/**
 * Which attributes identify one request rather than describe the operation: ids, timestamps and
 * URLs that embed ids. An inferred spec never requires them, even when every sample happened to
 * agree (a single good trace has "constant" ids).
 */
import type { AttributeValue } from '../../model/index.js';

const ID_KEY = /(^|[._-])(id|ids|uuid|guid|key|token|hash|nonce|sha|digest|sku|number)$|(?:Id|ID|Uuid)$/;
const TIME_KEY = /(^|[._-])(time|timestamp|ts|date|datetime|created_at|updated_at|deadline|expires?)$/i;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
/** 8+ hex digits with at least one digit: span ids (16), trace ids (32), git shas, hashes. */
const HEX_RUN = /^(?=.*\d)[0-9a-f]{8,}$/i;
/** A word of 6+ hex characters mixing letters and digits inside a longer string: SKU-3fa2b1. */
const HEX_WORD = /(^|[^0-9a-z])(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{6,}($|[^0-9a-z])/i;
/** A run of 5+ digits inside a longer string: order-12345, /users/98765. */
const DIGIT_RUN = /\d{5,}/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/;
const URL_ID_SEGMENT = /\/(\d+|[0-9a-f]{8,}|[0-9a-f-]{36})(?=\/|\?|$)/i;
/** Epoch seconds (10 digits) up to epoch nanoseconds (19): 1e9.. is 2001 onwards. */
const EPOCH_MIN = 1e9;

export function isIdLikeKey(key: string): boolean {
  const last = key.split('.').pop() ?? key;
  return ID_KEY.test(key) || ID_KEY.test(last) || TIME_KEY.test(last);
}

/** True for a value that names one instance (an id, a time, a URL with an id), whatever its key. */
export function isIdLikeValue(value: AttributeValue): boolean {
  if (typeof value === 'number') return Number.isInteger(value) && Math.abs(value) >= EPOCH_MIN;
  if (typeof value !== 'string') return false;
  const text = value.trim();
  if (UUID.test(text) || HEX_RUN.test(text) || ISO_TIME.test(text)) return true;
  if (/^\d+$/.test(text)) return text.length >= 5;
  if (URL_ID_SEGMENT.test(text) && /[/:]/.test(text)) return true;
  return DIGIT_RUN.test(text) || HEX_WORD.test(text);
}
