import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { budgetFromTokens } from '../../src/mcp/output-budget.js';
import { answerToolCall } from '../../src/mcp/response/answer-tool-call.js';
import { listSection, type FittedBlock, type ResponseDraft } from '../../src/mcp/response/response-draft.js';
import { cursorInput, responseFields } from '../../src/mcp/response/response-fields.js';
import { READ_ONLY, defineTool } from '../../src/mcp/tool-definition.js';
import type { ToolDeps } from '../../src/mcp/tool-deps.js';

interface Row {
  id: string;
  note: string;
}

const rows = (prefix: string, count: number): Row[] =>
  Array.from({ length: count }, (_, index) => ({ id: `${prefix}${index}`, note: 'x'.repeat(40) }));

const LIST_INPUT = z.object({
  filter: z.string().optional(),
  budget_tokens: z.number().optional(),
  cursor: cursorInput,
});

/** A tool whose lists are whatever the test sets, answering through the real layer. */
function listTool(
  draft: () => ResponseDraft<{ label: string }>,
  input: z.ZodObject<z.ZodRawShape> = LIST_INPUT,
) {
  return defineTool({
    name: 'list_things',
    title: 'List things',
    description: 'test tool',
    toolset: 'query',
    input,
    output: z.object({ label: z.string(), ...responseFields }),
    annotations: READ_ONLY,
    handler: async () => draft(),
  });
}

const deps = { now: () => new Date('2026-12-05T10:00:00Z') } as unknown as ToolDeps;
const call = (tool: ReturnType<typeof listTool>, input: Record<string, unknown>, tokens = 500) =>
  answerToolCall(tool, input, { deps, budget: budgetFromTokens(tokens) });

/** Follows next_cursor until the answer has none, collecting every list's rows. */
async function followAll(tool: ReturnType<typeof listTool>, input: Record<string, unknown>) {
  const seen: Record<string, string[]> = {};
  let cursor: string | undefined;
  for (let page = 0; page < 100; page += 1) {
    const answer = await call(tool, { ...input, ...(cursor ? { cursor } : {}) });
    for (const key of ['apples', 'pears']) {
      const got = (answer.structured[key] as Row[] | undefined) ?? [];
      (seen[key] ??= []).push(...got.map((row) => row.id));
    }
    cursor = answer.structured.next_cursor as string | undefined;
    if (!cursor) return { seen, pages: page + 1 };
  }
  throw new Error('the cursor never ended');
}

/** A block of `size` characters, whole or not at all, that records the room it was offered. */
function wholeBlock(claim: FittedBlock['claim'], size: number, offered: number[]): FittedBlock {
  return {
    claim,
    fit(chars) {
      offered.push(chars);
      return size <= chars
        ? { lines: ['B'.repeat(size)], fields: { block_shown: true } }
        : {
            lines: ['(block left out)'],
            cuts: { block: { count: 1, next: 'raise budget_tokens', saidInText: true } },
          };
    },
  };
}

