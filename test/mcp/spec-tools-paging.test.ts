import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/mcp-harness.js';

/** A spec of one root entry with `count` children: long enough to be cut at a small budget. */
function wideSpec(count: number, prefix = 'step'): Record<string, unknown> {
  return {
    description: 'A request fanning out to many steps',
    expected_spans: [
      {
        operation_name: 'POST /batch',
        children: Array.from({ length: count }, (_, index) => ({
          operation_name: `${prefix}.${String(index).padStart(2, '0')}`,
        })),
      },
    ],
  };
}

/** Follows next_cursor to the end, collecting the rows of `key` from every page. */
async function allPages(
  harness: Harness,
  tool: string,
  args: Record<string, unknown>,
  key: string,
): Promise<unknown[]> {
  const first = await harness.call(tool, args);
  expect(first.isError, first.text).toBe(false);
  const rows: unknown[] = [...(first.structured[key] ?? [])];
  let cursor: string | undefined = first.structured.next_cursor;
  while (cursor) {
    const page = await harness.call(tool, { ...args, cursor });
    expect(page.isError, page.text).toBe(false);
    rows.push(...(page.structured[key] ?? []));
    cursor = page.structured.next_cursor;
  }
  return rows;
}

describe('spec tools answer through the response layer', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness();
    const first = await harness.call('define_trace_spec', {
      name: 'wide_batch',
      specification: wideSpec(60),
    });
    expect(first.isError, first.text).toBe(false);
    for (let version = 2; version <= 4; version += 1) {
      const next = await harness.call('define_trace_spec', {
        name: 'wide_batch',
        specification: wideSpec(60, `v${version}`),
        note: `version ${version}: renamed every step`,
      });
      expect(next.isError, next.text).toBe(false);
    }
    for (let index = 0; index < 25; index += 1)
      await harness.call('define_trace_spec', {
        name: `listed_${String(index).padStart(2, '0')}`,
        specification: wideSpec(1),
      });
  });
  afterAll(async () => harness?.close());

  it('define_trace_spec shows 40 changes and 40 entries, and names the get_trace_spec call for the rest', async () => {
    const result = await harness.call('define_trace_spec', {
      name: 'wide_batch',
      specification: wideSpec(60, 'v5'),
    });
    expect(result.structured.entries).toHaveLength(40);
    expect(result.structured.changes).toHaveLength(40);
    expect(result.structured.truncated).toEqual({ changes: 80, entries: 21 });
    expect(result.structured.next).toContain('get_trace_spec name=wide_batch version=5 diff_from=4');
    expect(result.structured.next_cursor).toBeUndefined();
    expect(result.text).toContain(
      'Not shown: 21 entries; get_trace_spec name=wide_batch shows the whole spec.',
    );
  });

  it('get_trace_spec pages a long spec by its YAML lines: every line once, as in a large-budget call', async () => {
    const args = { name: 'wide_batch', version: 1, budget_tokens: 500 };
    const first = await harness.call('get_trace_spec', args);
    expect(first.structured.truncated.yaml_lines).toBeGreaterThan(0);
    expect(first.text).toContain('Cut for size:');
    expect(first.text).toContain('Only part of the spec: do not store this page alone');
    const paged = await allPages(harness, 'get_trace_spec', args, 'yaml_lines');
    const whole = await harness.call('get_trace_spec', { ...args, budget_tokens: 50_000 });
    expect(whole.structured.truncated).toBeUndefined();
    expect(whole.text).not.toContain('Only part of the spec');
    expect(paged).toEqual(whole.structured.yaml_lines);
    expect(whole.text).toContain('operation_name: step.59');
  });

  it('get_trace_spec pages the changes between two versions: every change once', async () => {
    const args = { name: 'wide_batch', version: 4, diff_from: 1, budget_tokens: 500 };
    const paged = await allPages(harness, 'get_trace_spec', args, 'changes');
    const whole = await harness.call('get_trace_spec', { ...args, budget_tokens: 50_000 });
    expect(whole.structured.diff).toEqual({ from: 1, to: 4, identical: false });
    expect(whole.structured.changes.length).toBeGreaterThan(60);
    expect(paged).toEqual(whole.structured.changes);
  });

  it('list_trace_specs pages every spec once at a small budget', async () => {
    const args = { budget_tokens: 500 };
    const first = await harness.call('list_trace_specs', args);
    expect(first.structured.truncated.specs).toBeGreaterThan(0);
    const paged = await allPages(harness, 'list_trace_specs', args, 'specs');
    const whole = await harness.call('list_trace_specs', { budget_tokens: 50_000 });
    expect(whole.structured.specs).toHaveLength(26);
    expect(paged).toEqual(whole.structured.specs);
  });
});
