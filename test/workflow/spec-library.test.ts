import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { parseTraceSpec } from '../../src/tracespec/index.js';
import { SpecRepository } from '../../src/store/specs/spec-repository.js';
import { createSpecLibrary } from '../../src/workflow/spec-library.js';
import { openTestStore } from '../store/store-fixture.js';

function library() {
  const { store, open } = openTestStore();
  const specsDir = mkdtempSync(join(tmpdir(), 'otel-mcp-specs-'));
  onTestFinished(() => rmSync(specsDir, { recursive: true, force: true }));
  return {
    specs: createSpecLibrary(new SpecRepository(store.connection()), specsDir),
    specsDir,
    store,
    open,
  };
}

const checkoutYaml = (max: number) => `name: checkout
description: hand written
expected_spans:
  - operation_name: POST /checkout
    service_name: shop
    expected_duration_ms: { max: ${max} }
`;

describe('spec library: versions in the store, YAML files in the specs dir', () => {
  it('writes each saved version to <name>.yaml, atomically, leaving no temp file', async () => {
    const { specs, specsDir } = library();
    const saved = await specs.save(parseTraceSpec(checkoutYaml(100)), 'tool');
    expect(saved).toMatchObject({ created: true, file: join(specsDir, 'checkout.yaml') });
    expect(parseTraceSpec(readFileSync(join(specsDir, 'checkout.yaml'), 'utf8'))).toEqual(
      parseTraceSpec(checkoutYaml(100)),
    );
    await specs.save(parseTraceSpec(checkoutYaml(200)), 'update');
    expect(readFileSync(join(specsDir, 'checkout.yaml'), 'utf8')).toContain('max: 200');
    expect(readdirSync(specsDir)).toEqual(['checkout.yaml']);
    expect(specs.history('checkout').map((version) => version.version)).toEqual([1, 2]);
  });

  it('picks up a hand-edited file as a new version, once', async () => {
    const { specs, specsDir } = library();
    await specs.save(parseTraceSpec(checkoutYaml(100)), 'tool');
    writeFileSync(join(specsDir, 'checkout.yaml'), `# tightened by hand\n${checkoutYaml(50)}`);
    const report = await specs.sync();
    expect(report).toEqual({
      imported: [{ name: 'checkout', version: 2, file: join(specsDir, 'checkout.yaml') }],
      invalid: [],
      skipped: [],
    });
    expect(specs.get('checkout')).toMatchObject({ version: 2, source: 'file' });
    expect(specs.get('checkout').spec.expected_spans[0]?.expected_duration_ms).toEqual({ max: 50 });
    expect(await specs.sync()).toEqual({ imported: [], invalid: [], skipped: [] });
    expect(readFileSync(join(specsDir, 'checkout.yaml'), 'utf8')).toContain('# tightened by hand');
  });

  it('imports a spec file a person adds, and ignores one whose content did not change', async () => {
    const { specs, specsDir } = library();
    writeFileSync(join(specsDir, 'checkout.yaml'), checkoutYaml(100));
    expect((await specs.sync()).imported).toHaveLength(1);
    writeFileSync(join(specsDir, 'checkout.yaml'), `# only a comment added\n${checkoutYaml(100)}`);
    expect((await specs.sync()).imported).toHaveLength(0);
    expect(specs.history('checkout')).toHaveLength(1);
  });

  it('reports an invalid hand edit with every problem, without importing it or overwriting it', async () => {
    const { specs, specsDir } = library();
    await specs.save(parseTraceSpec(checkoutYaml(100)), 'tool');
    const broken =
      'name: checkout\nexpected_spans:\n  - operation_name: POST /checkout\n    count: many\n    required_tag: {}\n';
    writeFileSync(join(specsDir, 'checkout.yaml'), broken);
    const report = await specs.sync();
    expect(report.imported).toEqual([]);
    expect(report.invalid).toHaveLength(1);
    expect(report.invalid[0]?.problems.map((problem) => problem.path)).toEqual(
      expect.arrayContaining(['expected_spans[0].count', 'expected_spans[0].required_tag']),
    );
    expect(specs.history('checkout')).toHaveLength(1);
    // Reported again while it stays invalid; a new version from a tool leaves the person's file alone.
    expect((await specs.sync()).invalid).toHaveLength(1);
    const saved = await specs.save(parseTraceSpec(checkoutYaml(300)), 'update');
    expect(saved.version.version).toBe(2);
    expect(saved.fileSkipped).toMatch(/not valid/);
    expect(readFileSync(join(specsDir, 'checkout.yaml'), 'utf8')).toBe(broken);
  });

  it('refuses a file whose name is not a spec name or differs from the name inside', async () => {
    const { specs, specsDir } = library();
    writeFileSync(join(specsDir, 'Checkout.yaml'), checkoutYaml(100));
    writeFileSync(join(specsDir, 'other.yaml'), checkoutYaml(100));
    mkdirSync(join(specsDir, 'nested'));
    const report = await specs.sync();
    expect(report.imported).toEqual([]);
    expect(report.invalid.map((item) => [item.name, item.problems[0]?.path])).toEqual([
      ['Checkout', 'file'],
      ['other', 'name'],
    ]);
    expect(specs.list()).toEqual([]);
  });

  it('names the nearest spec and the versions that exist when asked for one that does not', async () => {
    const { specs } = library();
    await specs.save(parseTraceSpec(checkoutYaml(100)), 'tool');
    expect(() => specs.get('chekout')).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND', message: expect.stringMatching(/did you mean checkout/) }),
    );
    expect(() => specs.get('checkout', 4)).toThrow(
      expect.objectContaining({ hint: expect.stringMatching(/versions 1 to 1/) }),
    );
  });

  it('finds its versions again after a restart, with the file unchanged', async () => {
    const { specs, specsDir, store, open } = library();
    await specs.save(parseTraceSpec(checkoutYaml(100)), 'tool');
    store.close();
    const again = createSpecLibrary(new SpecRepository(open().connection()), specsDir);
    expect(await again.sync()).toEqual({ imported: [], invalid: [], skipped: [] });
    expect(again.get('checkout').version).toBe(1);
  });
});
