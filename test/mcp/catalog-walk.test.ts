/**
 * Every tool the server lists, called as an agent would at the smallest budget, on traces the real
 * SDK sent: each answer stays within its budget, says in its text what it shows, and when it cut
 * something gives a real way to the rest (a cursor that is followed here to its end, or a `next`).
 * A tool added without a fixture here fails the walk, so no tool escapes the response layer's rules.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOOLSETS } from '../../src/config/config-schema.js';
import { budgetFromTokens } from '../../src/mcp/output-budget.js';
import { emitShopTraces, type ShopTraces } from '../support/sdk-shop-traces.js';
import { startHarness, type Harness, type ToolCall } from '../support/mcp-harness.js';
import { waitFor } from '../support/wait-for.js';

const SCRIPTS = fileURLToPath(new URL('../fixtures/run-scripts/', import.meta.url));
const emit = (args: string): string => `${JSON.stringify(process.execPath)} emit-trace.cjs ${args}`;

/**
 * Budgets walked. At the smallest a call may ask for, the text a model reads stays within it (a
 * page always shows one row, so following the cursor ends, and that row may carry the structured
 * answer past it); at a small working budget the whole answer, text and structured, does. Tools
 * without budget_tokens answer within the server's default.
 */
const SMALLEST = 500;
const WORKING = 2000;
const DEFAULT_BUDGET = 8000;
/** Pages followed at most per tool: more means a cursor that does not end. */
const MAX_PAGES = 60;

const SHOP_SPEC = {
  name: 'shop_checkout',
  expected_spans: [
    {
      operation_name: 'POST /checkout',
      service_name: 'frontend',
      required_tags: { 'http.request.method': 'POST', 'order.id': { exists: true } },
      children: [
        {
          operation_name: 'checkout.process',
          service_name: 'checkout',
          children: [
            { operation_name: 'SELECT items', service_name: 'checkout', count: { max: 5 } },
            { operation_name: 'reserve stock', service_name: 'inventory' },
            {
              operation_name: 'POST /charge',
              service_name: 'checkout',
              children: [{ operation_name: 'charge', service_name: 'payment' }],
            },
            { operation_name: 'send receipt', service_name: 'mailer' },
          ],
        },
      ],
    },
  ],
};

const RUN_SPEC = {
  name: 'tiny_run',
  expected_spans: [
    {
      operation_name: 'checkout',
      service_name: 'shop',
      children: [
        { operation_name: 'reserve', service_name: 'shop' },
        { operation_name: 'charge', service_name: 'shop' },
      ],
    },
  ],
};

interface World {
  shop: ShopTraces;
  sessionId: string;
  runId: string;
}

type Fixture = (world: World) => Record<string, unknown>;

/**
 * Arguments an agent would pass each tool, on the world set up below; `tool#case` is a second case
 * of one tool.
 */
