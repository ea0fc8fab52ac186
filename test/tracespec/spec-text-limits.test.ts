/**
 * Spec text may come from a file nobody checked (a cloned repo's specs dir): its size and alias
 * expansion are bounded, and a problem never repeats content beyond a short excerpt.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  formatProblems,
  MAX_SPEC_BYTES,
  readSpecText,
  validateTraceSpec,
} from '../../src/tracespec/index.js';
import {
  billionLaughs,
  deepFlowList,
  FAKE_SECRET,
  manyAliases,
  wideMapping,
} from '../support/hostile-spec-text.js';

const SECRET = FAKE_SECRET;

const CHILD = fileURLToPath(new URL('./read-spec-text-child.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** readSpecText's answer to `text` in a fresh Node process, with its exit code and stderr. */
function readInFreshProcess(text: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', CHILD],
      { cwd: REPO_ROOT, maxBuffer: 1024 * 1024 },
      (error, stdout, stderr) => resolve({ code: child.exitCode ?? (error ? 1 : 0), stdout, stderr }),
    );
    child.stdin?.end(text);
  });
}

/** Lists nested by indentation only: `- ` written `levels` times on one line, or a key a line. */
const dashes = (levels: number): string => `${'- '.repeat(levels)}x\n`;
const indentedKeys = (levels: number): string =>
  Array.from({ length: levels }, (_, level) => `${' '.repeat(level)}k${level}:`).join('\n') + ' x\n';

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

  // yaml's own duplicate-key check compares each key with all before it: 75,000 keys took 177 s.
  it('finds a key written twice at the end of a mapping of 75,000 keys, by its line', () => {
    const text = `${wideMapping(75_000)}\nk5: again\n`;
    expect(text.length).toBeLessThan(MAX_SPEC_BYTES);
    expect(readSpecText(text)).toEqual({
      ok: false,
      message:
        'the specification is not valid YAML or JSON at line 75001, column 1: a key appears twice in the same mapping',
    });
    expect(readSpecText(wideMapping(75_000)).ok).toBe(true);
  });

  it('names the first key written twice in the text, in a nested mapping before an outer one', () => {
    const text = 'outer:\n  a: 1\n  b: { c: 1, c: 2 }\n  a: 3\nouter: 4\n';
    expect(readSpecText(text)).toMatchObject({
      message: expect.stringContaining('at line 3, column 14: a key appears twice'),
    });
  });

  it('finds a key written twice inside a mapping used as a key, or inside a pair of a flow list', () => {
    expect(readSpecText('? { a: 1, a: 2 }\n: x\n')).toMatchObject({
      message: expect.stringContaining('at line 1, column 11: a key appears twice'),
    });
    expect(readSpecText('x: [ k: { c: 1, c: 2 } ]\n')).toMatchObject({
      message: expect.stringContaining('at line 1, column 17: a key appears twice'),
    });
  });

  it('tells keys apart by value and type, as yaml does: 1 and "1" are two keys, two 1s are one', () => {
    expect(readSpecText('1: a\n"1": b\n')).toEqual({ ok: true, value: { 1: 'b' } });
    expect(readSpecText('{1: a, 0x1: b}').ok).toBe(false);
    expect(readSpecText('.nan: a\n.nan: b\n').ok).toBe(true);
  });

  it('refuses [ ] nested past 256 levels before parsing, naming where; 256 levels still read', () => {
    expect(readSpecText(`name: deep\nx: ${deepFlowList(300)}\n`)).toEqual({
      ok: false,
      message:
        "the specification nests [ ] or { } more than 256 levels deep at line 2, column 260; a spec's spans nest at most 32 levels",
    });
    expect(readSpecText(`x: ${deepFlowList(256)}`).ok).toBe(true);
    // 1 MiB of [ is refused the same way, where the parser took seconds to give up.
    expect(readSpecText('['.repeat(MAX_SPEC_BYTES))).toMatchObject({
      message: expect.stringContaining('more than 256 levels deep at line 1, column 257'),
    });
  });

  it('refuses lists and mappings nested by indentation past 128 levels before parsing, naming where; 128 levels still read', () => {
    const limit = 'more than 128 levels deep by indentation (- item, ? key, key:)';
    expect(readSpecText(dashes(3000))).toEqual({
      ok: false,
      message: `the specification nests lists and mappings ${limit} at line 1, column 257; a spec's spans nest at most 32 levels`,
    });
    expect(readSpecText(dashes(128)).ok).toBe(true);
    expect(readSpecText(indentedKeys(1000))).toMatchObject({
      message: expect.stringContaining(`${limit} at line 129, column 129`),
    });
    expect(readSpecText(indentedKeys(128)).ok).toBe(true);
    // Explicit keys (`? `) nest the same way; dashes in a block scalar, a string or a comment do not.
    expect(readSpecText(`${'? '.repeat(200)}x\n`)).toMatchObject({
      message: expect.stringContaining(limit),
    });
    const many = '- '.repeat(500);
    const notNesting = `a: |\n  ${many}\nb: "${many}"\nc: '${many}' # ${many}\n`;
    expect(readSpecText(notNesting).ok).toBe(true);
  });

  it('refuses deep indentation nesting in a fresh process without crashing it, as a message naming the limit', async () => {
    const runs = await Promise.all(
      [dashes(3000), dashes(10_000), indentedKeys(1000)].map(readInFreshProcess),
    );
    for (const run of runs) {
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual({
        ok: false,
        message: expect.stringMatching(
          /^the specification nests lists and mappings more than 128 levels deep by indentation .* at line \d+, column \d+;/,
        ),
      });
    }
  });

  it('does not count brackets inside quoted strings or comments as nesting', () => {
    const many = '['.repeat(1000);
    const text = `a: "${many}\\"${many}"\nb: '${many}''${many}'\n# ${many}\nc: x#${'{'.repeat(10)}\n`;
    expect(readSpecText(text)).toMatchObject({ ok: true });
    // An apostrophe inside a plain value opens no quote; '' inside a quoted one closes none.
    const quoted = `a: don't\nb: '${many}'\nc: 'it''s ${many}'\n`;
    expect(readSpecText(quoted)).toMatchObject({ ok: true });
    // Brackets in plain values and block scalars are text, even unclosed and many.
    const plain = `a: x${many}\nb: |\n  ${'{'.repeat(300)}\n${Array.from({ length: 300 }, (_, i) => `r${i}: ^\\[v1`).join('\n')}\n`;
    expect(readSpecText(plain)).toMatchObject({ ok: true });
  });

  it('still refuses deep nesting that follows a stray quote in a plain value or a block scalar', () => {
    for (const before of ["a: rock 'n roll", 'a: 5 "inch', "d: |\n  'tis", "a: x\t'y"]) {
      const text = `${before}\nb: ${deepFlowList(300)}\n`;
      expect(readSpecText(text), before).toMatchObject({
        message: expect.stringContaining('more than 256 levels deep'),
      });
    }
  });
});
