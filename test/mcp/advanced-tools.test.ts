import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Trace } from '../../src/model/index.js';
import { parseTraceSpec } from '../../src/tracespec/index.js';
import { TRACE_START_NANOS, buildTrace, movedToNow, type SpanSketch } from '../support/trace-builder.js';
import { startHarness, type Harness } from '../support/mcp-harness.js';
import { expectCursorPagesEveryRow } from '../support/cursor-paging.js';
import { inventoryReserveSketch } from '../support/inventory-reserve-sketch.js';
import { checkoutTrace, goodCheckouts, seededRandom } from '../tracespec/infer/good-checkout-traces.js';

const SCRIPTS = fileURLToPath(new URL('../fixtures/run-scripts/', import.meta.url));
/** A command that emits one trace through the real SDK: ROOT with the CHILD spans. */
const emit = (args: string): string => `${JSON.stringify(process.execPath)} emit-trace.cjs ${args}`;

/**
 * 30 traces of one API call; `queryMs` is the nominal query time, every duration ±20% noise.
 * `steps` more calls, each to a service of its own, make a run with many structural changes.
 */
function apiRun(seed: number, queryMs: number, runId: string, steps = 0): Trace[] {
  const rand = seededRandom(seed);
  const noisy = (ms: number): number => ms * (0.8 + rand() * 0.4);
  return Array.from({ length: 30 }, () =>
    buildTrace({
      name: 'GET /orders',
      service: 'api',
      durationMs: 300,
      resourceAttributes: { 'otel_mcp.run_id': runId },
      children: [
        {
          name: 'SELECT orders',
          kind: 'client',
          startMs: 1,
          durationMs: noisy(queryMs),
          resourceAttributes: { 'otel_mcp.run_id': runId },
        },
        {
          name: 'render',
          startMs: 200,
          durationMs: noisy(20),
          resourceAttributes: { 'otel_mcp.run_id': runId },
        },
        ...Array.from({ length: steps }, (_, step) => ({
          name: `step.${step}`,
          service: `step-service-${step}`,
          startMs: 250 + step,
          durationMs: 1,
          resourceAttributes: { 'otel_mcp.run_id': runId },
        })),
      ],
    }),
  );
}

/**
 * 8 checkouts down a chain of spans through three services, each a few ms longer than the one it
 * wraps; `paymentMs` is the nominal time of the deepest, `payment.process`.
 */
function chainRun(seed: number, paymentMs: number, runId: string): Trace[] {
  const rand = seededRandom(seed);
  const noisy = (ms: number): number => ms * (0.8 + rand() * 0.4);
  const resourceAttributes = { 'otel_mcp.run_id': runId };
  const levels: [string, string][] = [
    ['frontend', 'POST /checkout'],
    ['frontend', 'checkout.process'],
    ['order-service', 'POST /orders'],
    ['order-service', 'order.create'],
    ['payment-service', 'POST /payments'],
  ];
  return Array.from({ length: 8 }, () => {
    let sketch: SpanSketch = {
      name: 'payment.process',
      service: 'payment-service',
      durationMs: noisy(paymentMs),
      resourceAttributes,
    };
    for (const [service, name] of [...levels].reverse())
      sketch = {
        name,
        service,
        durationMs: (sketch.durationMs as number) + noisy(5),
        resourceAttributes,
        children: [sketch],
      };
    return buildTrace(sketch);
  });
}

/** A readiness probe's one-span trace, as a Java agent sends it while a run waits for its service. */
const healthProbe = (runId: string): Trace =>
  buildTrace({
    name: 'GET /health',
    service: 'fees-service',
    durationMs: 50,
    resourceAttributes: { 'otel_mcp.run_id': runId },
  });

