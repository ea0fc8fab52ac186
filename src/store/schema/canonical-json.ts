import { createHash } from 'node:crypto';
import { setOwnProperty } from '../../model/own-property.js';
import { TAGGED, encodeJson } from './json-codec.js';

/** JSON with object keys sorted at every level, so equal values hash equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  return encodeJson(sortKeys(value), TAGGED);
}

export function canonicalHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('base64url');
}

function sortKeys(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(sortKeys);
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const item = (value as Record<string, unknown>)[key];
    if (item !== undefined) setOwnProperty(sorted, key, sortKeys(item));
  }
  return sorted;
}