const FIXTURES: Record<string, Fixture> = {
  get_otlp_endpoint: () => ({}),
  list_backends: () => ({}),
  list_services: () => ({}),
  list_operations: () => ({ service_name: 'checkout' }),
  get_traces: () => ({ service_name: 'frontend', time_range: '6h' }),
  search_traces: () => ({ query: { service_name: 'checkout', time_range: '6h' } }),
  get_trace_by_id: ({ shop }) => ({ trace_id: shop.big.traceId }),
  'get_trace_by_id#tree': ({ shop }) => ({ trace_id: shop.big.traceId, view: 'tree' }),
  get_span_details: ({ shop }) => ({ trace_id: shop.big.traceId, span_id: shop.big.rootSpanId }),
  analyze_trace: ({ shop }) => ({ trace_id: shop.big.traceId, spec_name: 'shop_checkout' }),
  detect_performance_issues: ({ shop }) => ({ trace_id: shop.big.traceId }),
  define_trace_spec: () => ({ name: 'walk_defined', specification: { ...SHOP_SPEC, name: 'walk_defined' } }),
  get_trace_spec: () => ({ name: 'shop_checkout' }),
  list_trace_specs: () => ({}),
  update_trace_spec: () => ({
    name: 'shop_checkout',
    updates: {
      span_updates: [
        { parent: 'POST /checkout', add: { operation_name: 'audit', service_name: 'frontend' } },
      ],
    },
  }),
  list_spec_templates: () => ({}),
  compare_trace_to_spec: ({ shop }) => ({
    trace_id: shop.big.traceId,
    spec_name: 'shop_checkout',
    spec_version: 1,
  }),
  validate_trace_collection: ({ shop }) => ({
    spec_name: 'shop_checkout',
    spec_version: 1,
    trace_ids: [...shop.history, shop.big.traceId],
  }),
  generate_improvement_suggestions: ({ shop }) => ({
    trace_id: shop.big.traceId,
    spec_name: 'shop_checkout',
    spec_version: 1,
  }),
  create_development_session: () => ({
    project_name: 'walk',
    spec_name: 'tiny_run',
    working_dir: SCRIPTS,
    env: { OTEL_SERVICE_NAME: 'shop' },
  }),
  execute_and_capture: ({ sessionId }) => ({ session_id: sessionId, command: emit('checkout charge') }),
  get_session_metrics: ({ sessionId }) => ({ session_id: sessionId }),
  suggest_next_steps: ({ sessionId }) => ({ session_id: sessionId }),
  generate_spec_from_traces: ({ shop }) => ({ trace_ids: shop.history, name: 'walk_inferred' }),
  detect_regressions: ({ shop }) => ({
    baseline: { trace_ids: shop.history.slice(0, 6) },
    current_traces: { trace_ids: [...shop.history.slice(6), shop.big.traceId] },
    min_samples: 3,
  }),
  diff_traces: ({ shop }) => ({ trace_id_a: shop.history[11], trace_id_b: shop.big.traceId }),
  analyze_performance_trends: () => ({ service_name: 'checkout', time_period: '6h' }),
  correlate_distributed_traces: () => ({
    transaction_id: 'order-42',
    attribute_key: 'order.id',
    time_range: '6h',
  }),
  // The plan's other names answer like their canonical twins.
  analyze_trace_structure: (world) => FIXTURES.analyze_trace!(world),
  compare_traces: (world) => FIXTURES.compare_trace_to_spec!(world),
  validate_against_spec: (world) => FIXTURES.compare_trace_to_spec!(world),
  run_and_capture: (world) => FIXTURES.execute_and_capture!(world),
  start_trace_session: (world) => ({
    ...FIXTURES.create_development_session!(world),
    project_name: 'walk-alias',
  }),
  get_session_progress: (world) => FIXTURES.get_session_metrics!(world),
};

/** The tool a fixture key calls. */
const toolOf = (key: string): string => key.split('#')[0]!;

function answerChars(answer: ToolCall): number {
  return answer.text.length + JSON.stringify(answer.structured).length;
}