describe('advanced tools through a real MCP client', () => {
  let harness: Harness;
  const training = goodCheckouts(20, 11);
  const others = goodCheckouts(10, 12);
  const defective = checkoutTrace(seededRandom(13), { withoutPayment: true });
  const baselineRun = apiRun(21, 100, 'run-base');
  const slowRun = apiRun(22, 130, 'run-slow');
  const wideRun = apiRun(23, 100, 'run-wide', 12);
  const chainBase = chainRun(28, 20, 'run-chain-base');
  const chainSlow = chainRun(29, 1200, 'run-chain-slow');
  // Probes outnumber requests in one run and not in the other.
  const probedBase = [
    ...apiRun(24, 100, 'run-probed-base'),
    ...Array.from({ length: 40 }, () => healthProbe('run-probed-base')),
  ];
  const probedNow = [
    ...apiRun(25, 100, 'run-probed-now'),
    ...Array.from({ length: 5 }, () => healthProbe('run-probed-now')),
  ];
  // The same checkout twice, timed alike; in the second its payment call failed.
  const beforeFailure = checkoutTrace(seededRandom(41));
  const afterFailure = ((trace: Trace): Trace => ({
    ...trace,
    spans: trace.spans.map((span) =>
      span.name === 'payment.charge'
        ? { ...span, status: { code: 'error', message: 'card processor timeout' } }
        : span,
    ),
  }))(checkoutTrace(seededRandom(41)));
  // One request whose query took 4× as long: one run against another, 1 span a side.
  const oneSlow = apiRun(27, 400, 'run-one-slow')[0] as Trace;
  // The service that starts each trace crashed before exporting its root; the query is 4× slower.
  const crashedRun = apiRun(26, 400, 'run-crashed').map((trace) => ({
    ...trace,
    spans: trace.spans.filter((span) => span.parentSpanId !== undefined),
  }));

  beforeAll(async () => {
    harness = await startHarness();
    // Move the fixtures to the present, or retention (7 days by default) would drop them on write.
    const shift = BigInt(Date.now() - 60_000) * 1_000_000n - TRACE_START_NANOS;
    for (const trace of [
      ...training,
      ...others,
      defective,
      ...baselineRun,
      ...slowRun,
      ...wideRun,
      ...chainBase,
      ...chainSlow,
      ...probedBase,
      ...probedNow,
      ...crashedRun,
      oneSlow,
      beforeFailure,
      afterFailure,
    ]) {
      await harness.app.writeSpans(
        trace.spans.map((span) => ({
          ...span,
          startTimeUnixNano: span.startTimeUnixNano + shift,
          endTimeUnixNano: span.endTimeUnixNano + shift,
          events: [],
        })),
      );
    }
  });
  afterAll(async () => harness?.close());

  it('infers a spec from 20 stored good traces, shows it as YAML, and saves one that other good traces pass', async () => {
    const result = await harness.call('generate_spec_from_traces', {
      trace_ids: training.map((trace) => trace.traceId),
      name: 'checkout-inferred',
      save: true,
    });
    expect(result.isError, result.text).toBe(false);
    expect(result.structured.trace_count).toBe(20);
    expect(result.structured.saved).toMatchObject({ version: 1, created: true });
    expect(parseTraceSpec(result.structured.yaml_lines.join('\n')).expected_spans[0]?.operation_name).toBe(
      'POST /checkout',
    );
    expect(result.structured.dropped).toContainEqual(
      expect.objectContaining({ what: 'tag', keys: expect.arrayContaining(['enduser.id']) }),
    );
    expect(result.text).toContain('name: checkout-inferred');
    expect(result.text).toContain('payment.method: { in: [ card, paypal ] }');
    expect(result.text).toMatch(/Next: compare_trace_to_spec/);

    const collection = await harness.call('validate_trace_collection', {
      spec_name: 'checkout-inferred',
      trace_ids: others.map((trace) => trace.traceId),
    });
    expect(collection.structured.passed, collection.text).toBe(10);
    // Under 20 spans an entry, nearest-rank p95 (under 100, p99) only repeats the maximum: the text leaves it out.
    const rows =
      collection.text
        .split('Durations per entry:\n')[1]
        ?.split('\n')
        .filter((line) => line.startsWith('  ')) ?? [];
    expect(rows.length, collection.text).toBeGreaterThan(0);
    for (const row of rows) {
      const spans = Number(/\((\d+) spans\)$/.exec(row)?.[1]);
      if (spans < 20) expect(row).toMatch(/: p50 [\d.]+ ms, max [\d.]+ ms \(\d+ spans\)$/);
      else expect(row).toMatch(/: p50 [\d.]+ ms, p95 [\d.]+ ms, max [\d.]+ ms \(\d+ spans\)$/);
    }
    expect(collection.structured.durations[0]).toHaveProperty('p95_ms');
    const bad = await harness.call('compare_trace_to_spec', {
      trace_id: defective.traceId,
      spec_name: 'checkout-inferred',
    });
    expect(bad.structured.matches_specification).toBe(false);
  });

  it('shows an inferred spec without storing it, and the YAML is accepted by define_trace_spec', async () => {
    const result = await harness.call('generate_spec_from_traces', {
      trace_ids: training.slice(0, 5).map((trace) => trace.traceId),
      name: 'checkout-draft',
      duration_headroom: 2,
    });
    expect(result.isError, result.text).toBe(false);
    expect(result.structured.saved).toBeUndefined();
    expect(result.text).toMatch(/Next: review the YAML, then store it with define_trace_spec/);
    const listed = await harness.call('list_trace_specs');
    expect(JSON.stringify(listed.structured)).not.toContain('checkout-draft');
    const defined = await harness.call('define_trace_spec', {
      name: 'checkout-draft',
      specification: result.structured.yaml_lines.join('\n'),
    });
    expect(defined.isError, defined.text).toBe(false);
  });

  it('answers the YAML and what was left out, tags one row per reason, and no second listing of the entries', async () => {
    const result = await harness.call('generate_spec_from_traces', {
      trace_ids: training.map((trace) => trace.traceId),
      name: 'checkout-short',
    });
    expect(result.isError, result.text).toBe(false);
    expect(result.structured.truncated).toBeUndefined();
    const tagRows = (result.structured.dropped as { what: string; reason: string }[]).filter(
      (row) => row.what === 'tag',
    );
    expect(new Set(tagRows.map((row) => row.reason)).size).toBe(tagRows.length);
    expect(result.text).toMatch(/^ {2}\d+ tags? on \d+ entr(y|ies), where it ran .*: .*server\.port/m);
    expect(result.text).not.toContain('Expected entries:');
    expect(result.structured.kept).toBeUndefined();
    // The YAML is most of the answer: left out, lead and closing lines together are shorter than it.
    const yaml = (result.structured.yaml_lines as string[]).join('\n');
    expect(result.text.length - yaml.length).toBeLessThan(yaml.length);
    expect(result.text).not.toContain('Only part of the spec');
  });

  it('at a small budget shows the top of the YAML, says how much was cut and not to store the page alone, and its cursor pages the rest', async () => {
    const args = { trace_ids: training.map((trace) => trace.traceId), name: 'checkout-paged' };
    const first = await harness.call('generate_spec_from_traces', { ...args, budget_tokens: 500 });
    expect(first.isError, first.text).toBe(false);
    expect(first.structured.truncated.yaml_lines).toBeGreaterThan(0);
    expect(first.text).toMatch(/Cut for size: .*\d+ yaml_lines.*cursor="/);
    // A page cut at an entry parses as a shorter spec: the page says it is not the whole.
    expect(first.text).toContain('Only part of the spec: do not store this page alone; join every page');
    expect(first.text.length + JSON.stringify(first.structured).length).toBeLessThanOrEqual(500 * 3.5);
    expect(
      await expectCursorPagesEveryRow(harness, 'generate_spec_from_traces', args, ['dropped', 'yaml_lines']),
    ).toBeGreaterThan(1);
  });

  it('shows a spec without a name when it is not stored, and asks for one to store it', async () => {
    const trace_ids = training.slice(0, 3).map((trace) => trace.traceId);
    const shown = await harness.call('generate_spec_from_traces', { trace_ids });
    expect(shown.isError, shown.text).toBe(false);
    expect(shown.text).toMatch(
      /Next: review the YAML, then store it with define_trace_spec name=<a name of yours> \(or call again with a name and save: true\)/,
    );
    const unnamed = await harness.call('generate_spec_from_traces', { trace_ids, save: true });
    expect(unnamed.isError).toBe(true);
    expect(unnamed.text).toContain('save: true needs a name to store the spec under');
  });

  it('counts in its lead what it kept and left out in the right number, and leaves out what is 0', async () => {
    const one = await harness.call('generate_spec_from_traces', { trace_ids: [probedBase[30]?.traceId] });
    expect(one.isError, one.text).toBe(false);
    expect(one.text).toMatch(/^Inferred a spec from 1 trace \(1 span\): 1 expected entry\.$/m);
    const withStep = buildTrace({ name: 'job', service: 'worker', children: [{ name: 'step' }] });
    const without = buildTrace({ name: 'job', service: 'worker' });
    for (const trace of [withStep, without]) await harness.app.writeSpans(movedToNow(trace, 60_000).spans);
    const two = await harness.call('generate_spec_from_traces', {
      trace_ids: [withStep.traceId, without.traceId],
    });
    expect(two.isError, two.text).toBe(false);
    expect(two.text).toMatch(
      /^Inferred a spec from 2 traces \(3 spans\): 1 expected entry; left out 1 span shape not always present\.$/m,
    );
  });

  it('refuses to infer from traces that do not exist, naming the id and what to pass', async () => {
    const result = await harness.call('generate_spec_from_traces', {
      trace_ids: ['ffffeeeeddddcccc'],
      name: 'nothing',
    });
    expect(result.isError).toBe(true);
    expect(result.text).toContain('ffffeeeeddddcccc');
    expect(result.text).toMatch(/get_traces|search_traces/);
  });

  it('finds a 30% slowdown between two runs given by run id, with medians, n, p and example traces', async () => {
    const result = await harness.call('detect_regressions', {
      baseline: { run_id: 'run-base' },
      current_traces: { run_id: 'run-slow' },
    });
    expect(result.isError, result.text).toBe(false);
    expect(result.structured.baseline.trace_count).toBe(30);
    expect(result.structured.current.trace_count).toBe(30);
    expect(result.structured.regressions).toHaveLength(1);
    expect(result.structured.regressions[0]).toMatchObject({
      service: 'api',
      operation: 'SELECT orders',
      direction: 'slower',
      baseline: { n: 30 },
      current: { n: 30 },
    });
    expect(result.structured.regressions[0].p_value).toBeLessThan(0.001);
    expect(slowRun.map((trace) => trace.traceId)).toContain(
      result.structured.regressions[0].example_trace_ids[0],
    );
    expect(result.text).toContain('1 finding: 1 slower, 0 over envelope, 0 structural.');
    expect(result.text).toMatch(/Slower:\n {2}api:SELECT orders: median/);
    expect(result.text).toMatch(/Next: analyze_trace/);
  });

  it('tells a slowdown caused by a query that now runs five times as the count change, with the operations it slows', async () => {
    const rand = seededRandom(11);
    for (const [queries, runId] of [
      [1, 'run-loop-base'],
      [5, 'run-loop-now'],
    ] as const)
      for (let i = 0; i < 8; i += 1)
        await harness.app.writeSpans(
          movedToNow(buildTrace(inventoryReserveSketch(rand, queries, { 'otel_mcp.run_id': runId }))).spans,
        );
    const result = await harness.call('detect_regressions', {
      baseline: { run_id: 'run-loop-base' },
      current_traces: { run_id: 'run-loop-now' },
    });
    expect(result.isError, result.text).toBe(false);
    expect(result.text).toContain(
      '1 finding: 2 operations slower only through an operation beneath that now runs more often (structural), 0 over envelope, 1 structural.',
    );
    expect(result.text).toMatch(
      /Structural changes:\n {2}count changed inventory-service:SELECT inventory: spans per trace: median 1 .* → 5 .*; explains the slowdown of 2 operations above it: /,
    );
    expect(result.text).not.toContain('Slower:');
  });

  it('shows a slow span once, as the cause of the slowdown of every span above it, and keeps their rows in the structured answer', async () => {
    const result = await harness.call('detect_regressions', {
      baseline: { run_id: 'run-chain-base' },
      current_traces: { run_id: 'run-chain-slow' },
    });
    expect(result.isError, result.text).toBe(false);
    expect(result.text).toContain(
      '1 finding: 1 slower (and 5 operations above it, slower only through it), 0 over envelope, 0 structural.',
    );
    expect(result.text).toMatch(
      /Slower:\n {2}payment-service:payment\.process: median .*; explains the slowdown of 5 operations above it: payment-service:POST \/payments, order-service:order\.create, order-service:POST \/orders and 2 more \(rows with explained_by\)\n(?! {2})/,
    );
    expect(result.text).not.toContain('frontend:POST /checkout: median');
    const rows = result.structured.regressions as {
      operation: string;
      explained_by?: { operation: string };
    }[];
    expect(rows).toHaveLength(6);
    expect(rows.filter((row) => row.explained_by?.operation === 'payment.process')).toHaveLength(5);
  });

  it('reports no regression between two halves of the same run given by trace ids', async () => {
    const result = await harness.call('detect_regressions', {
      baseline: { trace_ids: baselineRun.slice(0, 15).map((trace) => trace.traceId) },
      current_traces: { trace_ids: baselineRun.slice(15).map((trace) => trace.traceId) },
    });
    expect(result.isError, result.text).toBe(false);
    expect(result.structured.regressions).toEqual([]);
    expect(result.structured.structural).toEqual([]);
    expect(result.text).toContain('No regression found.');
  });

  it('says one trace against another is not judged, not "no regression", and shows the largest raw shift with how to get a verdict', async () => {
    const before = baselineRun[0]?.traceId as string;
    const result = await harness.call('detect_regressions', {
      baseline: { trace_ids: [before] },
      current_traces: { trace_ids: [oneSlow.traceId] },
    });
    expect(result.isError, result.text).toBe(false);
    expect(result.text).not.toContain('No regression found');
    expect(result.text).not.toContain('nothing to chase');
    expect(result.text).toContain(
      'No verdict on latency, not judged: too few spans (fewer than 8 on a side)',
    );
    expect(result.text).toMatch(
      /Largest raw shifts, not judged: api:SELECT orders [\d.]+ms → [\d.]+ms \(n 1\/1\)/,
    );
    expect(result.text).toMatch(
      /Next: for a verdict, get at least 8 spans a side: repeat the run \(execute_and_capture repeat: 8/,
    );
    expect(result.text).toContain(`diff_traces trace_id_a=${before} trace_id_b=${oneSlow.traceId}`);
  });

  it("judges current traces against a spec's duration envelopes given as baseline_spec", async () => {
    await harness.call('define_trace_spec', {
      name: 'orders-budget',
      specification: {
        expected_spans: [
          {
            operation_name: 'GET /orders',
            service_name: 'api',
            children: [
              { operation_name: 'SELECT orders', service_name: 'api', expected_duration_ms: { max: 115 } },
            ],
          },
        ],
      },
    });
    const slow = await harness.call('detect_regressions', {
      baseline_spec: 'orders-budget',
      current_traces: { run_id: 'run-slow' },
    });
    expect(slow.isError, slow.text).toBe(false);
    expect(slow.structured.envelope_breaches).toHaveLength(1);
    expect(slow.structured.envelope_breaches[0]).toMatchObject({
      path: 'GET /orders > SELECT orders',
      max_ms: 115,
    });
    const fine = await harness.call('detect_regressions', {
      baseline_spec: 'orders-budget',
      current_traces: { run_id: 'run-base' },
    });
    expect(fine.structured.envelope_breaches).toEqual([]);
  });

  it('pages its findings at a small budget, every one once, with the verdict on every page', async () => {
    const args = {
      baseline: { run_id: 'run-base' },
      current_traces: { run_id: 'run-wide' },
    };
    const first = await harness.call('detect_regressions', { ...args, budget_tokens: 500 });
    expect(first.isError, first.text).toBe(false);
    expect(first.structured.truncated.structural).toBeGreaterThan(0);
    expect(first.text).toMatch(/\d+ findings: 0 slower, 0 over envelope, \d+ structural\./);
    expect(
      await expectCursorPagesEveryRow(harness, 'detect_regressions', args, [
        'trace_kinds',
        'regressions',
        'envelope_breaches',
        'structural',
        'improvements',
        'not_judged',
        'unavailable',
      ]),
    ).toBeGreaterThan(1);
  });

  it("compares a run's requests with the other run's requests, not with its health-check probes", async () => {
    const result = await harness.call('detect_regressions', {
      baseline: { run_id: 'run-probed-base' },
      current_traces: { run_id: 'run-probed-now' },
    });
    expect(result.isError, result.text).toBe(false);
    expect(result.structured.structural).toEqual([]);
    expect(result.structured.trace_kinds).toEqual([
      { trace_kind: 'api: GET /orders', baseline_traces: 30, current_traces: 30, error_traces: 0 },
      { trace_kind: 'fees-service: GET /health', baseline_traces: 40, current_traces: 5, error_traces: 0 },
    ]);
    expect(result.text).toContain(
      '4 operations compared in 2 kinds of trace (root service: operation) found on both sides',
    );
    expect(result.text).toContain(
      'Kinds of trace (baseline / current traces):\n  api: GET /orders: 30 / 30\n  fees-service: GET /health: 40 / 5',
    );
    expect(result.text).toContain(
      'No regression found in the 3 operations judged; 1 not judged: too few spans (fewer than 8 on a side).',
    );
  });

  it('lists kinds of trace seen on one side only apart, and says when the sets share none', async () => {
    const someProbes = probedBase.slice(-3).map((trace) => trace.traceId);
    const apart = await harness.call('detect_regressions', {
      baseline: { trace_ids: [...baselineRun.map((trace) => trace.traceId), ...someProbes] },
      current_traces: { run_id: 'run-slow' },
    });
    expect(apart.isError, apart.text).toBe(false);
    expect(apart.text).toContain(
      'Not compared: 1 kind only in baseline (3 traces); a kind is compared only with the same kind.',
    );
    expect(apart.text).toContain('  fees-service: GET /health: 3 / 0 (only in baseline, not compared)');
    expect(apart.structured.regressions).toHaveLength(1);
    expect(apart.structured.structural).toEqual([]);

    const disjoint = await harness.call('detect_regressions', {
      baseline: { trace_ids: training.map((trace) => trace.traceId) },
      current_traces: { run_id: 'run-slow' },
    });
    expect(disjoint.isError, disjoint.text).toBe(false);
    expect(disjoint.structured.operations_compared).toBe(0);
    expect(disjoint.text).toContain('The two sets share no kind of trace, so nothing was compared');
    expect(disjoint.text).toContain('No verdict: no trace was compared.');
    expect(disjoint.text).not.toContain('No regression found');
    expect(disjoint.text).toMatch(/Next: call again with a baseline and current traces of the same kind/);
  });

  it('compares a run whose roots were lost in a crash with the baseline by their operations, and reports the crash', async () => {
    const result = await harness.call('detect_regressions', {
      baseline: { run_id: 'run-base' },
      current_traces: { run_id: 'run-crashed' },
    });
    expect(result.isError, result.text).toBe(false);
    expect(result.text).toContain(
      'Compared pooled, since no kind matched but their operations did (a root renamed, or lost in a crash): api: GET /orders (baseline) with api: SELECT orders (root not received) (current).',
    );
    expect(result.text).toContain(
      '  api: SELECT orders (root not received): 0 / 30 (only in current, compared with api: GET /orders)',
    );
    expect(result.text).toMatch(
      /\n {2}trace kind appeared api: SELECT orders \(root not received\): 30 current traces, none in baseline; the span that starts them never arrived/,
    );
    expect(result.structured.regressions).toEqual([
      expect.objectContaining({ service: 'api', operation: 'SELECT orders', direction: 'slower' }),
    ]);
    expect(result.structured.operations_compared).toBe(2);
    expect(result.text).toContain('3 findings: 1 slower, 0 over envelope, 2 structural.');
    expect(result.text).not.toContain('No regression found');
  });

  it('refuses a call without a baseline or with two kinds of trace set, saying what to pass', async () => {
    const none = await harness.call('detect_regressions', { current_traces: { run_id: 'run-slow' } });
    expect(none.isError).toBe(true);
    expect(none.text).toContain('baseline_spec');
    const both = await harness.call('detect_regressions', {
      baseline: { run_id: 'run-base', trace_ids: [baselineRun[0]?.traceId] },
      current_traces: { run_id: 'run-slow' },
    });
    expect(both.isError).toBe(true);
    expect(both.text).toMatch(/exactly one of trace_ids, run_id, session_id or time_range/);
  });

  it('compares two iterations of a development session, named by session id and iteration (default the latest)', async () => {
    const created = await harness.call('create_development_session', {
      project_name: 'regressions',
      working_dir: SCRIPTS,
      env: { OTEL_SERVICE_NAME: 'shop' },
    });
    expect(created.isError, created.text).toBe(false);
    const sessionId = created.structured.session_id as string;
    const first = await harness.call('execute_and_capture', {
      session_id: sessionId,
      command: emit('checkout reserve charge'),
    });
    const second = await harness.call('execute_and_capture', {
      session_id: sessionId,
      command: emit('checkout reserve'),
    });
    expect([first.structured.iteration, second.structured.iteration]).toEqual([1, 2]);

    const result = await harness.call('detect_regressions', {
      baseline: { session_id: sessionId, iteration: 1 },
      current_traces: { session_id: sessionId },
    });
    expect(result.isError, result.text).toBe(false);
    expect(result.structured.baseline).toMatchObject({ kind: 'traces', trace_count: 1 });
    expect(result.structured.baseline.description).toBe(
      `session ${sessionId} iteration 1, run ${first.structured.run_id}`,
    );
    expect(result.structured.current).toMatchObject({
      trace_count: 1,
      description: `session ${sessionId} iteration 2 (latest), run ${second.structured.run_id}`,
    });
    expect(result.structured.structural).toEqual([
      expect.objectContaining({
        kind: 'operation_disappeared',
        service: 'shop',
        operation: 'charge',
        example_trace_ids: [first.structured.traces[0].trace_id],
      }),
    ]);

    // The same run named by run_id gives the same answer.
    const byRun = await harness.call('detect_regressions', {
      baseline: { run_id: first.structured.run_id },
      current_traces: { session_id: sessionId, iteration: 2 },
    });
    expect(byRun.structured.structural).toEqual(result.structured.structural);
  });

  it('refuses an unknown session or iteration naming the valid ones, and a session without runs saying how to make one', async () => {
    const created = await harness.call('create_development_session', {
      project_name: 'one-run',
      working_dir: SCRIPTS,
      env: { OTEL_SERVICE_NAME: 'shop' },
    });
    const sessionId = created.structured.session_id as string;
    const empty = await harness.call('detect_regressions', {
      baseline: { run_id: 'run-base' },
      current_traces: { session_id: sessionId },
    });
    expect(empty.isError).toBe(true);
    expect(empty.text).toContain(`session ${sessionId} (one-run) has no iterations yet`);
    expect(empty.text).toMatch(/execute_and_capture/);

    await harness.call('execute_and_capture', { session_id: sessionId, command: emit('checkout reserve') });
    const noSuchIteration = await harness.call('detect_regressions', {
      baseline: { session_id: sessionId, iteration: 4 },
      current_traces: { session_id: sessionId },
    });
    expect(noSuchIteration.isError).toBe(true);
    expect(noSuchIteration.text).toContain(`baseline: session ${sessionId} has no iteration 4`);
    expect(noSuchIteration.text).toMatch(/its iterations are 1 \(1 is the latest\)/);

    const noSuchSession = await harness.call('detect_regressions', {
      baseline: { run_id: 'run-base' },
      current_traces: { session_id: 'ses_nope' },
    });
    expect(noSuchSession.isError).toBe(true);
    expect(noSuchSession.text).toContain('no development session "ses_nope"');
    expect(noSuchSession.text).toContain(sessionId);

    const loose = await harness.call('detect_regressions', {
      baseline: { run_id: 'run-base' },
      current_traces: { iteration: 1 },
    });
    expect(loose.isError).toBe(true);
    expect(loose.text).toContain('current_traces: iteration needs session_id');
    const two = await harness.call('detect_regressions', {
      baseline: { run_id: 'run-base', session_id: sessionId },
      current_traces: { session_id: sessionId },
    });
    expect(two.isError).toBe(true);
    expect(two.text).toMatch(/exactly one of trace_ids, run_id, session_id or time_range/);
  });

  it('diffs a good trace and one without its payment call: removed path, and nothing reported for the alike paths', async () => {
    const good = training[0] as Trace;
    const result = await harness.call('diff_traces', {
      trace_id_a: good.traceId,
      trace_id_b: defective.traceId,
      min_relative_change: 10,
    });
    expect(result.isError, result.text).toBe(false);
    const removed = (result.structured.differences as { path: string; status: string }[])
      .filter((item) => item.status === 'removed')
      .map((item) => item.path);
    expect(removed).toContain('frontend:POST /checkout > payment-service:payment.charge');
    expect(result.text).toMatch(/- frontend:POST \/checkout > payment-service:payment.charge: removed/);
    expect(result.text).toMatch(/Next: /);
  });

  it('reports a span that became ERROR, with its status message, first and counted in the lead, and points Next at it', async () => {
    const result = await harness.call('diff_traces', {
      trace_id_a: beforeFailure.traceId,
      trace_id_b: afterFailure.traceId,
    });
    expect(result.isError, result.text).toBe(false);
    expect(result.structured.differences[0]).toMatchObject({
      error_change: 'became_error',
      error: 'card processor timeout',
      a: { errors: 0 },
      b: { errors: 1 },
    });
    expect(result.text).toContain('1 path with new ERROR spans (listed first, deepest first); ');
    expect(result.text).toMatch(
      /\n {2}! [^\n]*payment-service:payment\.charge: became ERROR \(card processor timeout\)/,
    );
    expect(result.text).toContain(
      `Next: analyze_trace trace_id=${afterFailure.traceId} to see why payment-service:payment.charge failed (card processor timeout)`,
    );
  });

  it('lists a slow query once, saying it explains the paths above it that grew only through it', async () => {
    const request = (queryMs: number): Trace =>
      movedToNow(
        buildTrace({
          name: 'GET /orders',
          service: 'gateway',
          durationMs: queryMs + 40,
          children: [
            {
              name: 'orders.list',
              service: 'orders',
              startMs: 5,
              durationMs: queryMs + 20,
              children: [{ name: 'SELECT orders', kind: 'client', startMs: 6, durationMs: queryMs }],
            },
          ],
        }),
      );
    const [fast, slow] = [request(20), request(900)];
    for (const trace of [fast, slow]) await harness.app.writeSpans(trace.spans);
    const result = await harness.call('diff_traces', { trace_id_a: fast.traceId, trace_id_b: slow.traceId });
    expect(result.isError, result.text).toBe(false);
    const rows = result.text.split('\n').filter((line) => line.startsWith('  ~ '));
    expect(rows).toEqual([
      expect.stringMatching(
        /^ {2}~ … > orders:orders\.list > SELECT orders: grew .*; explains 2 paths above it that grew too$/,
      ),
    ]);
    expect(result.text).toContain('3 changed (2 of them only through a path beneath, counted with it)');
    expect(result.text).toMatch(
      /Next: analyze_trace trace_id=\w+ to look at orders:SELECT orders in context/,
    );
    expect(
      (result.structured.differences as { explained_by?: string }[]).filter((row) => row.explained_by),
    ).toHaveLength(2);
  });

  it('pages the differences of two traces at a small budget, every path once', async () => {
    const args = {
      trace_id_a: (training[0] as Trace).traceId,
      trace_id_b: defective.traceId,
      min_relative_change: 0,
    };
    const first = await harness.call('diff_traces', { ...args, budget_tokens: 500 });
    expect(first.structured.truncated.differences).toBeGreaterThan(0);
    expect(first.text).toContain('Cut for size:');
    expect(await expectCursorPagesEveryRow(harness, 'diff_traces', args, ['differences'])).toBeGreaterThan(1);
  });
});
