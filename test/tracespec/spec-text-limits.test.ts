/**
 * Spec text may come from a file nobody checked (a cloned repo's specs dir): its size and alias
 * expansion are bounded, and a problem never repeats content beyond a short excerpt.
 */
import { describe, expect, it } from 'vitest';
import { formatProblems, MAX_SPEC_BYTES, validateTraceSpec } from '../../src/tracespec/index.js';
import { billionLaughs, FAKE_SECRET, manyAliases } from '../support/hostile-spec-text.js';

const SECRET = FAKE_SECRET;

function problemText(input: string): string {
  const validation = validateTraceSpec(input);
  expect(validation.ok).toBe(false);
  return formatProblems(validation.problems);
}

describe('spec text from an untrusted source', () => {
  it('refuses a billion-laughs document as an invalid spec naming the alias limit', () => {
    expect(problemText(billionLaughs())).toMatch(/expands YAML aliases .* beyond the limit of 100/);
  });

  it('refuses more than 100 uses of one alias as an invalid spec', () => {
    expect(problemText(manyAliases('many'))).toContain('beyond the limit of 100');
  });

  it('still reads a spec that repeats a tag set with a few aliases', () => {
    const text = `name: shop
expected_spans:
  - operation_name: GET /a
    required_tags: &shop { service.version: "1" }
  - operation_name: GET /b
    required_tags: *shop
`;
    const validation = validateTraceSpec(text);
    expect(validation.problems).toEqual([]);
    expect(validation.spec?.expected_spans[1]?.required_tags).toEqual({ 'service.version': '1' });
  });

  it('refuses an alias whose anchor is missing without repeating the alias name', () => {
    const text = problemText(`name: x\nexpected_spans: *${SECRET}\n`);
    expect(text).toContain('whose anchor (&name) is not defined before it');
    expect(text).not.toContain(SECRET);
  });

  it('refuses a text over 1 MiB, naming the limit', () => {
    const text = `name: big\nexpected_spans: []\ndescription: "${'x'.repeat(MAX_SPEC_BYTES)}"\n`;
    expect(problemText(text)).toMatch(/at most 1 MiB \(1048576 bytes\)/);
  });

  it('counts the limit in UTF-8 bytes, as the file would hold them', () => {
    // 400,000 three-byte characters: 1.2 MB in a file, though fewer characters than the limit.
    const text = `name: wide\nexpected_spans: []\ndescription: "${'€'.repeat(400_000)}"\n`;
    expect(problemText(text)).toContain('at most 1 MiB');
  });

  it('does not repeat a .env file, which is text but no mapping', () => {
    const text = problemText(`AWS_ACCESS_KEY_ID=AKIAEXAMPLE\nAWS_SECRET_ACCESS_KEY=${SECRET}\n`);
    expect(text).toMatch(
      /expected an object with name and expected_spans \(got a string of \d+ characters\)/,
    );
    expect(text).not.toContain('AWS_');
    expect(text).not.toContain(SECRET.slice(0, 8));
  });

  it('does not repeat an escape or a block header from a syntax error', () => {
    for (const text of [`name: "\\${SECRET}"\nexpected_spans: []`, `key: |${SECRET}\n  x\n`]) {
      const shown = problemText(text);
      expect(shown).toMatch(/^spec: /);
      expect(shown).not.toContain(SECRET.slice(0, 8));
    }
  });

  it('cuts a long unknown key to a short excerpt in the problem path', () => {
    const key = `SECRET_${'k'.repeat(200)}`;
    const text = problemText(`name: x\nexpected_spans: []\n${key}: 1\n`);
    expect(text).toContain('SECRET_kkk');
    expect(text).not.toContain('k'.repeat(80));
  });

  it('cuts a long invalid regular expression to a short excerpt', () => {
    const regex = `(${'r'.repeat(200)}`;
    const text = problemText(
      JSON.stringify({
        name: 'x',
        expected_spans: [{ operation_name: 'a', required_tags: { t: { regex } } }],
      }),
    );
    expect(text).toMatch(/invalid regular expression \(RE2 syntax\): missing closing \) at `\(r+…`/);
    expect(text).not.toContain('r'.repeat(80));
  });
});
