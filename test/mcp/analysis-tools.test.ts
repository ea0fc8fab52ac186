import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/mcp-harness.js';
import { generateRealisticTraceAtNow } from '../support/realistic-trace.js';
import { waitFor } from '../support/wait-for.js';

const SERVICE = fileURLToPath(new URL('../fixtures/orders-service/server.cjs', import.meta.url));

/** Starts the auto-instrumented orders service, asks it for /orders once, and stops it so it flushes. */
async function runOrdersService(harness: Harness): Promise<void> {
  const child: ChildProcess = spawn(process.execPath, [SERVICE], {
    env: {
      ...process.env,
      OTEL_EXPORTER_OTLP_ENDPOINT: harness.otlpHttpUrl,
      OTEL_SERVICE_NAME: 'orders-service',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`orders service exited early with ${code}`)));
      child.stdout?.on('data', (chunk: Buffer) => {
        const match = /listening (\d+)/.exec(chunk.toString());
        if (match) resolve(Number(match[1]));
      });
    });
    const answer = await fetch(`http://127.0.0.1:${port}/orders`);
    expect(await answer.json()).toEqual({ orders: 6, unavailable: 1 });
  } finally {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  }
}

describe('analysis tools through a real MCP client', () => {
  let harness: Harness;
  let ordersTraceId: string;

  beforeAll(async () => {
    harness = await startHarness();
    await runOrdersService(harness);
    ordersTraceId = await waitFor(
      'the /orders trace to be stored',
      async () => {
        const result = await harness.call('search_traces', { query: { service_name: 'orders-service' } });
        const found = (result.structured.traces ?? []) as { trace_id: string; span_count: number }[];
        return found.find((item) => item.span_count >= 31)?.trace_id;
      },
      60_000,
    );
  });
  afterAll(async () => harness?.close());

  it('explains a real auto-instrumented trace: the root, the service self-calls, the critical path and the failing inventory call', async () => {
    const result = await harness.call('analyze_trace', { trace_id: ordersTraceId });
    expect(result.isError).toBe(false);
    const { structure, performance, roots, service_graph, root_causes } = result.structured;
    // 1 server root + 7 queries + 12 client calls + 12 server spans of /inventory.
    expect(structure.span_count).toBe(32);
    expect(structure.root_count).toBe(1);
    expect(roots).toHaveLength(1);
    expect(roots[0].service).toBe('orders-service');
    expect(structure.orphan_count).toBe(0);
    expect(service_graph).toContainEqual(
      expect.objectContaining({ from: 'orders-service', to: 'orders-service', calls: 12, errors: 1 }),
    );
    expect(performance.critical_path.root.span_id).toBe(roots[0].span_id);
    expect(performance.total_duration_ms).toBeGreaterThan(0);
    expect(root_causes[0].exception.type).toBe('InventoryUnavailableError');
    expect(result.text).toMatch(/Errors: \d+ error spans, 1 root cause\n/);
    expect(result.text).toMatch(/Error root causes:\n {2}.*InventoryUnavailableError/);
    expect(result.text).toContain('root cause');
    expect(result.text).toContain('Critical path');
    expect(result.text).toMatch(/Next: detect_performance_issues/);
  });

  it('names a top contributor once: its line gives its self time, so the self-time list leaves it out', async () => {
    const result = await harness.call('analyze_trace', { trace_id: ordersTraceId, budget_tokens: 20_000 });
    const contributors = (result.structured.top_contributors as { span: { span_id: string } }[]).map((item) =>
      item.span.span_id.slice(0, 8),
    );
    const selfTime = result.structured.top_self_time as { span: { span_id: string } }[];
    expect(selfTime.some((item) => contributors.includes(item.span.span_id.slice(0, 8)))).toBe(true);
    const listed = result.text.split('Top self time (besides the top contributors):\n')[1] ?? '';
    const rows = listed.split('\n').filter((line) => line.startsWith('  '));
    for (const id of contributors) expect(rows.join('\n')).not.toContain(id);
  });

  it('finds the N+1 queries and the N+1 inventory calls of the real service, each with its spans and a fix', async () => {
    const result = await harness.call('detect_performance_issues', {
      trace_id: ordersTraceId,
      // Local SQLite answers in microseconds; the count, not the 50 ms default, is what this test is about.
      thresholds: { n_plus_one_db_min_total_ms: 0 },
    });
    expect(result.isError).toBe(false);
    const findings = result.structured.findings as {
      kind: string;
      spans: { total: number };
      fix: string;
      measurements: Record<string, unknown>;
    }[];
    const db = findings.find((finding) => finding.kind === 'n_plus_one_db');
    const http = findings.find((finding) => finding.kind === 'n_plus_one_http');
    expect(db?.spans.total).toBe(6);
    expect(http?.spans.total).toBe(12);
    expect(db?.fix.length).toBeGreaterThan(10);
    expect(result.structured.thresholds.n_plus_one_db_min_total_ms).toBe(0);
    expect(result.text).toMatch(/n_plus_one_db/);
  });

  it('reports only the kinds asked for, with counts that cover just those', async () => {
    const result = await harness.call('detect_performance_issues', {
      trace_id: ordersTraceId,
      kinds: ['n_plus_one_http'],
    });
    expect(result.structured.findings.map((finding: { kind: string }) => finding.kind)).toEqual([
      'n_plus_one_http',
    ]);
    expect(result.structured.total).toBe(1);
    expect(result.text).not.toContain('semconv_lint');
  });

  it('refuses an unknown threshold name and lists the known ones', async () => {
    const result = await harness.call('detect_performance_issues', {
      trace_id: ordersTraceId,
      thresholds: { n_plus_one_min: 3 },
    });
    expect(result.isError).toBe(true);
    expect(result.text).toContain("unknown detector threshold 'n_plus_one_min'");
    expect(result.text).toContain('n_plus_one_db_min_count');
  });

  it('keeps the answers for a 10,000-span trace within the budget and says what it left out', async () => {
    const big = generateRealisticTraceAtNow(10_000, 7);
    await harness.app.writeSpans(big.spans);
    const budgetTokens = 4000;
    for (const tool of ['analyze_trace', 'detect_performance_issues']) {
      const result = await harness.call(tool, { trace_id: big.traceId, budget_tokens: budgetTokens });
      expect(result.isError, tool).toBe(false);
      const size = result.text.length + JSON.stringify(result.structured).length;
      expect(size, tool).toBeLessThanOrEqual(budgetTokens * 3.5);
    }
    const analysis = await harness.call('analyze_trace', {
      trace_id: big.traceId,
      budget_tokens: budgetTokens,
    });
    expect(analysis.structured.structure.span_count).toBe(big.spans.length);
    // max_items (10) caps the list; the budget may cut it further, and the two are counted together.
    const shown = analysis.structured.top_self_time.length;
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThanOrEqual(10);
    expect(analysis.structured.truncated.top_self_time).toBe(big.spans.length - shown);
    expect(analysis.text).toContain('raise max_items');
    const findings = await harness.call('detect_performance_issues', {
      trace_id: big.traceId,
      budget_tokens: budgetTokens,
    });
    expect(findings.structured.total).toBeGreaterThan(findings.structured.findings.length);
    expect(findings.structured.truncated.findings).toBe(
      findings.structured.total - findings.structured.findings.length,
    );
    expect(findings.text).toMatch(
      /Cut for size: \d+ findings|Past the limit: \d+ more findings; raise limit/,
    );
  });

  it('pages the findings with its cursor at a small budget, each finding once, in the order of one large answer', async () => {
    const args = {
      trace_id: ordersTraceId,
      thresholds: { n_plus_one_db_min_total_ms: 0 },
      budget_tokens: 500,
    };
    const first = await harness.call('detect_performance_issues', args);
    expect(first.isError).toBe(false);
    expect(first.structured.next_cursor).toBeDefined();
    expect(first.text).toContain(`cursor="${first.structured.next_cursor}"`);
    const summaries = first.structured.findings.map((finding: { summary: string }) => finding.summary);
    let cursor: string | undefined = first.structured.next_cursor;
    while (cursor) {
      const page = await harness.call('detect_performance_issues', { ...args, cursor });
      expect(page.isError).toBe(false);
      summaries.push(
        ...(page.structured.findings ?? []).map((finding: { summary: string }) => finding.summary),
      );
      cursor = page.structured.next_cursor;
    }
    const whole = await harness.call('detect_performance_issues', { ...args, budget_tokens: 50_000 });
    expect(whole.structured.next_cursor).toBeUndefined();
    expect(summaries).toEqual(
      whole.structured.findings.map((finding: { summary: string }) => finding.summary),
    );
    expect(summaries).toHaveLength(whole.structured.total);
  });

  it('pages every list of an analysis with its cursor at a small budget, each row once', async () => {
    const args = { trace_id: ordersTraceId, include_tree: false, budget_tokens: 500 };
    const keys = [
      'root_causes',
      'critical_path_steps',
      'top_contributors',
      'service_graph',
      'error_spans',
      'services',
      'top_self_time',
    ];
    const first = await harness.call('analyze_trace', args);
    expect(first.isError, first.text).toBe(false);
    expect(first.structured.next_cursor).toBeDefined();
    expect(first.text).toContain('InventoryUnavailableError');
    const rows: Record<string, unknown[]> = Object.fromEntries(keys.map((key) => [key, []]));
    let page = first;
    for (;;) {
      for (const key of keys) rows[key]!.push(...(page.structured[key] ?? []));
      const cursor: string | undefined = page.structured.next_cursor;
      if (!cursor) break;
      page = await harness.call('analyze_trace', { ...args, cursor });
      expect(page.isError, page.text).toBe(false);
    }
    const whole = await harness.call('analyze_trace', { ...args, budget_tokens: 50_000 });
    expect(whole.structured.next_cursor).toBeUndefined();
    for (const key of keys) expect(rows[key], key).toEqual(whole.structured[key] ?? []);
  });

  it('reports which entries of a stored spec the trace exercised', async () => {
    const defined = await harness.call('define_trace_spec', {
      name: 'orders-listing',
      specification: {
        expected_spans: [
          {
            operation_name: 'GET',
            service_name: 'orders-service',
            children: [
              { operation_name: 'SELECT items', count: { min: 1 } },
              { operation_name: 'payment.charge' },
            ],
          },
        ],
      },
    });
    expect(defined.isError, defined.text).toBe(false);
    const result = await harness.call('analyze_trace', {
      trace_id: ordersTraceId,
      spec_name: 'orders-listing',
      include_tree: false,
    });
    expect(result.structured.coverage).toMatchObject({ spec_name: 'orders-listing', exercised: 2, total: 3 });
    const charge = result.structured.coverage_entries.find((entry: { path: string }) =>
      entry.path.endsWith('payment.charge'),
    );
    expect(charge.found).toBe(0);
    expect(result.text).toMatch(/not exercised: .*payment\.charge/);
  });

  it('counts the spans of an entry the spec forbids as found, as the collection check does', async () => {
    const defined = await harness.call('define_trace_spec', {
      name: 'orders-no-select',
      specification: {
        expected_spans: [
          {
            operation_name: 'GET',
            service_name: 'orders-service',
            children: [{ operation_name: 'SELECT items', count: 0 }],
          },
        ],
      },
    });
    expect(defined.isError, defined.text).toBe(false);
    const result = await harness.call('analyze_trace', {
      trace_id: ordersTraceId,
      spec_name: 'orders-no-select',
      include_tree: false,
    });
    const select = result.structured.coverage_entries.find((entry: { path: string }) =>
      entry.path.endsWith('SELECT items'),
    );
    expect(select.found).toBeGreaterThan(0);
    expect(select.satisfied).toBe(false);
    expect(result.structured.coverage).toMatchObject({ exercised: 2, total: 2 });
  });

  it('answers a trace id that is not stored with an error that says where to look', async () => {
    const result = await harness.call('analyze_trace', { trace_id: 'ffffffffffffffffffffffffffffffff' });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/get_traces|search_traces/);
  });
});
