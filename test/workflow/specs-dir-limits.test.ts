/**
 * A cloned repo decides what its specs dir holds, so one scan reads a bounded amount (500 files,
 * 4 MiB in all), names what it skipped and why, and lets other work run between the files it parses.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { parseTraceSpec } from '../../src/tracespec/index.js';
import { SpecRepository } from '../../src/store/specs/spec-repository.js';
import { createSpecLibrary } from '../../src/workflow/spec-library.js';
import { openTestStore } from '../store/store-fixture.js';

function library() {
  const { store } = openTestStore();
  const root = mkdtempSync(join(tmpdir(), 'otel-mcp-limits-'));
  onTestFinished(() => rmSync(root, { recursive: true, force: true }));
  const specsDir = join(root, 'trace-specs');
  mkdirSync(specsDir);
  const logged: string[] = [];
  const specs = createSpecLibrary(new SpecRepository(store.connection()), specsDir, (line) =>
    logged.push(line),
  );
  return { specs, specsDir, logged };
}

const specYaml = (name: string, description = '') =>
  `name: ${name}\n${description ? `description: "${description}"\n` : ''}expected_spans:\n  - operation_name: GET /${name}\n`;

/** A valid spec of about a million bytes that parses in ~0.1 s (one long string, not a million spans). */
const bigSpecYaml = (name: string) => specYaml(name, 'x'.repeat(1_000_000));

describe('a specs dir that holds more than one scan reads', () => {
  it('reads the first 500 spec files in name order and names the rest as skipped, saying why', async () => {
    const { specs, specsDir } = library();
    const names = Array.from({ length: 503 }, (_, i) => `s${String(i).padStart(3, '0')}`);
    for (const name of names) writeFileSync(join(specsDir, `${name}.yaml`), specYaml(name));
    const report = await specs.sync();
    expect(report.imported).toHaveLength(500);
    expect(report.skipped).toHaveLength(1);
    expect(report.skipped[0]?.files).toEqual(
      ['s500', 's501', 's502'].map((n) => join(specsDir, `${n}.yaml`)),
    );
    expect(report.skipped[0]?.reason).toMatch(/holds 503 spec files and at most 500 are read/);
    expect(specs.list().map((info) => info.name)).not.toContain('s500');
  });

  it('skips the files that do not fit in 4 MiB of spec text, names them, and still reads a small one after them', async () => {
    const { specs, specsDir } = library();
    for (const name of ['a', 'b', 'c', 'd', 'e'])
      writeFileSync(join(specsDir, `${name}.yaml`), bigSpecYaml(name));
    writeFileSync(join(specsDir, 'small.yaml'), specYaml('small'));
    const report = await specs.sync();
    expect(report.imported.map((item) => item.name)).toEqual(['a', 'b', 'c', 'd', 'small']);
    expect(report.skipped).toEqual([
      {
        files: [join(specsDir, 'e.yaml')],
        reason: expect.stringMatching(
          /^the spec files read together may hold at most 4 MiB \(4194304 bytes\)/,
        ),
      },
    ]);
    // The skip is the dir's state, so the next scan reports it again.
    expect((await specs.sync()).skipped).toHaveLength(1);
  });

  it('logs a skip once, not on every scan, and again when what is skipped changes', async () => {
    const { specs, specsDir, logged } = library();
    for (const name of ['a', 'b', 'c', 'd', 'e'])
      writeFileSync(join(specsDir, `${name}.yaml`), bigSpecYaml(name));
    await specs.sync();
    await specs.sync();
    expect(logged).toEqual([
      expect.stringMatching(/^specs dir: the spec files read together .*\(.*e\.yaml\)$/),
    ]);
    // Another file skipped for the same reason is a change too.
    rmSync(join(specsDir, 'e.yaml'));
    writeFileSync(join(specsDir, 'f.yaml'), bigSpecYaml('f'));
    await specs.sync();
    expect(logged).toHaveLength(2);
    expect(logged[1]).toContain('f.yaml');
  });
});

describe('a scan of the specs dir', () => {
  it('lets other work run between the files it parses, so one scan never holds the process for the whole dir', async () => {
    const { specs, specsDir } = library();
    for (const name of ['a', 'b', 'c', 'd']) writeFileSync(join(specsDir, `${name}.yaml`), specYaml(name));
    // Other work, as an export or another call would be: what it sees of the store while the scan runs.
    const seen = new Set<number>();
    let scanning = true;
    const look = () => {
      if (!scanning) return;
      seen.add(specs.list().length);
      setImmediate(look);
    };
    setImmediate(look);
    await specs.sync();
    scanning = false;
    expect(specs.list()).toHaveLength(4);
    // Had the scan held the process, other work would have seen no spec or all four, nothing between.
    expect([...seen].filter((count) => count > 0 && count < 4).length).toBeGreaterThan(0);
  });

  it('runs a save and a scan one after the other, so a save never lands inside a scan', async () => {
    const { specs, specsDir } = library();
    for (const name of ['a', 'b', 'c']) writeFileSync(join(specsDir, `${name}.yaml`), specYaml(name));
    const [report, saved] = await Promise.all([
      specs.sync(),
      specs.save(parseTraceSpec(specYaml('b', 'saved by a tool')), 'tool'),
    ]);
    // The scan imported b from its file first; the save then stored the tool's version on top.
    expect(report.imported.map((item) => item.name)).toEqual(['a', 'b', 'c']);
    expect(saved.version.version).toBe(2);
    expect(specs.get('b').spec.description).toBe('saved by a tool');
    expect((await specs.sync()).imported).toEqual([]);
  });
});
