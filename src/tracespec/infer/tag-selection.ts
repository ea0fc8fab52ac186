/**
 * Which observed attributes become `required_tags` of an inferred spec. A tag is kept when it is
 * present on every span of the entry and either constant or one of a few values (`in`), and it
 * says something about the operation. What says where or how the span ran (addresses, ports, hosts,
 * processes, threads, user agents, sizes and times, transport details: run-specific.ts) and what
 * identifies one request (value-shape.ts) is skipped even when constant: it pins a spec to one
 * machine and one run without describing behaviour.
 */
import type { AttributeValue } from '../../model/index.js';
import type { TagExpectation } from '../language/trace-spec.js';
import { isIdLikeKey, isIdLikeValue } from './value-shape.js';
import {
  isRunSpecificValue,
  isValueRuleKey,
  runSpecificKeyReason,
  WHERE_IT_RAN_VALUE,
} from './run-specific.js';

/** Statements are meaningful but brittle: whitespace and parameter style change without a change in behaviour. */
const STATEMENT_KEYS = new Set(['db.query.text', 'db.statement']);
/** Numbers that are codes, not measurements: enumerating their values is meaningful. */
const CODE_KEY = /(status_code|status|code|method)$/;

export interface TagOptions {
  /** At most this many distinct values become an `in` list (default 4). */
  maxEnumValues: number;
}

export type TagDecision =
  | { keep: true; expectation: TagExpectation; reason: 'constant' | 'enumerated' }
  | { keep: false; reason: string };

/**
 * Decides for one attribute key of one entry. `values` holds one value per span of the entry;
 * `spanCount` is how many spans the entry had (fewer values: absent on some).
 */
export function decideTag(
  key: string,
  values: readonly AttributeValue[],
  spanCount: number,
  options: TagOptions,
): TagDecision {
  if (STATEMENT_KEYS.has(key))
    return { keep: false, reason: 'query text: changes with formatting, not behaviour' };
  const runSpecific = runSpecificKeyReason(key);
  if (runSpecific !== undefined) return { keep: false, reason: runSpecific };
  if (isIdLikeKey(key)) return { keep: false, reason: 'identifier or time' };
  if (values.length < spanCount)
    return { keep: false, reason: `absent on ${spanCount - values.length} of ${spanCount} spans` };
  const distinct = new Map<string, AttributeValue>();
  for (const value of values) {
    if (value === null || typeof value === 'object') return { keep: false, reason: 'not a scalar' };
    distinct.set(`${typeof value}:${String(value)}`, value);
  }
  const kept = [...distinct.values()] as (string | number | boolean)[];
  // Shapes are tested per distinct value: 20,000 spans usually hold a handful.
  if (isValueRuleKey(key) && kept.slice(0, options.maxEnumValues + 1).some(isRunSpecificValue))
    return { keep: false, reason: WHERE_IT_RAN_VALUE };
  if (kept.slice(0, options.maxEnumValues + 1).some(isIdLikeValue))
    return { keep: false, reason: 'identifier-like or time value' };
  if (kept.length === 1)
    return { keep: true, expectation: kept[0] as string | number | boolean, reason: 'constant' };
  if (kept.length > options.maxEnumValues) return { keep: false, reason: `${kept.length} distinct values` };
  // Three samples per value at least, or the list is just the samples (a good trace may bring a fourth).
  if (values.length < kept.length * 3)
    return { keep: false, reason: `${kept.length} distinct values in ${values.length} spans` };
  // Measured numbers (sizes, counts) vary with input; only codes make a meaningful enumeration.
  if (kept.some((value) => typeof value === 'number') && !CODE_KEY.test(key))
    return { keep: false, reason: 'varying measurement' };
  kept.sort((a, b) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
  return { keep: true, expectation: { in: kept }, reason: 'enumerated' };
}
