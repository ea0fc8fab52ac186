/** Validation of one `required_tags` / `optional_tags` value: a scalar, a list, or a matcher object. */
import type { AttributeValue } from '../../model/index.js';
import { didYouMean } from '../../model/did-you-mean.js';
import { compileLinearRegex } from './linear-regex.js';
import { isPlainObject, joinPath, showValue } from './spec-problems.js';
import { MATCHER_OPERATORS, type TagExpectation, type TagMatcher } from './trace-spec.js';

type Report = (path: string, message: string) => void;

function isScalar(value: unknown): value is string | number | boolean {
  return (
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}

function isAttributeList(value: unknown): value is AttributeValue[] {
  return Array.isArray(value) && value.every(isScalar);
}

export function validateTagExpectation(
  value: unknown,
  path: string,
  report: Report,
): TagExpectation | undefined {
  if (isScalar(value)) return value;
  if (value === null || value === undefined) {
    report(path, 'expected a value or a matcher object; to require presence only, write { exists: true }');
    return undefined;
  }
  if (Array.isArray(value)) {
    if (isAttributeList(value)) return value;
    report(path, 'a list value may hold only strings, numbers and booleans');
    return undefined;
  }
  if (!isPlainObject(value)) {
    report(path, `expected a value or a matcher object (got ${showValue(value)})`);
    return undefined;
  }
  const keys = Object.keys(value);
  if (keys.length === 0) {
    report(path, `an empty matcher matches nothing; use one of ${MATCHER_OPERATORS.join(', ')}`);
    return undefined;
  }
  let valid = true;
  const fail = (where: string, message: string): void => {
    valid = false;
    report(where, message);
  };
  for (const key of keys) {
    if (!(MATCHER_OPERATORS as readonly string[]).includes(key)) {
      fail(joinPath(path, key), `unknown matcher; ${didYouMean(key, MATCHER_OPERATORS)}`);
    }
  }
  const matcher = value as Record<string, unknown>;
  for (const operator of ['eq', 'ne', 'contains'] as const) {
    const operand = matcher[operator];
    if (operand !== undefined && !isScalar(operand) && !(operator === 'eq' && isAttributeList(operand))) {
      fail(joinPath(path, operator), `expected a string, number or boolean (got ${showValue(operand)})`);
    }
  }
  for (const operator of ['gt', 'gte', 'lt', 'lte'] as const) {
    const operand = matcher[operator];
    if (operand !== undefined && (typeof operand !== 'number' || !Number.isFinite(operand))) {
      fail(joinPath(path, operator), `expected a number (got ${showValue(operand)})`);
    }
  }
  if (matcher.exists !== undefined && typeof matcher.exists !== 'boolean') {
    fail(joinPath(path, 'exists'), `expected true or false (got ${showValue(matcher.exists)})`);
  }
  if (matcher.exists === false && keys.length > 1) {
    fail(
      path,
      'exists: false cannot be combined with other matchers (an absent attribute has no value to compare)',
    );
  }
  if (matcher.in !== undefined && (!isAttributeList(matcher.in) || matcher.in.length === 0)) {
    fail(joinPath(path, 'in'), 'expected a non-empty list of strings, numbers or booleans');
  }
  if (matcher.regex !== undefined) {
    if (typeof matcher.regex !== 'string')
      fail(
        joinPath(path, 'regex'),
        `expected a regular expression as a string (got ${showValue(matcher.regex)})`,
      );
    else {
      const compiled = compileLinearRegex(matcher.regex);
      if (!compiled.ok) fail(joinPath(path, 'regex'), compiled.reason);
    }
  }
  return valid ? ({ ...matcher } as TagMatcher) : undefined;
}
