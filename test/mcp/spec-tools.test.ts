import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SpanKind, context, trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { DEFAULT_TOOLSETS } from '../../src/config/config-schema.js';
import { startHarness, type Harness } from '../support/mcp-harness.js';
import { createSdkTracer } from '../support/sdk-tracer.js';
import { waitFor } from '../support/wait-for.js';

const RUN = 'run-spec-tools-1';

interface CheckoutOptions {
  /** Drops the cart query and pays by the wrong method. */
  broken?: boolean;
  serviceName?: string;
  runId?: string;
  /** When the checkout happened (default now): places the trace in an older time window. */
  at?: Date;
}

/** One checkout from the real SDK. */
async function sendCheckout(harness: Harness, options: CheckoutOptions = {}): Promise<string> {
  const sdk = createSdkTracer({
    serviceName: options.serviceName ?? 'checkout-service',
    exporter: 'http-protobuf',
    endpoint: harness.otlpHttpUrl,
    resourceAttributes: { 'otel_mcp.run_id': options.runId ?? RUN },
  });
  const start = options.at?.getTime();
  const time = (offsetMs: number): { startTime?: Date } =>
    start === undefined ? {} : { startTime: new Date(start + offsetMs) };
  const end = (offsetMs: number): Date | undefined =>
    start === undefined ? undefined : new Date(start + offsetMs);
  const root = sdk.tracer.startSpan('POST /checkout', {
    kind: SpanKind.SERVER,
    attributes: { 'http.request.method': 'POST', 'http.response.status_code': 200 },
    ...time(0),
  });
  const parent = trace.setSpan(context.active(), root);
  if (!options.broken)
    sdk.tracer
      .startSpan(
        'SELECT cart',
        { kind: SpanKind.CLIENT, attributes: { 'db.system.name': 'sqlite' }, ...time(1) },
        parent,
      )
      .end(end(3));
  sdk.tracer
    .startSpan(
      'payment.charge',
      {
        kind: SpanKind.CLIENT,
        attributes: { 'payment.method': options.broken ? 'paypal' : 'card' },
        ...time(4),
      },
      parent,
    )
    .end(end(8));
  root.end(end(10));
  await sdk.flush();
  return root.spanContext().traceId;
}

/** Waits until every trace can be read back, whatever its age (get_traces only looks at the last hour). */
async function waitForTraces(harness: Harness, traceIds: readonly string[]): Promise<void> {
  await waitFor(`traces ${traceIds.join(', ')} to be stored`, async () => {
    for (const traceId of traceIds)
      if ((await harness.call('get_trace_by_id', { trace_id: traceId })).isError) return undefined;
    return true;
  });
}

const validatedIds = (result: { structured: Record<string, unknown> }): string[] =>
  (result.structured.traces as { trace_id: string }[]).map((item) => item.trace_id).sort();

const SPEC_YAML = `description: Checkout with a cart query and a card payment
expected_spans:
  - operation_name: POST /checkout
    service_name: checkout-service
    kind: server
    required_tags: { http.request.method: POST, http.response.status_code: 200 }
    children:
      - operation_name: SELECT cart
        service_name: checkout-service
        kind: client
      - operation_name: payment.charge
        service_name: checkout-service
        required_tags: { payment.method: card }
`;

