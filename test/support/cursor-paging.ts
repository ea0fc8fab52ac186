import { expect } from 'vitest';
import type { Harness } from './mcp-harness.js';

/**
 * Follows the cursor of a call at a small budget and checks that its pages, joined, are the
 * large-budget answer's lists: every row once, in order. Returns how many pages it took.
 */
export async function expectCursorPagesEveryRow(
  harness: Harness,
  tool: string,
  args: Record<string, unknown>,
  keys: string[],
): Promise<number> {
  const whole = await harness.call(tool, { ...args, budget_tokens: 50_000 });
  expect(whole.isError, whole.text).toBe(false);
  expect(whole.structured.next_cursor).toBeUndefined();
  const rows: Record<string, unknown[]> = Object.fromEntries(keys.map((key) => [key, []]));
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await harness.call(tool, { ...args, budget_tokens: 500, ...(cursor ? { cursor } : {}) });
    expect(page.isError, page.text).toBe(false);
    for (const key of keys) rows[key]!.push(...((page.structured[key] as unknown[] | undefined) ?? []));
    cursor = page.structured.next_cursor;
    pages += 1;
  } while (cursor && pages < 200);
  for (const key of keys) expect(rows[key], key).toEqual(whole.structured[key]);
  return pages;
}
