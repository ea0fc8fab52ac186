import { describe, expect, it } from 'vitest';
import { compileLinearRegex, type LinearRegex } from '../../src/tracespec/index.js';

function regex(source: string): LinearRegex {
  const compiled = compileLinearRegex(source);
  if (!compiled.ok) throw new Error(`refused ${source}: ${compiled.reason}`);
  return compiled.regex;
}

function refusal(source: string): string {
  const compiled = compileLinearRegex(source);
  if (compiled.ok) throw new Error(`accepted ${source}`);
  return compiled.reason;
}

// The security review's cases: 9.3 s and 41.5 s on Node's RegExp. A hang times the test out.
const POISON = 'a'.repeat(29) + '!';
const WORDS_POISON = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!';

describe('linear-time regular expressions', () => {
  it('decides ^(a+)+$ against 29 "a" and a "!" without backtracking: no match', () => {
    expect(regex('^(a+)+$').test(POISON)).toBe(false);
    expect(regex('^(a+)+$').test('a'.repeat(29))).toBe(true);
  });

  it('decides ^([a-zA-Z0-9]+\\s?)+$ against a long word and a "!": no match', () => {
    expect(regex('^([a-zA-Z0-9]+\\s?)+$').test(WORDS_POISON)).toBe(false);
    expect(regex('^([a-zA-Z0-9]+\\s?)+$').test('ada lovelace 1815')).toBe(true);
  });

  // Patterns both engines accept keep their answers, including where RE2's own meaning differs
  // (\s, `.`, a `[` inside a class, the empty class) and the \uXXXX escape RE2 lacks.
  const patterns = [
    '^/api/',
    'FROM carts',
    '^GET|POST$',
    '^(GET|POST) /users/\\d+$',
    '^[A-Z][a-z]+$',
    '[^a-z]',
    '\\bcart\\b',
    '^\\w+@\\w+\\.com$',
    'a\\sb',
    '^\\S+$',
    '[^\\s]+x',
    '^a.b$',
    '[[:alpha:]]',
    '[]a]',
    '[^]',
    '\\u00e9',
    'x{2,3}',
    'a{',
    '\\/v1\\/',
    '(?<version>v\\d+)',
    '^$',
  ];
  const inputs = [
    '/api/users',
    'SELECT * FROM carts',
    'GET',
    'POST /users/42',
    'Alice',
    'alice',
    'the cart is full',
    'carting',
    'a@b.com',
    'a b',
    'a\u00a0b',
    'a\u2003b',
    'a\tb',
    'a\rb',
    'a\nb',
    'a\u2028b',
    ':]',
    'a]',
    '\n',
    'café',
    'xxx',
    'a{',
    '/v1/orders',
    'v2',
    '',
  ];
  it.each(patterns)('answers as JavaScript does for %s on every sample value', (source) => {
    const linear = regex(source);
    const native = new RegExp(source);
    for (const input of inputs) expect([input, linear.test(input)]).toEqual([input, native.test(input)]);
  });

  it('matches case-insensitively with the inline flag (?i)', () => {
    expect(regex('(?i)^get$').test('GET')).toBe(true);
    expect(regex('^get$').test('GET')).toBe(false);
  });

  it('refuses lookahead and lookbehind, saying they cannot run in linear time and what to write instead', () => {
    for (const source of ['^(?!internal)', 'a(?=b)', '(?<=\\$)\\d+', '(?<!x)y']) {
      expect(refusal(source)).toMatch(/^look(ahead|behind) is not supported: patterns run in linear time/);
      expect(refusal(source)).toContain('{ regex: "^/api/", ne: "/api/health" }');
    }
  });

  it('refuses backreferences, saying they cannot run in linear time', () => {
    expect(refusal('(a+)-\\1')).toMatch(/^a backreference is not supported: patterns run in linear time/);
    expect(refusal('(?<w>a)\\k<w>')).toMatch(/^a backreference is not supported/);
  });

  it('refuses a repeat count above 1000 and a broken pattern, naming the place', () => {
    expect(refusal('a{1001}')).toMatch(/invalid repeat count at `\{1001\}`: at most \{1000\}/);
    expect(refusal('(')).toBe('invalid regular expression (RE2 syntax): missing closing ) at `(`');
  });

  it('matches every line of multi-line text with ^ and $ when multiline', () => {
    const compiled = compileLinearRegex('^ready$', { multiline: true });
    expect(compiled.ok && compiled.regex.test('starting\nready\n')).toBe(true);
    expect(regex('^ready$').test('starting\nready\n')).toBe(false);
  });
});
