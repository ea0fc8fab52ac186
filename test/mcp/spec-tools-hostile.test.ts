/**
 * What a user sees of a hostile specs dir and of hostile inline specs through a real MCP client: each
 * refused file is named with its reason, no tool fails as INTERNAL, and no output shows a secret.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness, type ToolCall } from '../support/mcp-harness.js';
import { billionLaughs, FAKE_SECRET, manyAliases } from '../support/hostile-spec-text.js';

let harness: Harness;
let dir: string;

const specYaml = (name: string) => `name: ${name}\nexpected_spans:\n  - operation_name: GET /${name}\n`;

beforeAll(async () => {
  harness = await startHarness();
  dir = join(harness.dataDir, 'trace-specs');
  mkdirSync(join(dir, 'library'), { recursive: true });
  writeFileSync(join(harness.dataDir, '.env'), `AWS_SECRET_ACCESS_KEY=${FAKE_SECRET}\n`);
  symlinkSync('../.env', join(dir, 'env.yaml'));
  execFileSync('mkfifo', [join(dir, 'pipe.yaml')]);
  symlinkSync('/dev/zero', join(dir, 'zero.yaml'));
  writeFileSync(join(dir, 'laughs.yaml'), billionLaughs());
  writeFileSync(join(dir, 'big.yaml'), specYaml('big'));
  truncateSync(join(dir, 'big.yaml'), 50 * 1024 * 1024);
  writeFileSync(join(dir, 'plain.yaml'), specYaml('plain'));
  writeFileSync(join(dir, 'library', 'linked.yaml'), specYaml('linked'));
  symlinkSync('library/linked.yaml', join(dir, 'linked.yaml'));
});

afterAll(async () => {
  await harness?.close();
});

function expectNoSecret(call: ToolCall): void {
  const shown = `${call.text}\n${JSON.stringify(call.structured)}`;
  expect(shown).not.toContain(FAKE_SECRET.slice(0, 8));
  expect(shown).not.toContain('AWS_SECRET');
}

describe('spec tools over a hostile specs dir', () => {
  it('lists the real specs and names every refused file with its reason, showing no secret', async () => {
    const list = await harness.call('list_trace_specs');
    expect(list.isError, list.text).toBe(false);
    expectNoSecret(list);
    expect(list.structured.specs.map((spec: { name: string }) => spec.name)).toEqual(['linked', 'plain']);
    const reasons = Object.fromEntries(
      list.structured.spec_files.invalid.map((item: { name: string; problems: { message: string }[] }) => [
        item.name,
        item.problems.map((problem) => problem.message).join(' | '),
      ]),
    );
    expect(reasons).toEqual({
      big: expect.stringMatching(/^is 52428800 bytes; a spec file may hold at most 1 MiB/),
      env: expect.stringMatching(/^symlink leaves the specs dir/),
      laughs: expect.stringContaining('beyond the limit of 100'),
      pipe: expect.stringMatching(/^not a regular file \(a FIFO\)/),
      zero: expect.stringMatching(/^symlink leaves the specs dir/),
    });
    expect(list.text).toMatch(/env\.yaml is not a valid spec[\s\S]*symlink leaves the specs dir/);
  });

  it('answers every other spec tool normally, with no INTERNAL failure and no secret', async () => {
    const calls = [
      await harness.call('get_trace_spec', { name: 'plain' }),
      await harness.call('define_trace_spec', { name: 'fresh', specification: specYaml('fresh') }),
      await harness.call('update_trace_spec', { name: 'fresh', updates: { description: 'changed' } }),
      await harness.call('get_trace_spec', { name: 'env' }),
    ];
    for (const call of calls) {
      expect(call.text).not.toContain('INTERNAL');
      expectNoSecret(call);
    }
    expect(calls.slice(0, 3).map((call) => call.isError)).toEqual([false, false, false]);
  });
});

describe('hostile specs given inline', () => {
  it('refuses more than 100 aliases in define_trace_spec as an invalid spec, not INTERNAL', async () => {
    const result = await harness.call('define_trace_spec', {
      name: 'aliased',
      specification: manyAliases('aliased'),
    });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/failed \(INVALID_ARGUMENT\)/);
    expect(result.text).toContain('beyond the limit of 100');
  });

  it('refuses a billion-laughs update as an invalid argument, not INTERNAL', async () => {
    const result = await harness.call('update_trace_spec', { name: 'plain', updates: billionLaughs() });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/failed \(INVALID_ARGUMENT\)[\s\S]*beyond the limit of 100/);
  });

  it('refuses lists nested thousands of levels deep by indentation, in define and update, naming the limit and where', async () => {
    for (const levels of [1000, 3000, 10_000]) {
      const specification = `${'- '.repeat(levels)}x\n`;
      for (const [tool, args] of [
        ['define_trace_spec', { name: 'indented', specification }],
        ['update_trace_spec', { name: 'plain', updates: specification }],
      ] as const) {
        const result = await harness.call(tool, args);
        expect(result.isError, `${tool} ${levels}`).toBe(true);
        expect(result.text).toMatch(
          /failed \(INVALID_ARGUMENT\)[\s\S]*more than 128 levels deep by indentation \(- item, \? key, key:\) at line 1, column 257/,
        );
      }
    }
  });

  it('refuses a specification over 1 MiB, as text or as an object, naming the limit', async () => {
    const description = 'x'.repeat(1024 * 1024);
    for (const specification of [
      `${specYaml('huge')}description: ${description}\n`,
      { expected_spans: [], description },
    ]) {
      const result = await harness.call('define_trace_spec', { name: 'huge', specification });
      expect(result.isError).toBe(true);
      expect(result.text).toMatch(/failed \(INVALID_ARGUMENT\)[\s\S]*at most 1 MiB \(1048576 bytes\)/);
    }
  });
});

describe('a specs dir that holds more than one scan reads', () => {
  it('lists the specs it read and names the files it skipped, with the reason and how many', async () => {
    const crowded = await startHarness();
    try {
      const specsDir = join(crowded.dataDir, 'trace-specs');
      mkdirSync(specsDir, { recursive: true });
      for (let i = 0; i < 512; i++) {
        const name = `s${String(i).padStart(3, '0')}`;
        writeFileSync(join(specsDir, `${name}.yaml`), specYaml(name));
      }
      const list = await crowded.call('list_trace_specs');
      expect(list.isError, list.text).toBe(false);
      expect(list.structured.spec_files.skipped).toEqual([
        {
          file_count: 12,
          files: Array.from({ length: 10 }, (_, i) => join(specsDir, `s${500 + i}.yaml`)),
          reason: expect.stringContaining('at most 500 are read'),
        },
      ]);
      expect(list.text).toContain('Skipped 12 spec file(s): the specs dir holds 512 spec files');
      expect(list.text).toContain('s509.yaml, … 2 more');
    } finally {
      await crowded.close();
    }
  });
});
