/**
 * A valid spec near the 1 MiB limit, through a real MCP client: stored, diffed and listed
 * like a small one. Its parts that grew worse than linearly (yaml's path-copying visit, the diff's
 * children order, the entry paths, the near-miss search) are timed in bench/spec-parse.ts.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_SPEC_BYTES } from '../../src/tracespec/index.js';
import { startHarness, type Harness } from '../support/mcp-harness.js';
import { deepFan, deepTrees, largestText } from '../support/large-spec-text.js';

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness();
});

afterAll(async () => {
  await harness.close();
});

describe('a spec near the 1 MiB limit', () => {
  it('stores trees of children 31 deep, the same text again as no new version, and a renamed root as one removal and one addition', async () => {
    const text = largestText(deepTrees(31), MAX_SPEC_BYTES);
    const first = await harness.call('define_trace_spec', { name: 'big', specification: text });
    expect(first.isError, first.text).toBe(false);
    const roots = text.match(/^ {2}- operation_name/gm)?.length ?? 0;
    const entries = text.match(/operation_name/g)?.length ?? 0;
    expect(first.text).toContain(`Stored big version 1 with ${entries} expected entries.`);
    expect(first.structured.entries.slice(0, 2)).toEqual(['op.1', 'op.1 > op.2']);
    expect(roots).toBeGreaterThan(50);

    const again = await harness.call('define_trace_spec', { name: 'big', specification: text });
    expect(again.structured).toMatchObject({ version: 1, created: false });

    const renamed = text.replace('operation_name: op.1\n', 'operation_name: renamed\n');
    const second = await harness.call('define_trace_spec', { name: 'big', specification: renamed });
    expect(second.structured).toMatchObject({
      version: 2,
      previous_version: 1,
      changes: ['- op.1', '+ renamed (svc-1)'],
    });
  });

  it('diffs one entry with thousands of children by the child that moved when one moves to the end, in a short line', async () => {
    // Without its name, which the tool fills in from the name argument.
    const text = largestText(deepFan(1), MAX_SPEC_BYTES).replace('name: big\n', '');
    await harness.call('define_trace_spec', { name: 'wide', specification: text });
    const first = '      - operation_name: op.0\n        required_tags: { http.route: /items/0 }\n';
    expect(text).toContain(first);
    const moved = `${text.replace(first, '')}${first}`;
    const leaves = text.match(/operation_name: op\./g)?.length ?? 0;
    expect(leaves).toBeGreaterThan(10_000);
    const update = await harness.call('define_trace_spec', { name: 'wide', specification: moved });
    expect(update.isError, update.text).toBe(false);
    expect(update.structured.changes).toEqual([
      `~ level.0: children order: 1 of ${leaves} children moved (position before → after): op.0 (1 → ${leaves})`,
    ]);
    expect(update.text).toContain(`  ~ level.0: children order: 1 of ${leaves} children moved`);
    expect(update.text.length).toBeLessThan(4000);

    // get_trace_spec's diff names the moved children with their positions, not all the children.
    const diff = await harness.call('get_trace_spec', { name: 'wide', diff_from: 1 });
    expect(diff.structured.changes).toEqual([
      expect.objectContaining({
        path: 'level.0',
        field: 'children order',
        before: [{ child: 'op.0', position: 1 }],
        after: [{ child: 'op.0', position: leaves }],
      }),
    ]);
    expect(diff.text.length).toBeLessThan(4000);
  });

  it('mirrors a 1 MiB spec whose one-key-a-line YAML would pass the limit in a file the specs dir reads back, and later versions too', async () => {
    for (const [name, make] of [
      ['trees', deepTrees(31)],
      ['fan', deepFan(1)],
    ] as const) {
      const text = largestText(make, MAX_SPEC_BYTES).replace('name: big\n', '');
      const first = await harness.call('define_trace_spec', { name, specification: text });
      expect(first.isError, first.text).toBe(false);
      expect(first.structured.file_skipped).toBeUndefined();
      const file = join(harness.dataDir, 'trace-specs', `${name}.yaml`);
      expect(statSync(file).size).toBeLessThanOrEqual(MAX_SPEC_BYTES);
      expect(readFileSync(file, 'utf8')).toMatch(
        /^# .* written on one line.*: one key a line would take \d+ bytes/,
      );

      // The reader takes the server's own file as it is: no refusal, no new version from it.
      const listed = await harness.call('list_trace_specs');
      expect(listed.structured.spec_files?.invalid ?? []).toEqual([]);
      expect(listed.structured.specs).toContainEqual(expect.objectContaining({ name, latest_version: 1 }));

      const renamed = text.replace('operation_name: op.1\n', 'operation_name: renamed\n');
      const second = await harness.call('define_trace_spec', { name, specification: renamed });
      expect(second.structured).toMatchObject({ version: 2, file });
      expect(second.structured.file_skipped).toBeUndefined();
      expect(readFileSync(file, 'utf8')).toContain('operation_name: renamed,');
    }
  });

  it('refuses, without storing it, a spec that no YAML layout fits in 1 MiB, naming its size and the limit', async () => {
    // Aliases repeat a 400 KB description: 3 copies written out (1.2 MB) from a 400 KB text.
    const long = 'x'.repeat(400_000);
    const text = `description: &long ${long}\nexpected_spans:\n  - { operation_name: a, description: *long }\n  - { operation_name: b, description: *long }\n`;
    const result = await harness.call('define_trace_spec', { name: 'aliased', specification: text });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(
      /failed \(INVALID_ARGUMENT\): spec 'aliased' would take 12\d{5} bytes in its file .*aliased\.yaml, even with each top-level entry on one line; a spec may hold at most 1 MiB \(1048576 bytes\), so this version was not stored/,
    );
    const read = await harness.call('get_trace_spec', { name: 'aliased' });
    expect(read.text).toMatch(/NOT_FOUND/);
  });
});