describe('the response layer', () => {
  it('gives a block that claims first its room before the lists, and the lists what is left', async () => {
    const offered: number[] = [];
    const tool = listTool(() => ({
      fields: { label: 'spec' },
      lead: ['A spec and its notes:'],
      lists: [listSection({ key: 'apples', rows: rows('a', 200), line: (row) => row.id })],
      block: wholeBlock('first', 800, offered),
    }));
    const answer = await call(tool, {}, 1000);
    expect(answer.structured.block_shown).toBe(true);
    expect(answer.text).toContain('B'.repeat(800));
    const shown = (answer.structured.apples as Row[]).length;
    expect(shown).toBeGreaterThan(0);
    expect(answer.structured.truncated).toEqual({ apples: 200 - shown });
    expect(answer.text.length + JSON.stringify(answer.structured).length).toBeLessThanOrEqual(
      budgetFromTokens(1000).chars,
    );
  });

  it('keeps a first block that nearly fills the room, with the row and cursor a page always shows, within the budget', async () => {
    const budget = budgetFromTokens(1000).chars;
    // Every size around the room's edge, where the block leaves less than one row.
    for (let size = budget - 1500; size < budget; size += 20) {
      const tool = listTool(() => ({
        fields: { label: 'spec' },
        lead: ['A spec:'],
        lists: [
          listSection({ key: 'apples', rows: rows('a', 50), line: (row) => `${row.id} ${row.note}` }),
          listSection({ key: 'pears', rows: rows('p', 50), line: (row) => row.id }),
        ],
        block: wholeBlock('first', size, []),
      }));
      const answer = await call(tool, {}, 1000);
      expect((answer.structured.apples as Row[]).length, `block of ${size}`).toBeGreaterThan(0);
      expect(answer.structured.next_cursor).toBeDefined();
      expect(
        answer.text.length + JSON.stringify(answer.structured).length,
        `block of ${size}`,
      ).toBeLessThanOrEqual(budget);
    }
  });

  it('leaves the block out of a continued page: the cursor pages the lists only', async () => {
    const offered: number[] = [];
    const tool = listTool(() => ({
      fields: { label: 'spec' },
      lead: ['A spec:'],
      lists: [listSection({ key: 'apples', rows: rows('a', 200), line: (row) => row.id })],
      block: wholeBlock('first', 300, offered),
    }));
    const first = await call(tool, {}, 1000);
    expect(first.structured.block_shown).toBe(true);
    const second = await call(tool, { cursor: first.structured.next_cursor }, 1000);
    expect(second.structured.block_shown).toBeUndefined();
    expect(second.text).not.toContain('B'.repeat(300));
    expect(second.text).not.toContain('(block left out)');
    expect(offered).toHaveLength(1);
  });

  it('gives a block that claims last only what the lists leave, and reports it left out when that is too little', async () => {
    const offered: number[] = [];
    const tool = listTool(() => ({
      fields: { label: 'analysis' },
      lead: ['An analysis:'],
      lists: [listSection({ key: 'apples', rows: rows('a', 200), line: (row) => row.id })],
      block: wholeBlock('last', 800, offered),
    }));
    const answer = await call(tool, {}, 1000);
    // The lists took the room: the block got less than it needs and says so.
    expect(answer.structured.block_shown).toBeUndefined();
    expect(answer.text).toContain('(block left out)');
    expect(answer.structured.truncated).toMatchObject({ block: 1 });
    expect(offered.at(-1)).toBeLessThan(800);

    const roomy = await call(tool, {}, 20_000);
    expect(roomy.structured.block_shown).toBe(true);
    expect(roomy.structured.apples).toHaveLength(200);
    // Its lines follow the lists.
    expect(roomy.text.indexOf('B'.repeat(800))).toBeGreaterThan(roomy.text.indexOf('a199'));
  });

  it('names budget_tokens in a cut only for a tool that takes it; otherwise the server setting', async () => {
    const draft = (): ResponseDraft<{ label: string }> => ({
      fields: { label: 'things' },
      lead: ['Things:'],
      lists: [listSection({ key: 'apples', rows: rows('a', 200), line: (row) => `${row.id} ${row.note}` })],
    });
    const withBudget = await call(listTool(draft), {});
    expect(withBudget.text).toContain('(or a larger budget_tokens)');
    const answer = await call(listTool(draft, z.object({ cursor: cursorInput })), {});
    expect(answer.text).toContain('(or a larger mcp.output_budget_tokens in the server config)');
    expect(answer.text).not.toContain('budget_tokens)');
  });

  it('answers a list that fits whole, without truncated or a cursor', async () => {
    const tool = listTool(() => ({
      fields: { label: 'few' },
      lead: ['Three apples:'],
      lists: [listSection({ key: 'apples', rows: rows('a', 3), line: (row) => row.id })],
    }));
    const answer = await call(tool, {});
    expect(answer.structured).toEqual({ label: 'few', apples: rows('a', 3) });
    expect(answer.text).toBe('Three apples:\na0\na1\na2');
  });

  it('keeps a row the text leaves out in the structured list, and writes no heading over a list the text shows nothing of', async () => {
    const tool = listTool(() => ({
      fields: { label: 'named elsewhere' },
      lead: ['Fruit:'],
      lists: [
        listSection({
          key: 'apples',
          heading: 'Apples:',
          rows: rows('a', 3),
          line: (row) => row.id,
          inText: (row) => row.id !== 'a1',
        }),
        listSection({
          key: 'pears',
          heading: 'Pears:',
          rows: rows('p', 2),
          line: (row) => row.id,
          inText: () => false,
        }),
      ],
    }));
    const answer = await call(tool, {});
    expect(answer.structured).toEqual({
      label: 'named elsewhere',
      apples: rows('a', 3),
      pears: rows('p', 2),
    });
    expect(answer.text).toBe('Fruit:\nApples:\na0\na2');
  });

  it('cuts a long list to the budget, counts the cut in truncated and says how to get the rest in the text', async () => {
    const tool = listTool(() => ({
      fields: { label: 'many' },
      lead: ['Apples:'],
      lists: [listSection({ key: 'apples', rows: rows('a', 200), line: (row) => row.id })],
    }));
    const answer = await call(tool, { filter: 'red' });
    const shown = (answer.structured.apples as Row[]).length;
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(200);
    expect(answer.structured.truncated).toEqual({ apples: 200 - shown });
    expect(answer.text).toContain(`Cut for size: ${200 - shown} apples`);
    expect(answer.text).toContain(`cursor="${answer.structured.next_cursor as string}"`);
    expect(answer.text.length + JSON.stringify(answer.structured).length).toBeLessThanOrEqual(
      budgetFromTokens(500).chars + 100,
    );
  });

  it('returns every row of every cut list exactly once when the cursor is followed to the end', async () => {
    const tool = listTool(() => ({
      fields: { label: 'two lists' },
      lead: ['Fruit:'],
      lists: [
        listSection({ key: 'apples', heading: 'Apples:', rows: rows('a', 120), line: (row) => row.id }),
        listSection({
          key: 'pears',
          heading: 'Pears:',
          rows: rows('p', 45),
          line: (row) => `${row.id} ${row.note}`,
        }),
      ],
    }));
    const { seen, pages } = await followAll(tool, { filter: 'ripe' });
    expect(pages).toBeGreaterThan(2);
    expect(seen.apples).toEqual(rows('a', 120).map((row) => row.id));
    expect(seen.pears).toEqual(rows('p', 45).map((row) => row.id));
  });

  it('gives a short list its whole length before a long one takes the rest of the room', async () => {
    const tool = listTool(() => ({
      fields: { label: 'mixed' },
      lead: [],
      lists: [
        listSection({ key: 'apples', rows: rows('a', 500), line: (row) => row.id }),
        listSection({ key: 'pears', rows: rows('p', 2), line: (row) => row.id }),
      ],
    }));
    const answer = await call(tool, {});
    expect(answer.structured.pears).toHaveLength(2);
    expect(answer.structured.truncated).toEqual({ apples: 500 - (answer.structured.apples as Row[]).length });
  });

  it('reports rows past a limit the caller set with the way to get them, and offers no cursor for them', async () => {
    const tool = listTool(() => ({
      fields: { label: 'limited' },
      lead: [],
      lists: [
        listSection({
          key: 'apples',
          rows: rows('a', 2),
          line: (row) => row.id,
          beyond: { count: 1, atLeast: true, next: 'raise limit (now 2)' },
        }),
      ],
    }));
    const answer = await call(tool, {});
    expect(answer.structured).toMatchObject({ truncated: { apples: 1 }, next: 'raise limit (now 2)' });
    expect(answer.structured.next_cursor).toBeUndefined();
    expect(answer.text).toContain('Past the limit: at least 1 more apples; raise limit (now 2).');
  });

  it('refuses a cursor with other arguments, from another tool, or one it never issued', async () => {
    const draft = () => ({
      fields: { label: 'x' },
      lead: [],
      lists: [listSection({ key: 'apples', rows: rows('a', 300), line: (row: Row) => row.id })],
    });
    const tool = listTool(draft);
    const cursor = (await call(tool, { filter: 'red' })).structured.next_cursor as string;
    await expect(call(tool, { filter: 'green', cursor })).rejects.toThrow(/other arguments/);
    const other = { ...listTool(draft), name: 'other_tool' };
    await expect(call(other, { filter: 'red', cursor })).rejects.toThrow(
      /continues list_things, not other_tool/,
    );
    await expect(call(tool, { filter: 'red', cursor: 'bm90IGpzb24' })).rejects.toThrow(
      /not one this server issued/,
    );
    // A larger page is still the same call.
    const larger = await call(tool, { filter: 'red', cursor }, 2000);
    expect((larger.structured.apples as Row[])[0]).toBeDefined();
  });

  it('refuses to continue a list that changed since the cursor was issued, rather than repeat or skip rows', async () => {
    let count = 300;
    const tool = listTool(() => ({
      fields: { label: 'live' },
      lead: [],
      lists: [listSection({ key: 'apples', rows: rows('a', count), line: (row) => row.id })],
    }));
    const cursor = (await call(tool, {})).structured.next_cursor as string;
    count = 301;
    await expect(call(tool, { cursor })).rejects.toThrow(/changed since it was issued/);
  });

  it('gives a tool that must not run twice no cursor, and points at where the cut rows can be read', async () => {
    const runTool = defineTool({
      name: 'run_things',
      title: 'Run things',
      description: 'test tool',
      toolset: 'workflow',
      input: z.object({ cursor: cursorInput }),
      output: z.object({ ...responseFields }),
      annotations: { readOnlyHint: false, idempotentHint: false },
      handler: async () => ({
        fields: {},
        lead: ['Ran.'],
        lists: [
          listSection({
            key: 'apples',
            rows: rows('a', 300),
            line: (row: Row) => row.id,
            elsewhere: 'read them with list_things(run="r1")',
          }),
        ],
      }),
    });
    const answer = await answerToolCall(runTool, {}, { deps, budget: budgetFromTokens(500) });
    expect(answer.structured.next_cursor).toBeUndefined();
    expect(answer.structured.next).toBe('read them with list_things(run="r1")');
    expect(answer.text).toMatch(/Cut for size: \d+ apples; read them with list_things\(run="r1"\)\./);
    await expect(
      answerToolCall(
        runTool,
        { cursor: 'eyJ0b29sIjoicnVuX3RoaW5ncyJ9' },
        { deps, budget: budgetFromTokens(500) },
      ),
    ).rejects.toThrow(/would repeat what it did/);
  });

  it('keeps the first page’s clock on a continued page, so a relative time window does not move', async () => {
    const clocks: number[] = [];
    let clock = Date.parse('2026-12-05T10:00:00Z');
    const tool = defineTool({
      name: 'clocked',
      title: 'Clocked',
      description: 'test tool',
      toolset: 'query',
      input: z.object({ cursor: cursorInput }),
      output: z.object({ ...responseFields }),
      annotations: READ_ONLY,
      handler: async (_input, { deps: given }) => {
        clocks.push(given.now().getTime());
        return {
          fields: {},
          lead: [],
          lists: [listSection({ key: 'apples', rows: rows('a', 300), line: (row) => row.id })],
        };
      },
    });
    const tick = { now: () => new Date((clock += 60_000)) } as unknown as ToolDeps;
    const first = await answerToolCall(tool, {}, { deps: tick, budget: budgetFromTokens(500) });
    await answerToolCall(
      tool,
      { cursor: first.structured.next_cursor },
      { deps: tick, budget: budgetFromTokens(500) },
    );
    expect(clocks[1]).toBe(clocks[0]);
  });
});