describe('every listed tool at the smallest budget, through a real MCP client', () => {
  let harness: Harness;
  let world: World;
  let listed: { name: string; takesBudget: boolean; takesCursor: boolean }[];

  beforeAll(async () => {
    // One clock for the whole walk, a minute past the traces: a page and the large answer it is
    // checked against then see the same time windows and per-minute rates.
    const started = Date.now();
    harness = await startHarness({
      flags: { toolsets: [...TOOLSETS] },
      now: () => new Date(started + 60_000),
    });
    const shop = await emitShopTraces(harness.otlpHttpUrl, started);
    await waitFor('the big trace stored whole', () =>
      harness.app.store.getTrace(shop.big.traceId)?.spans.length === 44 ? true : undefined,
    );
    for (const specification of [SHOP_SPEC, RUN_SPEC]) {
      const defined = await harness.call('define_trace_spec', { name: specification.name, specification });
      expect(defined.isError, defined.text).toBe(false);
    }
    const session = await harness.call(
      'create_development_session',
      FIXTURES.create_development_session!({} as World),
    );
    expect(session.isError, session.text).toBe(false);
    const sessionId = session.structured.session_id as string;
    const red = await harness.call('execute_and_capture', {
      session_id: sessionId,
      command: emit('checkout reserve'),
    });
    expect(red.structured.verdict, red.text).toBe('fail');
    world = { shop, sessionId, runId: red.structured.run_id as string };
    const { tools } = await harness.client.listTools();
    listed = tools.map((tool) => {
      const properties = (tool.inputSchema as { properties?: Record<string, unknown> }).properties ?? {};
      return {
        name: tool.name,
        takesBudget: 'budget_tokens' in properties,
        takesCursor: 'cursor' in properties,
      };
    });
  }, 120_000);
  afterAll(async () => harness?.close());

  it('has a fixture for every tool the server lists, and none for a tool it does not', () => {
    const names = listed.map((tool) => tool.name).sort();
    expect(
      names.filter((name) => !(name in FIXTURES)),
      'tools without a fixture in this walk',
    ).toEqual([]);
    expect(
      Object.keys(FIXTURES).filter((name) => !names.includes(toolOf(name))),
      'fixtures of unlisted tools',
    ).toEqual([]);
  });

  const walks = Object.keys(FIXTURES).flatMap((name) => [
    { name, tokens: SMALLEST, bound: 'text' as const },
    { name, tokens: WORKING, bound: 'whole answer' as const },
  ]);
  it.each(walks)(
    '$name: each page’s $bound stays within budget_tokens=$tokens, and every cut names a real way to the rest',
    async ({ name, tokens, bound }) => {
      const tool = listed.find((item) => item.name === toolOf(name));
      expect(tool, `${name} is not listed`).toBeDefined();
      const budget = budgetFromTokens(tool!.takesBudget ? tokens : DEFAULT_BUDGET).chars;
      const args = { ...FIXTURES[name]!(world), ...(tool!.takesBudget ? { budget_tokens: tokens } : {}) };
      let cursor: string | undefined;
      let pages = 0;
      // The lists a cursor paged, and each page's rows.
      const paged = new Set<string>();
      const rowsByPage: Record<string, unknown[]>[] = [];
      do {
        const page = await harness.call(toolOf(name), { ...args, ...(cursor ? { cursor } : {}) });
        pages += 1;
        rowsByPage.push(
          Object.fromEntries(
            Object.entries(page.structured).filter((entry): entry is [string, unknown[]] =>
              Array.isArray(entry[1]),
            ),
          ),
        );
        if (page.structured.next_cursor)
          for (const key of Object.keys(page.structured.truncated ?? {})) paged.add(key);
        expect(page.isError, `${name} page ${pages}: ${page.text}`).toBe(false);
        expect(page.text.trim().length, `${name} answered no text`).toBeGreaterThan(0);
        // The layer fits the text itself: the registry's last-resort cut never has to.
        expect(page.text, `${name} page ${pages}: the layer did not fit the text`).not.toContain(
          '[answer cut to fit budget_tokens',
        );
        const size = bound === 'text' ? page.text.length : answerChars(page);
        expect(
          size,
          `${name} page ${pages}: its ${bound} is over ${budget} chars:\n${page.text}`,
        ).toBeLessThanOrEqual(budget);
        const truncated = page.structured.truncated as Record<string, number> | undefined;
        if (truncated && Object.keys(truncated).length > 0) {
          // An honest cut: a cursor to follow, or a `next` naming the call that shows the rest.
          const way =
            (page.structured.next_cursor as string | undefined) ??
            (page.structured.next as string | undefined);
          expect(way, `${name} cut ${JSON.stringify(truncated)} with no way to the rest`).toBeTruthy();
          if (page.structured.next_cursor) expect(page.text).toContain(page.structured.next_cursor as string);
          else expect(page.text).toMatch(/Cut for size|Past the limit|Not shown/);
        }
        cursor = page.structured.next_cursor as string | undefined;
        if (cursor) expect(tool!.takesCursor, `${name} issued a cursor it does not accept`).toBe(true);
      } while (cursor && pages < MAX_PAGES);
      expect(cursor, `${name}'s cursor did not end within ${MAX_PAGES} pages`).toBeUndefined();
      if (paged.size === 0) return;
      // Following the cursor returned each list of one large answer: nothing repeated or lost.
      const whole = await harness.call(toolOf(name), { ...args, budget_tokens: 100_000 });
      expect(whole.isError, whole.text).toBe(false);
      expect(whole.structured.next_cursor, `${name} at budget_tokens 100000`).toBeUndefined();
      for (const key of paged) {
        // A cut that is not a list of rows (a waterfall's hidden spans) has nothing to join.
        if (!rowsByPage.some((rows) => key in rows)) continue;
        const joined = rowsByPage.flatMap((rows) => rows[key] ?? []);
        expect(joined, `${name}: the pages of ${key}`).toEqual(whole.structured[key]);
      }
    },
    120_000,
  );
});
