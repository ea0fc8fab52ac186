/**
 * Tag expectations compiled to predicates (docs/spec-language.md, "Tags"). Values compare after
 * type coercion, because exporters disagree on types: `200` matches the integer 200 and the string
 * "200"; `true` matches the string "true" (any case, as Python writes "True").
 */
import type { AttributeValue, Span } from '../../model/index.js';
import { attributeAliases, type AttributeAlias } from '../../model/semconv-renames.js';
import { compileLinearRegex, type LinearRegex } from '../language/linear-regex.js';
import type { TagExpectation, TagMatcher } from '../language/trace-spec.js';

export interface CompiledTag {
  key: string;
  /** Whether a present value satisfies the expectation. */
  test: (value: AttributeValue) => boolean;
  /** Whether an absent attribute satisfies it (only `exists: false`). */
  absentOk: boolean;
  /** How the expectation reads in a message: `200`, `≥ 200 and < 300`, `present`. */
  describe: string;
  /** One exact value is expected (a scalar, or `{ eq }` alone): a fix may say "set it to" that value. */
  exact: boolean;
}

export interface FoundAttribute {
  value: AttributeValue;
  /** Resource attributes are the fallback (docs/spec-language.md, "Tags"). */
  source: 'span' | 'resource';
  /** The span had the attribute under its name from another generation of the conventions. */
  alias?: AttributeAlias;
}

const hasOwn = (object: object, key: string): boolean => Object.prototype.hasOwnProperty.call(object, key);

/**
 * The attribute `key` of a span: its own attributes, then its resource's; when neither has it, the
 * same attribute under its other semantic-convention name (`http.method` for
 * `http.request.method`, `db.statement` for `db.query.text`, and back).
 */
export function lookupAttribute(span: Span, key: string): FoundAttribute | undefined {
  if (hasOwn(span.attributes, key)) return { value: span.attributes[key] as AttributeValue, source: 'span' };
  if (hasOwn(span.resource.attributes, key))
    return { value: span.resource.attributes[key] as AttributeValue, source: 'resource' };
  for (const alias of attributeAliases(key)) {
    if (hasOwn(span.attributes, alias.name))
      return { value: span.attributes[alias.name] as AttributeValue, source: 'span', alias };
    if (hasOwn(span.resource.attributes, alias.name))
      return { value: span.resource.attributes[alias.name] as AttributeValue, source: 'resource', alias };
  }
  return undefined;
}

function asNumber(value: AttributeValue): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '') {
    const parsed = Number(value);
    return Number.isFinite(parsed) ? parsed : undefined;
  }
  return undefined;
}

/** Equality after coercion between a spec value and an attribute value. */
export function coercedEqual(expected: AttributeValue, actual: AttributeValue): boolean {
  if (Array.isArray(expected)) {
    return (
      Array.isArray(actual) &&
      actual.length === expected.length &&
      expected.every((item, index) => coercedEqual(item, actual[index] as AttributeValue))
    );
  }
  if (expected === null || actual === null || typeof actual === 'object' || typeof expected === 'object')
    return expected === actual;
  if (typeof expected === typeof actual) return expected === actual;
  if (typeof expected === 'boolean' || typeof actual === 'boolean') {
    const text = typeof expected === 'boolean' ? actual : expected;
    const flag = typeof expected === 'boolean' ? expected : actual;
    return typeof text === 'string' && text.trim().toLowerCase() === String(flag);
  }
  const left = asNumber(expected);
  const right = asNumber(actual);
  return left !== undefined && right !== undefined && left === right;
}

function isMatcher(expectation: TagExpectation): expectation is TagMatcher {
  return typeof expectation === 'object' && expectation !== null && !Array.isArray(expectation);
}

export function showAttribute(value: AttributeValue): string {
  return typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
}

/** Specs are validated before they are compiled, so a refused pattern here is a caller's bug. */
function linearRegex(source: string): LinearRegex {
  const compiled = compileLinearRegex(source);
  if (!compiled.ok) throw new Error(`unvalidated spec: regex ${JSON.stringify(source)}: ${compiled.reason}`);
  return compiled.regex;
}

export function compileTag(key: string, expectation: TagExpectation): CompiledTag {
  if (!isMatcher(expectation)) {
    return {
      key,
      test: (value) => coercedEqual(expectation, value),
      absentOk: false,
      describe: showAttribute(expectation),
      exact: true,
    };
  }
  const tests: ((value: AttributeValue) => boolean)[] = [];
  const parts: string[] = [];
  const m = expectation;
  if (m.eq !== undefined) {
    const eq = m.eq;
    tests.push((value) => coercedEqual(eq, value));
    parts.push(showAttribute(eq));
  }
  if (m.ne !== undefined) {
    const ne = m.ne;
    tests.push((value) => !coercedEqual(ne, value));
    parts.push(`not ${showAttribute(ne)}`);
  }
  if (m.regex !== undefined) {
    const pattern = linearRegex(m.regex);
    const matches = (value: AttributeValue): boolean =>
      Array.isArray(value)
        ? value.some(matches)
        : value !== null && typeof value !== 'object' && pattern.test(String(value));
    tests.push(matches);
    parts.push(`matching /${m.regex}/`);
  }
  const bounds: [number | undefined, string, (a: number, b: number) => boolean][] = [
    [m.gt, '>', (a, b) => a > b],
    [m.gte, '≥', (a, b) => a >= b],
    [m.lt, '<', (a, b) => a < b],
    [m.lte, '≤', (a, b) => a <= b],
  ];
  for (const [bound, symbol, compare] of bounds) {
    if (bound === undefined) continue;
    tests.push((value) => {
      const number = asNumber(value);
      return number !== undefined && compare(number, bound);
    });
    parts.push(`${symbol} ${bound}`);
  }
  if (m.in !== undefined) {
    const options = m.in;
    tests.push((value) => options.some((option) => coercedEqual(option, value)));
    parts.push(`one of ${options.map(showAttribute).join(', ')}`);
  }
  if (m.contains !== undefined) {
    const needle = m.contains;
    tests.push((value) =>
      Array.isArray(value)
        ? value.some((item) => coercedEqual(needle, item))
        : typeof value === 'string' && value.includes(String(needle)),
    );
    parts.push(`containing ${showAttribute(needle)}`);
  }
  if (m.exists === false) return { key, test: () => false, absentOk: true, describe: 'absent', exact: false };
  if (parts.length === 0) parts.push('present');
  const exact = m.eq !== undefined && tests.length === 1;
  return {
    key,
    test: (value) => tests.every((test) => test(value)),
    absentOk: false,
    describe: parts.join(' and '),
    exact,
  };
}

export function compileTags(tags: Record<string, TagExpectation> | undefined): CompiledTag[] {
  return Object.entries(tags ?? {}).map(([key, expectation]) => compileTag(key, expectation));
}

/** How one span fares against one tag: satisfied, missing, or present with another value. */
export type TagOutcome = { ok: true } | { ok: false; found?: FoundAttribute };

export function checkTag(span: Span, tag: CompiledTag): TagOutcome {
  const found = lookupAttribute(span, tag.key);
  if (found === undefined) return tag.absentOk ? { ok: true } : { ok: false };
  return tag.test(found.value) ? { ok: true } : { ok: false, found };
}

export function tagsSatisfied(span: Span, tags: readonly CompiledTag[]): boolean {
  for (const tag of tags) if (!checkTag(span, tag).ok) return false;
  return true;
}
