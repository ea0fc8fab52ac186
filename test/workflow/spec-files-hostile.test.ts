/**
 * The specs dir comes with a cloned repo, so its files may be anything: a FIFO, a link to /dev/zero
 * or to a secret, a huge file, a billion laughs. Each is skipped and reported; real specs still load.
 */
import { execFileSync } from 'node:child_process';
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { parseTraceSpec } from '../../src/tracespec/index.js';
import { SpecRepository } from '../../src/store/specs/spec-repository.js';
import { createSpecLibrary } from '../../src/workflow/spec-library.js';
import { openTestStore } from '../store/store-fixture.js';
import { billionLaughs, FAKE_SECRET } from '../support/hostile-spec-text.js';

function library() {
  const { store } = openTestStore();
  const root = mkdtempSync(join(tmpdir(), 'otel-mcp-hostile-'));
  onTestFinished(() => rmSync(root, { recursive: true, force: true }));
  const specsDir = join(root, 'trace-specs');
  mkdirSync(specsDir);
  return { specs: createSpecLibrary(new SpecRepository(store.connection()), specsDir), specsDir, root };
}

const specYaml = (name: string) => `name: ${name}\nexpected_spans:\n  - operation_name: GET /${name}\n`;

function problemsOf(
  report: Awaited<ReturnType<ReturnType<typeof library>['specs']['sync']>>,
  file: string,
): string[] {
  return report.invalid
    .filter((item) => item.file === file)
    .flatMap((item) => item.problems.map((p) => p.message));
}

describe('spec files from an untrusted specs dir', () => {
  it('skips a FIFO named like a spec without blocking, reporting it once as not a regular file', async () => {
    const { specs, specsDir } = library();
    const fifo = join(specsDir, 'pipe.yaml');
    execFileSync('mkfifo', [fifo]);
    const report = await specs.sync();
    expect(problemsOf(report, fifo)).toEqual([expect.stringMatching(/^not a regular file \(a FIFO\)/)]);
    expect(report.invalid).toHaveLength(1);
    expect((await specs.sync()).invalid).toHaveLength(1);
  });

  it('skips a socket named like a spec as not a regular file', async () => {
    const { specs, specsDir } = library();
    const socket = join(specsDir, 'socket.yaml');
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
    expect(problemsOf(await specs.sync(), socket)).toEqual([
      expect.stringMatching(/^not a regular file \(a socket\)/),
    ]);
  });

  it('skips a symlink to /dev/zero as leaving the specs dir, without reading from it', async () => {
    const { specs, specsDir } = library();
    const link = join(specsDir, 'zero.yaml');
    symlinkSync('/dev/zero', link);
    expect(problemsOf(await specs.sync(), link)).toEqual([
      expect.stringMatching(/^symlink leaves the specs dir/),
    ]);
  });

  it('skips a symlink to a secret outside the specs dir, and no problem repeats the secret', async () => {
    const { specs, specsDir, root } = library();
    writeFileSync(join(root, '.env'), `AWS_SECRET_ACCESS_KEY=${FAKE_SECRET}\n`);
    const link = join(specsDir, 'env.yaml');
    symlinkSync('../.env', link);
    const report = await specs.sync();
    expect(problemsOf(report, link)).toEqual([expect.stringMatching(/^symlink leaves the specs dir/)]);
    expect(JSON.stringify(report)).not.toContain(FAKE_SECRET.slice(0, 8));
  });

  it('skips a file over 1 MiB before reading it, naming its size and the limit', async () => {
    const { specs, specsDir } = library();
    const big = join(specsDir, 'big.yaml');
    writeFileSync(big, specYaml('big'));
    truncateSync(big, 50 * 1024 * 1024);
    expect(problemsOf(await specs.sync(), big)).toEqual([
      expect.stringMatching(/^is 52428800 bytes; a spec file may hold at most 1 MiB \(1048576 bytes\)/),
    ]);
  });

  it('reports a billion-laughs file as an invalid spec naming the alias limit', async () => {
    const { specs, specsDir } = library();
    const laughs = join(specsDir, 'laughs.yaml');
    writeFileSync(laughs, billionLaughs());
    expect(problemsOf(await specs.sync(), laughs)).toEqual([
      expect.stringContaining('beyond the limit of 100'),
    ]);
  });

  it('still imports a normal spec file and a symlink to a spec inside the specs dir', async () => {
    const { specs, specsDir } = library();
    writeFileSync(join(specsDir, 'plain.yaml'), specYaml('plain'));
    mkdirSync(join(specsDir, 'library'));
    writeFileSync(join(specsDir, 'library', 'linked.yaml'), specYaml('linked'));
    symlinkSync('library/linked.yaml', join(specsDir, 'linked.yaml'));
    const report = await specs.sync();
    expect(report.invalid).toEqual([]);
    expect(report.imported.map((item) => item.name)).toEqual(['linked', 'plain']);
    expect(specs.get('linked').spec.expected_spans[0]?.operation_name).toBe('GET /linked');
  });

  it('leaves a skipped file in place when a spec of its name is saved, saying why', async () => {
    const { specs, specsDir, root } = library();
    writeFileSync(join(root, 'outside.yaml'), specYaml('outside'));
    const link = join(specsDir, 'outside.yaml');
    symlinkSync('../outside.yaml', link);
    const saved = await specs.save(parseTraceSpec(specYaml('outside')), 'tool');
    expect(saved.fileSkipped).toMatch(/outside\.yaml was left as it is: symlink leaves the specs dir/);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(root, 'outside.yaml'), 'utf8')).toBe(specYaml('outside'));
  });
});