describe('spec tools through a real MCP client', () => {
  let harness: Harness;
  const good: string[] = [];
  let bad: string;
  let failingComparison: Record<string, unknown>;

  beforeAll(async () => {
    // The aliases toolset too: compare_traces and validate_against_spec are tested here.
    harness = await startHarness({ flags: { toolsets: [...DEFAULT_TOOLSETS, 'aliases'] } });
    for (let index = 0; index < 3; index += 1) good.push(await sendCheckout(harness));
    bad = await sendCheckout(harness, { broken: true });
    await waitFor('the four checkout traces to be stored', async () => {
      const result = await harness.call('get_traces', { service_name: 'checkout-service' });
      return result.structured.traces?.length === 4 ? true : undefined;
    });
  });
  afterAll(async () => harness?.close());

  it('lists the spec and analysis tools with described inputs and output schemas', async () => {
    const { tools } = await harness.client.listTools();
    const names = [
      'define_trace_spec',
      'get_trace_spec',
      'list_trace_specs',
      'update_trace_spec',
      'list_spec_templates',
      'compare_trace_to_spec',
      'compare_traces',
      'validate_against_spec',
      'validate_trace_collection',
      'generate_improvement_suggestions',
    ];
    for (const name of names) {
      const tool = tools.find((candidate) => candidate.name === name);
      expect(tool, name).toBeDefined();
      expect(tool?.outputSchema, name).toBeDefined();
      const properties = (tool?.inputSchema.properties ?? {}) as Record<string, { description?: string }>;
      for (const [key, property] of Object.entries(properties))
        expect(property.description, `${name}.${key}`).toBeTruthy();
    }
  });

  it('refuses an invalid spec listing every problem by path, and stores nothing', async () => {
    const result = await harness.call('define_trace_spec', {
      name: 'broken_spec',
      specification: {
        expected_spans: [
          { operation_name: 'a', count: 'many', children: [{ service_name: 'x', requird_tags: {} }] },
        ],
        performance_constraints: { max_depth: -1 },
      },
    });
    expect(result.isError).toBe(true);
    expect(result.text).toContain('expected_spans[0].count');
    expect(result.text).toContain('expected_spans[0].children[0].operation_name');
    expect(result.text).toMatch(
      /expected_spans\[0\]\.children\[0\]\.requird_tags: unknown key; did you mean required_tags\?/,
    );
    expect(result.text).toContain('performance_constraints.max_depth');
    expect(result.text).toMatch(/nothing stored/);
    const list = await harness.call('list_trace_specs');
    expect(list.structured.specs.map((spec: { name: string }) => spec.name)).not.toContain('broken_spec');
  });

  it('lists the typos beneath a mistyped children key in the same refusal, not one level per round trip', async () => {
    const result = await harness.call('define_trace_spec', {
      name: 'typo_levels',
      specification: [
        'expected_spans:',
        '  - operation_name: POST /loans',
        '    service_name: gateway',
        '    chidren:',
        '      - operaton_name: POST /loans',
        '        service_name: loans-service',
        '        requried_tags: { loan.days: 14 }',
      ].join('\n'),
    });
    expect(result.isError).toBe(true);
    expect(result.text).toContain('(3 problems)');
    expect(result.text).toContain('expected_spans[0].chidren: unknown key; did you mean children?');
    expect(result.text).toContain(
      'expected_spans[0].chidren[0].operaton_name: unknown key; did you mean operation_name?',
    );
    expect(result.text).toContain(
      'expected_spans[0].chidren[0].requried_tags: unknown key; did you mean required_tags?',
    );
  });

  it('refuses a spec name that could leave the specs dir, saying which names are accepted', async () => {
    const result = await harness.call('define_trace_spec', { name: '../x', specification: SPEC_YAML });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/lower-case letter or digit/);
  });

  it('defines a spec from YAML text, mirrors it to a file, and stores no new version for the same content', async () => {
    const first = await harness.call('define_trace_spec', {
      name: 'checkout_flow',
      specification: SPEC_YAML,
    });
    expect(first.isError, first.text).toBe(false);
    expect(first.structured).toMatchObject({
      name: 'checkout_flow',
      version: 1,
      created: true,
      entries: ['POST /checkout', 'POST /checkout > SELECT cart', 'POST /checkout > payment.charge'],
    });
    expect(readFileSync(first.structured.file, 'utf8')).toContain('operation_name: payment.charge');
    const again = await harness.call('define_trace_spec', {
      name: 'checkout_flow',
      specification: `name: checkout_flow\n${SPEC_YAML}`,
    });
    expect(again.structured).toMatchObject({ version: 1, created: false });
    expect(again.text).toMatch(/unchanged/);
    const list = await harness.call('list_trace_specs');
    expect(list.structured.specs).toContainEqual(
      expect.objectContaining({ name: 'checkout_flow', latest_version: 1, version_count: 1, entry_count: 3 }),
    );
    expect(list.text).toMatch(/checkout_flow v1 \(1 version, 3 entries\)/);
  });

  it('follows the loop: a spec from YAML, a trace over OTLP, a verdict, an update that changes it, and version 1 still judging as before', async () => {
    const defined = await harness.call('define_trace_spec', {
      name: 'checkout_story',
      specification: SPEC_YAML,
    });
    expect(defined.structured).toMatchObject({ version: 1, created: true });
    const traceId = await sendCheckout(harness, { runId: 'run-spec-tools-story' });
    await waitForTraces(harness, [traceId]);

    const first = await harness.call('compare_trace_to_spec', {
      trace_id: traceId,
      spec_name: 'checkout_story',
    });
    expect(first.structured).toMatchObject({ matches_specification: true, spec_version: 1, violations: [] });

    // The change the agent is about to make: payments name their currency. The trace does not yet.
    const updated = await harness.call('update_trace_spec', {
      name: 'checkout_story',
      updates: {
        span_updates: [
          {
            path: 'POST /checkout > payment.charge',
            set: { required_tags: { 'payment.method': 'card', 'payment.currency': 'EUR' } },
          },
        ],
      },
      note: 'payments name their currency',
    });
    expect(updated.isError, updated.text).toBe(false);
    expect(updated.structured).toMatchObject({ version: 2, created: true, previous_version: 1 });

    const second = await harness.call('compare_trace_to_spec', {
      trace_id: traceId,
      spec_name: 'checkout_story',
    });
    expect(second.structured).toMatchObject({ matches_specification: false, spec_version: 2 });
    expect(second.structured.violations).toEqual([
      expect.objectContaining({
        kind: 'tag_missing',
        path: 'POST /checkout > payment.charge',
        tag: 'payment.currency',
        span: expect.objectContaining({ name: 'payment.charge' }),
      }),
    ]);
    expect(second.text).toMatch(/^✗ .*checkout_story v2/m);

    const byFirstVersion = await harness.call('compare_trace_to_spec', {
      trace_id: traceId,
      spec_name: 'checkout_story',
      spec_version: 1,
    });
    expect(byFirstVersion.structured).toMatchObject({
      matches_specification: true,
      spec_version: 1,
      violations: [],
    });
  });

  it('turns a failing verdict into a pass when an update relaxes what failed, and the old version still fails the same way', async () => {
    await harness.call('define_trace_spec', { name: 'checkout_relaxed', specification: SPEC_YAML });
    const traceId = await sendCheckout(harness, { broken: true, runId: 'run-spec-tools-relaxed' });
    await waitForTraces(harness, [traceId]);
    const first = await harness.call('compare_trace_to_spec', {
      trace_id: traceId,
      spec_name: 'checkout_relaxed',
    });
    expect(first.structured).toMatchObject({ matches_specification: false, spec_version: 1 });

    const updated = await harness.call('update_trace_spec', {
      name: 'checkout_relaxed',
      updates: {
        span_updates: [
          { path: 'POST /checkout > SELECT cart', remove: true },
          {
            path: 'POST /checkout > payment.charge',
            set: { required_tags: { 'payment.method': { in: ['card', 'paypal'] } } },
          },
        ],
      },
    });
    expect(updated.structured).toMatchObject({ version: 2, created: true });
    const second = await harness.call('compare_trace_to_spec', {
      trace_id: traceId,
      spec_name: 'checkout_relaxed',
    });
    expect(second.structured).toMatchObject({ matches_specification: true, spec_version: 2, violations: [] });
    const byFirstVersion = await harness.call('compare_trace_to_spec', {
      trace_id: traceId,
      spec_name: 'checkout_relaxed',
      spec_version: 1,
    });
    expect(byFirstVersion.structured).toMatchObject({ matches_specification: false, spec_version: 1 });
    expect(byFirstVersion.structured.violations).toEqual(first.structured.violations);
  });

  it('updates part of the spec as a new version, and shows an older version and the difference', async () => {
    const updated = await harness.call('update_trace_spec', {
      name: 'checkout_flow',
      updates: { performance_constraints: { max_span_count: 10 } },
      note: 'bound the fan-out',
    });
    expect(updated.isError, updated.text).toBe(false);
    expect(updated.structured).toMatchObject({ version: 2, created: true, previous_version: 1 });
    expect(updated.text).toMatch(/performance_constraints\.max_span_count/);
    const old = await harness.call('get_trace_spec', { name: 'checkout_flow', version: 1 });
    expect(old.structured).toMatchObject({ version: 1, latest_version: 2 });
    expect(parseYaml(old.structured.yaml_lines.join('\n')).performance_constraints).toBeUndefined();
    expect(old.structured.history.map((item: { version: number }) => item.version)).toEqual([2, 1]);
    expect(old.text).toContain('expected_spans:');
    const diff = await harness.call('get_trace_spec', { name: 'checkout_flow', diff_from: 1 });
    expect(diff.structured.diff).toEqual({ from: 1, to: 2, identical: false });
    expect(diff.structured.changes).toEqual([
      expect.objectContaining({
        change: 'added',
        path: 'performance_constraints.max_span_count',
        after: 10,
      }),
    ]);
    const missing = await harness.call('get_trace_spec', { name: 'checkout_flw' });
    expect(missing.isError).toBe(true);
    expect(missing.text).toMatch(/did you mean checkout_flow/);
  });

  it('says a passing trace matches', async () => {
    const result = await harness.call('compare_trace_to_spec', {
      trace_id: good[0],
      spec_name: 'checkout_flow',
    });
    expect(result.isError, result.text).toBe(false);
    expect(result.structured).toMatchObject({
      matches_specification: true,
      spec_version: 2,
      violations: [],
      missing_spans: [],
    });
    expect(result.text).toMatch(/^✓ trace .* matches spec checkout_flow v2/m);
  });

  it('explains a failing trace with evidence and fixes, under the plan synonym compare_traces', async () => {
    const result = await harness.call('compare_traces', {
      actual_trace_id: bad.slice(0, 12),
      spec_name: 'checkout_flow',
    });
    expect(result.isError, result.text).toBe(false);
    expect(result.structured.matches_specification).toBe(false);
    const kinds = result.structured.violations.map(
      (violation: { kind: string; path: string }) => `${violation.kind} ${violation.path}`,
    );
    expect(kinds).toEqual(
      expect.arrayContaining([
        'missing POST /checkout > SELECT cart',
        'tag_mismatch POST /checkout > payment.charge',
      ]),
    );
    const tag = result.structured.violations.find(
      (violation: { kind: string }) => violation.kind === 'tag_mismatch',
    );
    expect(tag).toMatchObject({
      tag: 'payment.method',
      span: { name: 'payment.charge', service: 'checkout-service' },
    });
    expect(tag.message).toMatch(/paypal/);
    expect(result.structured.suggestions.length).toBeGreaterThan(0);
    expect(result.text).toMatch(/fix: /);
    failingComparison = result.structured;
  });

  it('answers the same through validate_against_spec, for an older spec version too', async () => {
    const result = await harness.call('validate_against_spec', {
      trace_id: good[1],
      spec_name: 'checkout_flow',
      spec_version: 1,
    });
    expect(result.structured).toMatchObject({ matches_specification: true, spec_version: 1 });
    const neither = await harness.call('compare_trace_to_spec', { spec_name: 'checkout_flow' });
    expect(neither.isError).toBe(true);
    expect(neither.text).toMatch(/pass trace_id/);
  });

  it('cuts a long comparison to the budget, counts the violations cut, and its cursor pages every violation once', async () => {
    const entries = Array.from({ length: 30 }, (_, index) => ({
      operation_name: `step.${index}`,
      service_name: 'nowhere-service',
    }));
    expect(
      (
        await harness.call('define_trace_spec', {
          name: 'many_steps',
          specification: { expected_spans: entries },
        })
      ).isError,
    ).toBe(false);
    const args = { trace_id: good[0], spec_name: 'many_steps', budget_tokens: 500 };
    const result = await harness.call('compare_trace_to_spec', args);
    expect(result.structured.matches_specification).toBe(false);
    expect(result.text).toContain('does not match spec many_steps');
    expect(result.structured.truncated.violations).toBeGreaterThan(0);
    expect(result.structured.violations.length + result.structured.truncated.violations).toBe(30);
    expect(result.text).toMatch(/Cut for size: \d+ violations/);
    expect(result.text.length).toBeLessThanOrEqual(500 * 3.5);
    expect(JSON.stringify(result.structured).length).toBeLessThanOrEqual(500 * 3.5);

    const paths = result.structured.violations.map((violation: { path: string }) => violation.path);
    let cursor: string | undefined = result.structured.next_cursor;
    while (cursor) {
      const page = await harness.call('compare_trace_to_spec', { ...args, cursor });
      expect(page.isError).toBe(false);
      paths.push(...(page.structured.violations ?? []).map((violation: { path: string }) => violation.path));
      cursor = page.structured.next_cursor;
    }
    const whole = await harness.call('compare_trace_to_spec', { ...args, budget_tokens: 50_000 });
    expect(whole.structured.truncated).toBeUndefined();
    expect(paths).toEqual(whole.structured.violations.map((violation: { path: string }) => violation.path));
  });

  it('counts the violations past max_violations and says to raise it', async () => {
    const result = await harness.call('compare_trace_to_spec', {
      trace_id: good[0],
      spec_name: 'many_steps',
      max_violations: 10,
      budget_tokens: 50_000,
    });
    expect(result.structured.violations).toHaveLength(10);
    expect(result.structured.truncated).toEqual({ violations: 20 });
    expect(result.structured.next_cursor).toBeUndefined();
    expect(result.text).toContain('Past the limit: 20 more violations; raise max_violations');
  });

  it('pages every list of a collection check with its cursor at a small budget, each row once', async () => {
    const args = { spec_name: 'checkout_flow', filter: { run_id: RUN }, budget_tokens: 500 };
    const keys = ['traces', 'failures', 'coverage', 'durations', 'unexercised', 'unavailable'];
    const first = await harness.call('validate_trace_collection', args);
    expect(first.isError, first.text).toBe(false);
    expect(first.structured.next_cursor).toBeDefined();
    expect(first.text).toMatch(/4 traces vs checkout_flow v2: 3 passed, 1 failed/);
    const rows: Record<string, unknown[]> = Object.fromEntries(keys.map((key) => [key, []]));
    let page = first;
    for (;;) {
      for (const key of keys) rows[key]!.push(...(page.structured[key] ?? []));
      const cursor: string | undefined = page.structured.next_cursor;
      if (!cursor) break;
      page = await harness.call('validate_trace_collection', { ...args, cursor });
      expect(page.isError, page.text).toBe(false);
    }
    const whole = await harness.call('validate_trace_collection', { ...args, budget_tokens: 50_000 });
    expect(whole.structured.truncated).toBeUndefined();
    for (const key of keys) expect(rows[key], key).toEqual(whole.structured[key]);
  });

  it('validates every trace of a run with pass rate, failing entries and coverage', async () => {
    const result = await harness.call('validate_trace_collection', {
      spec_name: 'checkout_flow',
      filter: { run_id: RUN },
    });
    expect(result.isError, result.text).toBe(false);
    expect(result.structured).toMatchObject({
      trace_count: 4,
      passed: 3,
      failed: 1,
      pass_rate: 0.75,
      unexercised: [],
    });
    expect(result.structured.failures.map((failure: { path: string }) => failure.path)).toEqual(
      expect.arrayContaining(['POST /checkout > SELECT cart', 'POST /checkout > payment.charge']),
    );
    const cart = result.structured.coverage.find(
      (entry: { path: string }) => entry.path === 'POST /checkout > SELECT cart',
    );
    expect(cart).toMatchObject({ exercised_traces: 3, rate: 0.75 });
    expect(
      result.structured.durations.find((entry: { path: string }) => entry.path === 'POST /checkout')?.samples,
    ).toBe(4);
    expect(result.text).toMatch(/4 traces vs checkout_flow v2: 3 passed, 1 failed \(pass rate 75%/);

    const byIds = await harness.call('validate_trace_collection', {
      spec_name: 'checkout_flow',
      trace_ids: [...good, 'ffffffffffffffffffffffffffffffff'],
    });
    expect(byIds.structured).toMatchObject({ trace_count: 3, passed: 3, pass_rate: 1 });
    expect(byIds.structured.unavailable).toEqual([
      expect.objectContaining({ trace_id: 'ffffffffffffffffffffffffffffffff' }),
    ]);
    expect(byIds.text).toContain('Not compared: 1 trace could not be read.');
    const one = await harness.call('validate_trace_collection', {
      spec_name: 'checkout_flow',
      trace_ids: [good[0]],
    });
    expect(one.text).toMatch(/^1 trace vs checkout_flow v2: 1 passed, 0 failed/m);
    expect(one.text).toMatch(/^ {2}POST \/checkout: in 1 trace \(100%\), 1 span$/m);
    const otherRun = await harness.call('validate_trace_collection', {
      spec_name: 'checkout_flow',
      filter: { run_id: 'no-such-run' },
    });
    expect(otherRun.structured.trace_count).toBe(0);
  });

  it('validates only the traces of the service named in the filter', async () => {
    await harness.call('define_trace_spec', { name: 'checkout_filters', specification: SPEC_YAML });
    const storefront = [
      await sendCheckout(harness, { serviceName: 'storefront-service', runId: 'run-spec-tools-storefront' }),
      await sendCheckout(harness, { serviceName: 'storefront-service', runId: 'run-spec-tools-storefront' }),
    ];
    await waitForTraces(harness, storefront);

    const theirs = await harness.call('validate_trace_collection', {
      spec_name: 'checkout_filters',
      filter: { service_name: 'storefront-service' },
    });
    expect(theirs.isError, theirs.text).toBe(false);
    expect(validatedIds(theirs)).toEqual([...storefront].sort());
    // The spec names checkout-service, so the storefront's own checkouts fail it.
    expect(theirs.structured).toMatchObject({ trace_count: 2, passed: 0, failed: 2 });

    const checkout = await harness.call('validate_trace_collection', {
      spec_name: 'checkout_filters',
      filter: { service_name: 'checkout-service' },
    });
    expect(validatedIds(checkout)).toEqual(expect.arrayContaining([...good, bad]));
    expect(validatedIds(checkout)).not.toContain(storefront[0]);
    expect(validatedIds(checkout)).not.toContain(storefront[1]);
  });

  it('validates only the traces that started inside the filter time range', async () => {
    await harness.call('define_trace_spec', { name: 'checkout_filters', specification: SPEC_YAML });
    const hour = 3_600_000;
    const now = Date.now();
    const windowOf = (hoursAgo: number): string =>
      `${new Date(now - hoursAgo * hour).toISOString()}..${new Date(now - (hoursAgo - 1) * hour).toISOString()}`;
    const runId = 'run-spec-tools-windows';
    const older = [
      await sendCheckout(harness, { runId, at: new Date(now - 4.5 * hour) }),
      await sendCheckout(harness, { runId, at: new Date(now - 4.4 * hour), broken: true }),
    ];
    const newer = await sendCheckout(harness, { runId, at: new Date(now - 2.5 * hour) });
    await waitForTraces(harness, [...older, newer]);

    const fourHoursAgo = await harness.call('validate_trace_collection', {
      spec_name: 'checkout_filters',
      filter: { time_range: windowOf(5) },
    });
    expect(fourHoursAgo.isError, fourHoursAgo.text).toBe(false);
    expect(validatedIds(fourHoursAgo)).toEqual([...older].sort());
    expect(fourHoursAgo.structured).toMatchObject({ trace_count: 2, passed: 1, failed: 1 });

    const twoHoursAgo = await harness.call('validate_trace_collection', {
      spec_name: 'checkout_filters',
      filter: { time_range: windowOf(3) },
    });
    expect(validatedIds(twoHoursAgo)).toEqual([newer]);
    expect(twoHoursAgo.structured).toMatchObject({ trace_count: 1, passed: 1 });

    // The run holds all three; a time range narrows it.
    const wholeRun = await harness.call('validate_trace_collection', {
      spec_name: 'checkout_filters',
      filter: { run_id: runId },
    });
    expect(validatedIds(wholeRun)).toEqual([...older, newer].sort());
    const runInWindow = await harness.call('validate_trace_collection', {
      spec_name: 'checkout_filters',
      filter: { run_id: runId, time_range: windowOf(3) },
    });
    expect(validatedIds(runInWindow)).toEqual([newer]);
  });

  it('turns a comparison into prioritized actions, structure before tags', async () => {
    const result = await harness.call('generate_improvement_suggestions', {
      analysis_result: failingComparison,
    });
    expect(result.isError, result.text).toBe(false);
    const categories = result.structured.improvements.map((item: { category: string }) => item.category);
    expect(categories).toContain('structure');
    expect(categories).toContain('tags');
    expect(categories.indexOf('structure')).toBeLessThan(categories.indexOf('tags'));
    expect(result.text).toMatch(/^1\. \[structure\]/m);
    const fromText = await harness.call('generate_improvement_suggestions', {
      analysis_result: JSON.stringify(failingComparison),
    });
    expect(fromText.structured.improvements).toEqual(result.structured.improvements);
  });

  it('turns performance findings and analysis errors into actions, errors first', async () => {
    const findings = {
      findings: [
        {
          kind: 'n_plus_one_db',
          severity: 'medium',
          summary: '25 × SELECT item',
          fix: 'load the items in one query',
          spans: { items: [{ span_id: 'a1', name: 'SELECT item', service: 'shop' }], total: 25, omitted: 24 },
        },
      ],
    };
    const analysis = {
      trace_id: 'x',
      errors: {
        root_causes: {
          items: [
            { span: { span_id: 'b2', name: 'payment.charge', service: 'payments' }, reason: 'card declined' },
          ],
          total: 1,
          omitted: 0,
        },
      },
      structure: { orphans: { items: [], total: 0, omitted: 0 } },
    };
    const result = await harness.call('generate_improvement_suggestions', {
      analysis_result: [findings, analysis],
    });
    expect(result.isError, result.text).toBe(false);
    expect(result.structured.recognized).toEqual(['performance_findings', 'trace_analysis']);
    expect(
      result.structured.improvements.map((item: { category: string; span_id?: string }) => [
        item.category,
        item.span_id,
      ]),
    ).toEqual([
      ['error', 'b2'],
      ['performance', 'a1'],
    ]);
    const unknown = await harness.call('generate_improvement_suggestions', { analysis_result: { hello: 1 } });
    expect(unknown.isError).toBe(true);
    expect(unknown.text).toMatch(/compare_trace_to_spec/);
  });

  it('reads the answers of analyze_trace and detect_performance_issues as they come back', async () => {
    const analysis = await harness.call('analyze_trace', { trace_id: bad });
    const findings = await harness.call('detect_performance_issues', { trace_id: bad });
    expect(analysis.isError || findings.isError, `${analysis.text}\n${findings.text}`).toBe(false);
    const result = await harness.call('generate_improvement_suggestions', {
      analysis_result: [analysis.structured, findings.structured, failingComparison],
    });
    expect(result.isError, result.text).toBe(false);
    expect(result.structured.recognized).toEqual([
      'trace_analysis',
      'performance_findings',
      'spec_comparison',
    ]);
    expect(result.structured.improvements[0]).toMatchObject({
      category: 'structure',
      source: 'spec_comparison',
    });
  });

  it('pages a plan cut at a small configured budget with its cursor, each action once, and counts actions past max', async () => {
    const args = { trace_id: bad, spec_name: 'checkout_flow', max: 50 };
    const whole = await harness.call('generate_improvement_suggestions', args);
    expect(whole.isError, whole.text).toBe(false);
    expect(whole.structured.truncated).toBeUndefined();
    const configured = harness.app.config.mcp.output_budget_tokens;
    // The tool takes no budget_tokens: a small configured budget is what cuts its list.
    harness.app.config.mcp.output_budget_tokens = 300;
    try {
      const actions: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        pages += 1;
        const page = await harness.call('generate_improvement_suggestions', {
          ...args,
          ...(cursor ? { cursor } : {}),
        });
        expect(page.isError, page.text).toBe(false);
        actions.push(...(page.structured.improvements ?? []).map((item: { action: string }) => item.action));
        cursor = page.structured.next_cursor;
      } while (cursor);
      expect(pages).toBeGreaterThan(1);
      expect(actions).toEqual(whole.structured.improvements.map((item: { action: string }) => item.action));
    } finally {
      harness.app.config.mcp.output_budget_tokens = configured;
    }
    const one = await harness.call('generate_improvement_suggestions', { ...args, max: 1 });
    expect(one.structured.improvements).toHaveLength(1);
    expect(one.structured.truncated).toEqual({ improvements: whole.structured.improvements.length - 1 });
    expect(one.text).toContain('raise max (up to 50)');
  });

  it('plans from a trace and a spec named by reference as from their answers pasted back', async () => {
    const comparison = await harness.call('compare_trace_to_spec', {
      trace_id: bad,
      spec_name: 'checkout_flow',
    });
    const findings = await harness.call('detect_performance_issues', { trace_id: bad });
    const analysis = await harness.call('analyze_trace', { trace_id: bad });
    const pasted = await harness.call('generate_improvement_suggestions', {
      analysis_result: [comparison.structured, findings.structured, analysis.structured],
      max: 50,
    });
    const byReference = await harness.call('generate_improvement_suggestions', {
      trace_id: bad.slice(0, 12),
      spec_name: 'checkout_flow',
      max: 50,
    });
    expect(byReference.isError, byReference.text).toBe(false);
    expect(byReference.structured.recognized).toEqual([
      'spec_comparison',
      'performance_findings',
      'trace_analysis',
    ]);
    expect(byReference.structured.improvements).toEqual(pasted.structured.improvements);
    expect(byReference.text).toMatch(
      new RegExp(`from trace ${bad} against checkout_flow v\\d+: spec_comparison`),
    );

    const both = await harness.call('generate_improvement_suggestions', {
      trace_id: bad,
      analysis_result: { findings: [] },
    });
    expect(both.isError).toBe(true);
    expect(both.text).toMatch(/pass one/);
    const neither = await harness.call('generate_improvement_suggestions', {});
    expect(neither.isError).toBe(true);
    expect(neither.text).toMatch(/trace_id \(\+ spec_name\), session_id/);
  });

  it('defines a spec from a template and lists the templates', async () => {
    const templates = await harness.call('list_spec_templates');
    const names = templates.structured.templates.map((template: { name: string }) => template.name);
    expect(names).toEqual(expect.arrayContaining(['cache_aside', 'checkout_saga']));
    const result = await harness.call('define_trace_spec', {
      name: 'product_reads',
      template: 'cache_aside',
      parameters: { scenario: 'hit' },
    });
    expect(result.isError, result.text).toBe(false);
    expect(result.structured).toMatchObject({ name: 'product_reads', version: 1 });
    expect(result.text).toContain('name: product_reads');
    const wrong = await harness.call('define_trace_spec', { name: 'x1', template: 'cache_asid' });
    expect(wrong.isError).toBe(true);
    expect(wrong.text).toMatch(/did you mean cache_aside/);
  });

  it('refuses an invalid update listing every problem by path, and stores nothing', async () => {
    const defined = await harness.call('define_trace_spec', {
      name: 'checkout_guarded',
      specification: SPEC_YAML,
    });
    const fileBefore = readFileSync(defined.structured.file, 'utf8');
    const result = await harness.call('update_trace_spec', {
      name: 'checkout_guarded',
      updates: {
        descripton: 'typo in a key',
        performance_constraints: { max_depth: -1 },
        span_updates: [
          { path: 'POST /checkout > payment.charg', set: { count: 2 } },
          { path: 'POST /checkout > SELECT cart', set: { count: 'many' } },
        ],
      },
    });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/not applied \(4 problems\)/);
    expect(result.text).toContain('updates.descripton: unknown key; did you mean description?');
    expect(result.text).toContain(
      'updates.span_updates[0].path: no entry at "POST /checkout > payment.charg"; did you mean POST /checkout > payment.charge?',
    );
    expect(result.text).toContain('performance_constraints.max_depth');
    expect(result.text).toContain('expected_spans[0].children[0].count');
    expect(result.text).toContain('Next: give each span_updates path exactly as the spec names it');

    const list = await harness.call('list_trace_specs');
    expect(list.structured.specs).toContainEqual(
      expect.objectContaining({ name: 'checkout_guarded', latest_version: 1, version_count: 1 }),
    );
    const stored = await harness.call('get_trace_spec', { name: 'checkout_guarded' });
    expect(stored.structured).toMatchObject({ version: 1, latest_version: 1 });
    expect(stored.structured.history.map((item: { version: number }) => item.version)).toEqual([1]);
    const storedSpec = parseYaml(stored.structured.yaml_lines.join('\n'));
    expect(storedSpec.performance_constraints).toBeUndefined();
    expect(storedSpec.expected_spans[0].children[0].count).toBeUndefined();
    expect(readFileSync(defined.structured.file, 'utf8')).toBe(fileBefore);
  });

  it('picks up a spec file added by hand to the specs dir, in the list and in a comparison', async () => {
    const dir = join(harness.dataDir, 'trace-specs');
    mkdirSync(dir, { recursive: true });
    const payment = (name: string): string =>
      `name: ${name}\nexpected_spans:\n  - operation_name: POST /checkout\n    service_name: checkout-service\n    children:\n      - operation_name: payment.charge\n        required_tags: { payment.method: card }\n`;
    writeFileSync(join(dir, 'hand_listed.yaml'), payment('hand_listed'));
    const list = await harness.call('list_trace_specs');
    expect(list.structured.spec_files.imported).toContainEqual(
      expect.objectContaining({ name: 'hand_listed', version: 1 }),
    );
    expect(list.structured.specs).toContainEqual(
      expect.objectContaining({ name: 'hand_listed', latest_version: 1, version_count: 1, entry_count: 2 }),
    );
    expect(list.text).toMatch(
      /Picked up a hand edit of .*hand_listed\.yaml: stored as hand_listed version 1/,
    );

    // Named first by a comparison, with no listing in between.
    writeFileSync(join(dir, 'hand_compared.yaml'), payment('hand_compared'));
    const passing = await harness.call('compare_trace_to_spec', {
      trace_id: good[0],
      spec_name: 'hand_compared',
    });
    expect(passing.isError, passing.text).toBe(false);
    expect(passing.structured).toMatchObject({ matches_specification: true, spec_version: 1 });
    const failing = await harness.call('compare_trace_to_spec', {
      trace_id: bad,
      spec_name: 'hand_compared',
    });
    expect(failing.structured.violations).toEqual([
      expect.objectContaining({ kind: 'tag_mismatch', path: 'POST /checkout > payment.charge' }),
    ]);
    const stored = await harness.call('get_trace_spec', { name: 'hand_compared' });
    expect(stored.structured.history).toEqual([expect.objectContaining({ version: 1, source: 'file' })]);
  });

  it('picks up a hand edit of the YAML file on the next call, and reports an invalid one', async () => {
    const file = join(harness.dataDir, 'trace-specs', 'checkout_flow.yaml');
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace('max_span_count: 10', 'max_span_count: 12'));
    const list = await harness.call('list_trace_specs');
    expect(list.structured.spec_files.imported).toEqual([
      expect.objectContaining({ name: 'checkout_flow', version: 3 }),
    ]);
    expect(list.text).toMatch(/Picked up a hand edit/);
    writeFileSync(file, text.replace('max_span_count: 10', 'max_span_count: ten'));
    const after = await harness.call('get_trace_spec', { name: 'checkout_flow' });
    expect(after.structured.version).toBe(3);
    expect(after.structured.spec_files.invalid[0].problems[0].path).toBe(
      'performance_constraints.max_span_count',
    );
    expect(after.text).toMatch(/not a valid spec, so it was not imported/);
    // Once shown, a file left broken costs one line, not its problems again; list_trace_specs shows them.
    const again = await harness.call('get_trace_spec', { name: 'checkout_flow' });
    expect(again.text).toContain(
      'checkout_flow.yaml is still not a valid spec (not imported; list_trace_specs shows why).',
    );
    expect(again.text).not.toContain('performance_constraints.max_span_count');
    expect(again.structured.spec_files.invalid[0].problems[0].path).toBe(
      'performance_constraints.max_span_count',
    );
    expect((await harness.call('list_trace_specs')).text).toMatch(/not a valid spec, so it was not imported/);
    writeFileSync(file, text);
  });
});

describe('spec tools over the 2025 protocol era', () => {
  it('defines and compares through an in-memory client', async () => {
    const harness = await startHarness({ era: 'legacy' });
    try {
      const traceId = await sendCheckout(harness);
      await waitFor('the trace to be stored', async () => {
        const result = await harness.call('get_traces', { service_name: 'checkout-service' });
        return result.structured.traces?.length ? true : undefined;
      });
      expect(
        (await harness.call('define_trace_spec', { name: 'checkout_flow', specification: SPEC_YAML }))
          .isError,
      ).toBe(false);
      const result = await harness.call('compare_trace_to_spec', {
        trace_id: traceId,
        spec_name: 'checkout_flow',
      });
      expect(result.structured.matches_specification).toBe(true);
    } finally {
      await harness.close();
    }
  });
});
