/**
 * The checkout example end to end: five real processes instrumented with the real OpenTelemetry
 * SDKs export to the real otel-mcp receiver; the captured traces are checked against the example's
 * own specs, with the defects off and each defect on alone.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectPerformanceIssues } from '../../src/analysis/index.js';
import type { Span, Trace } from '../../src/model/index.js';
import {
  compareTraceToSpec,
  parseTraceSpec,
  type ComparisonResult,
  type TraceSpec,
  type Violation,
} from '../../src/tracespec/index.js';
import { freePort } from '../support/free-port.js';
import { startHarness, type Harness } from '../support/mcp-harness.js';
import { waitFor } from '../support/wait-for.js';
import { CHECKOUT_DIR, readManifest, runCheckout, type CheckoutRun } from './checkout-app.js';

const manifest = readManifest();
const specs = new Map<string, TraceSpec>(
  manifest.specs.map((path) => {
    const spec = parseTraceSpec(readFileSync(join(CHECKOUT_DIR, path), 'utf8'));
    return [spec.name, spec];
  }),
);
const venvPath = execFileSync('bash', [join(CHECKOUT_DIR, 'payment-service/venv-path.sh')], {
  encoding: 'utf8',
}).trim();
const venvExists = existsSync(join(venvPath, '.installed'));

interface Scenario {
  defects: string;
  /** The Python payment-service is replaced by its Node fallback in this run. */
  nodePayment?: boolean;
}

// One run per defect setting; the wrong-service run also proves the Node fallback of payment-service.
const SCENARIOS: Scenario[] = [
  { defects: '' },
  { defects: 'missing-call' },
  { defects: 'wrong-service', nodePayment: true },
  { defects: 'slow-payment' },
  { defects: 'n-plus-one' },
  { defects: 'swallowed-error' },
];

interface Outcome {
  run: CheckoutRun;
  traces: Trace[];
  trace: Trace;
  flow: ComparisonResult;
  structure: ComparisonResult;
}

let harness: Harness;
const outcomes = new Map<string, Outcome>();

function outcome(defects: string): Outcome {
  const found = outcomes.get(defects);
  if (found === undefined) throw new Error(`scenario '${defects}' did not run`);
  return found;
}

function spec(name: string): TraceSpec {
  const found = specs.get(name);
  if (found === undefined) throw new Error(`checkout.json names no spec '${name}'`);
  return found;
}

async function capture(scenario: Scenario): Promise<Outcome> {
  const runId = `checkout-${scenario.defects || 'correct'}`;
  const run = await runCheckout({
    otlpHttpUrl: harness.otlpHttpUrl,
    runId,
    defects: scenario.defects,
    env: scenario.nodePayment ? { OTEL_MCP_PYTHON_VENV: join(harness.dataDir, 'no-python-here') } : {},
  });
  // Every service flushed on SIGTERM before runCheckout returned; the wait covers the receiver's write.
  const traces = await waitFor(`spans of run ${runId}`, () => {
    const summaries = harness.app.store.findTraces({
      attributes: [{ key: 'otel_mcp.run_id', value: runId }],
      limit: 10,
    });
    if (summaries.length === 0) return undefined;
    return summaries
      .map((summary) => harness.app.store.getTrace(summary.traceId))
      .filter((trace): trace is Trace => trace !== undefined);
  });
  const trace = traces[0] as Trace;
  return {
    run,
    traces,
    trace,
    flow: compareTraceToSpec(trace, spec('checkout_flow')),
    structure: compareTraceToSpec(trace, spec('checkout_structure')),
  };
}

function spansOf(trace: Trace, name: string, service: string): Span[] {
  return trace.spans.filter((span) => span.name === name && span.serviceName === service);
}

function parentOf(trace: Trace, span: Span): Span | undefined {
  return trace.spans.find((candidate) => candidate.spanId === span.parentSpanId);
}

/** Violations as `kind path → culprit`, for messages that show what the comparison said. */
function listed(result: ComparisonResult): string {
  return result.violations
    .map((v) => `${v.kind} ${v.path} → ${v.span ? `${v.span.name} (${v.span.service})` : '-'}: ${v.message}`)
    .join('\n');
}

function find(result: ComparisonResult, test: (violation: Violation) => boolean): Violation {
  const found = result.violations.find(test);
  if (found === undefined)
    throw new Error(`no such violation in ${result.spec_name}; it reported:\n${listed(result)}`);
  return found;
}

beforeAll(async () => {
  harness = await startHarness();
  // Starting five SDK-instrumented processes is most of a run (~3 s idle, ~20 s on a loaded 2-core
  // machine). The correct run goes alone, so its budgets are measured undisturbed; the defect runs go
  // two at a time, since their verdicts do not hinge on timing noise (slow-payment's 1200 ms against
  // a 500 ms maximum leaves 700 ms of it).
  const [correct, ...defective] = SCENARIOS as [Scenario, ...Scenario[]];
  outcomes.set(correct.defects, await capture(correct));
  for (let i = 0; i < defective.length; i += 2) {
    const pair = defective.slice(i, i + 2);
    const captured = await Promise.all(pair.map((scenario) => capture(scenario)));
    pair.forEach((scenario, index) => outcomes.set(scenario.defects, captured[index] as Outcome));
  }
  goodCheckouts = await captureGoodCheckouts(INFERENCE_WARM_UP + 2 * INFERENCE_SET + STALL_SPARES);
}, 1_200_000);

/** Checkouts discarded before learning: the first requests of a fresh process pay for its cold start. */
const INFERENCE_WARM_UP = 2;
/** 20 traces to learn a spec from, 20 others it must pass (issue 7). */
const INFERENCE_SET = 20;
/**
 * Extra checkouts that stand in for held-out ones the machine stalled. On the shared 2-core CI VM
 * (10-30% CPU steal) a 15 ms span of a good checkout was once measured at 2.4 s: that is the
 * measurement failing, not the spec, so such a checkout is measured again, as a benchmark drops a
 * disturbed run. Stalled means a whole checkout over 4× the series median and 300 ms beyond it;
 * the learning side needs no such rule: the inference leaves far-out stalls out itself.
 */
const STALL_SPARES = 5;
let goodCheckouts: Trace[] = [];

/** `count` correct checkouts against one start of the services, in start order. */
async function captureGoodCheckouts(count: number): Promise<Trace[]> {
  const runId = 'checkout-good-series';
  const run = await runCheckout({ otlpHttpUrl: harness.otlpHttpUrl, runId, triggers: count });
  if (run.triggerExitCode !== 0) throw new Error(`a good checkout failed: ${run.triggerOutput}`);
  const summaries = await waitFor(`${count} traces of run ${runId}`, () => {
    const found = harness.app.store.findTraces({
      attributes: [{ key: 'otel_mcp.run_id', value: runId }],
      limit: count + 10,
    });
    return found.length >= count ? found : undefined;
  });
  return summaries
    .map((summary) => harness.app.store.getTrace(summary.traceId))
    .filter((trace): trace is Trace => trace !== undefined)
    .sort((a, b) => Number((a.spans[0] as Span).startTimeUnixNano - (b.spans[0] as Span).startTimeUnixNano));
}

/** The first INFERENCE_SET of `series` that the machine did not stall (see STALL_SPARES). */
function heldOutCheckouts(series: Trace[]): Trace[] {
  const totals = goodCheckouts.map(totalMs).sort((a, b) => a - b);
  const median = totals[Math.floor(totals.length / 2)] as number;
  const stalled = (trace: Trace) => totalMs(trace) > Math.max(4 * median, median + 300);
  const kept = series.filter((trace) => !stalled(trace)).slice(0, INFERENCE_SET);
  // Fewer than INFERENCE_SET unstalled checkouts: take stalled ones too, and let the test say so.
  return kept.length === INFERENCE_SET ? kept : series.slice(0, INFERENCE_SET);
}

function totalMs(trace: Trace): number {
  const starts = trace.spans.map((span) => span.startTimeUnixNano);
  const ends = trace.spans.map((span) => span.endTimeUnixNano);
  return Number(ends.reduce((a, b) => (a > b ? a : b)) - starts.reduce((a, b) => (a < b ? a : b))) / 1e6;
}

afterAll(async () => {
  await harness?.close();
});

describe('the checkout manifest', () => {
  it('lists the five services leaves first, each with its port variable and health path, and the frontend last', () => {
    expect(manifest.services.map((service) => service.name)).toEqual([
      'payment-service',
      'inventory-service',
      'cart-service',
      'order-service',
      'frontend',
    ]);
    expect(manifest.services.map((service) => service.port_env)).toEqual([
      'PAYMENT_PORT',
      'INVENTORY_PORT',
      'CART_PORT',
      'ORDER_PORT',
      'FRONTEND_PORT',
    ]);
    for (const service of manifest.services) expect(service.health_path).toBe('/health');
    expect(manifest.trigger).toBe('node trigger.cjs');
    expect(manifest.defects_env).toBe('CHECKOUT_DEFECTS');
    expect(Object.keys(manifest.defects).sort()).toEqual([
      'missing-call',
      'n-plus-one',
      'slow-payment',
      'swallowed-error',
      'wrong-service',
    ]);
  });

  it('names the two specs, both valid in the spec language', () => {
    expect([...specs.keys()]).toEqual(['checkout_flow', 'checkout_structure']);
  });
});

describe('a correct checkout', () => {
  it('answers the trigger with success and makes exactly one trace rooted in the frontend', () => {
    const { run, traces, trace } = outcome('');
    expect(run.triggerExitCode, run.triggerOutput).toBe(0);
    expect(run.triggerOutput).toMatch(/^checkout ok: HTTP 200/);
    expect(traces).toHaveLength(1);
    const roots = trace.spans.filter((span) => span.parentSpanId === undefined);
    expect(roots.map((span) => `${span.name} (${span.serviceName})`)).toEqual(['POST /checkout (frontend)']);
  });

  it('crosses all five services in one trace, every span carrying the run id on its resource', () => {
    const { trace } = outcome('');
    expect(new Set(trace.spans.map((span) => span.serviceName))).toEqual(
      new Set(manifest.services.map((service) => service.name)),
    );
    for (const span of trace.spans)
      expect(span.resource.attributes['otel_mcp.run_id'], `${span.name} (${span.serviceName})`).toBe(
        'checkout-correct',
      );
    // No orphan: context propagated over every HTTP hop.
    for (const span of trace.spans)
      if (span.parentSpanId !== undefined) expect(parentOf(trace, span), span.name).toBeDefined();
  });

  it('does not trace the readiness probes', () => {
    const { trace } = outcome('');
    expect(
      trace.spans.filter((span) =>
        String(span.attributes['url.path'] ?? span.attributes['http.target'] ?? '').startsWith('/health'),
      ),
    ).toEqual([]);
  });

  it('passes checkout_flow and checkout_structure', () => {
    const { flow, structure } = outcome('');
    expect(flow.matches_specification, listed(flow)).toBe(true);
    expect(structure.matches_specification, listed(structure)).toBe(true);
  });

  it('passes checkout_structure through the MCP tools too', async () => {
    const { trace } = outcome('');
    const text = readFileSync(join(CHECKOUT_DIR, 'specs/checkout_structure.yaml'), 'utf8');
    const defined = await harness.call('define_trace_spec', {
      name: 'checkout_structure',
      specification: text,
    });
    expect(defined.isError, defined.text).toBe(false);
    const compared = await harness.call('compare_trace_to_spec', {
      trace_id: trace.traceId,
      spec_name: 'checkout_structure',
    });
    expect(compared.isError, compared.text).toBe(false);
    expect(compared.structured.matches_specification, compared.text).toBe(true);
  });

  it('reads the stock with one query, which the N+1 detector leaves alone', () => {
    const { trace } = outcome('');
    expect(spansOf(trace, 'SELECT inventory', 'inventory-service')).toHaveLength(1);
    expect(detectPerformanceIssues(trace).filter((finding) => finding.kind === 'n_plus_one_db')).toEqual([]);
  });
});

describe('each defect alone', () => {
  it('stays silent to the caller: every defective checkout still answers 200', () => {
    for (const scenario of SCENARIOS) {
      const { run } = outcome(scenario.defects);
      expect(run.triggerExitCode, `${scenario.defects}: ${run.triggerOutput}`).toBe(0);
    }
  });

  it('missing-call: reports payment missing under order.create in order-service', () => {
    const { structure, flow } = outcome('missing-call');
    expect(structure.matches_specification).toBe(false);
    const missing = find(
      structure,
      (v) => v.kind === 'missing' && v.path.endsWith('order.create > POST /payments'),
    );
    expect(missing.under).toMatchObject({ name: 'order.create', service: 'order-service' });
    expect(flow.missing_spans.map((m) => `${m.operation_name} (${m.service_name})`)).toContain(
      'payment.process (payment-service)',
    );
  });

  it('wrong-service: reports the frontend calling inventory-service and inventory.reserve outside order.create', () => {
    const { structure, flow, trace } = outcome('wrong-service');
    const forbidden = find(structure, (v) => v.kind === 'forbidden_present');
    expect(forbidden.span).toMatchObject({ name: 'POST', service: 'frontend' });
    const culprit = trace.spans.find((span) => span.spanId === forbidden.span?.span_id);
    expect(String(culprit?.attributes['url.full'])).toMatch(/\/inventory\/reserve$/);
    const misplaced = find(
      structure,
      (v) => v.kind === 'wrong_parent' && v.path.endsWith('order.create > inventory.reserve'),
    );
    expect(misplaced.span).toMatchObject({ name: 'inventory.reserve', service: 'inventory-service' });
    expect(find(flow, (v) => v.kind === 'wrong_parent').span).toMatchObject({
      name: 'inventory.reserve',
      service: 'inventory-service',
    });
  });

  it('slow-payment: reports payment.process in payment-service over its 500 ms maximum', () => {
    const { structure, flow } = outcome('slow-payment');
    for (const result of [structure, flow]) {
      const slow = find(result, (v) => v.kind === 'duration' && v.path.endsWith('payment.process'));
      expect(slow.span).toMatchObject({ name: 'payment.process', service: 'payment-service' });
      const issue = result.performance_issues.find((item) => item.span?.span_id === slow.span?.span_id);
      expect(issue?.max).toBe(500);
      expect(issue?.measured).toBeGreaterThan(1000);
    }
  });

  it('n-plus-one: reports too many stock queries in inventory-service, and the detector finds the serial loop', () => {
    const { structure, trace } = outcome('n-plus-one');
    const tooMany = find(structure, (v) => v.kind === 'count_too_high');
    expect(tooMany.path).toMatch(/inventory\.reserve > SELECT inventory$/);
    expect(tooMany.span).toMatchObject({ name: 'SELECT inventory', service: 'inventory-service' });
    const loop = detectPerformanceIssues(trace).find((finding) => finding.kind === 'n_plus_one_db');
    expect(loop, 'an n_plus_one_db finding').toBeDefined();
    const queries = spansOf(trace, 'SELECT inventory', 'inventory-service').sort((a, b) =>
      a.startTimeUnixNano < b.startTimeUnixNano ? -1 : 1,
    );
    expect(queries).toHaveLength(5);
    expect(new Set(queries.map((span) => parentOf(trace, span)?.name))).toEqual(
      new Set(['inventory.reserve']),
    );
    // One after another: each query starts after the previous one ended. The JS SDK stamps spans
    // from a clock anchored per span, so two stamps taken in the same millisecond may disagree by <1 ms.
    for (let i = 1; i < queries.length; i += 1) {
      const gapNs = (queries[i] as Span).startTimeUnixNano - (queries[i - 1] as Span).endTimeUnixNano;
      expect(gapNs, `query ${i} starts ${gapNs} ns after query ${i - 1} ended`).toBeGreaterThan(-1_000_000n);
    }
  });

  it('swallowed-error: reports the failed inventory.reserve although order-service answered success', () => {
    const { structure, flow, trace } = outcome('swallowed-error');
    for (const result of [structure, flow]) {
      const failed = find(
        result,
        (v) => v.kind === 'unexpected_error' && v.span?.name === 'inventory.reserve',
      );
      expect(failed.span?.service).toBe('inventory-service');
      expect(failed.message).toMatch(/InventoryUnavailableError/);
    }
    // The swallowing caller: order-service's order.create and the frontend's root did not fail.
    expect(spansOf(trace, 'order.create', 'order-service').map((span) => span.status.code)).toEqual([
      'unset',
    ]);
    expect(spansOf(trace, 'POST /checkout', 'frontend')[0]?.attributes['http.response.status_code']).toBe(
      200,
    );
  });
});

describe('a spec inferred from good checkouts (issue 7 round trip)', () => {
  it('passes 20 other good checkouts whole, durations included, and fails each defect for its own reason', async () => {
    expect(goodCheckouts).toHaveLength(INFERENCE_WARM_UP + 2 * INFERENCE_SET + STALL_SPARES);
    // Learned and held-out checkouts alternate: when the machine grows busier partway through the
    // series (other processes on a 2-core runner), both halves feel it, instead of the held-out half
    // alone running ~100 ms slower than every checkout the envelope was learned from.
    const series = goodCheckouts.slice(INFERENCE_WARM_UP, INFERENCE_WARM_UP + 2 * INFERENCE_SET);
    const learned = series.filter((_, index) => index % 2 === 0);
    const spares = goodCheckouts.slice(INFERENCE_WARM_UP + 2 * INFERENCE_SET);
    const held = heldOutCheckouts([...series.filter((_, index) => index % 2 === 1), ...spares]);
    expect(held).toHaveLength(INFERENCE_SET);
    const inferred = await harness.call('generate_spec_from_traces', {
      trace_ids: learned.map((t) => t.traceId),
      name: 'checkout_inferred',
      save: true,
    });
    expect(inferred.isError, inferred.text).toBe(false);
    expect(inferred.structured.trace_count).toBe(INFERENCE_SET);

    // Every other good checkout passes the learned spec whole: structure, counts, tags, errors and durations.
    for (const trace of held) {
      const compared = await harness.call('compare_trace_to_spec', {
        trace_id: trace.traceId,
        spec_name: 'checkout_inferred',
      });
      expect(compared.structured.matches_specification, `${compared.text}\n--- spec:\n${inferred.text}`).toBe(
        true,
      );
    }

    // What each defect must be caught by: the kind of violation and the span it names.
    const expected: Record<string, { kinds: string[]; culprit: RegExp }> = {
      'missing-call': { kinds: ['missing'], culprit: /POST@order-service/ },
      'wrong-service': {
        kinds: ['count_too_high', 'missing', 'wrong_parent'],
        culprit: /POST@frontend|POST@order-service/,
      },
      'slow-payment': { kinds: ['duration'], culprit: /payment\.process/ },
      'n-plus-one': { kinds: ['count_too_high'], culprit: /SELECT inventory/ },
      'swallowed-error': { kinds: ['unexpected_error'], culprit: /inventory/ },
    };
    for (const [defect, { kinds, culprit }] of Object.entries(expected)) {
      const compared = await harness.call('compare_trace_to_spec', {
        trace_id: outcome(defect).trace.traceId,
        spec_name: 'checkout_inferred',
      });
      expect(compared.isError, compared.text).toBe(false);
      expect(compared.structured.matches_specification, `${defect} passed the inferred spec`).toBe(false);
      const violations = compared.structured.violations as {
        kind: string;
        path: string;
        span?: { name: string; service: string };
      }[];
      const telling = violations.filter(
        (v) =>
          kinds.includes(v.kind) && culprit.test(`${v.path} ${v.span?.name ?? ''} ${v.span?.service ?? ''}`),
      );
      expect(telling.length, `${defect}: ${compared.text}`).toBeGreaterThan(0);
    }
  });
});

describe('the payment-service in two languages', () => {
  it.skipIf(!venvExists)(
    `keeps the trace whole through the Python payment-service (skipped when ${venvPath} is missing: run scripts/examples/install-python.sh)`,
    () => {
      const { trace } = outcome('');
      const payment = spansOf(trace, 'payment.process', 'payment-service');
      expect(payment).toHaveLength(1);
      const server = parentOf(trace, payment[0] as Span);
      expect(server).toMatchObject({
        name: 'POST /payments',
        serviceName: 'payment-service',
        kind: 'server',
      });
      for (const span of [payment[0] as Span, server as Span])
        expect(span.resource.attributes['telemetry.sdk.language']).toBe('python');
      const caller = parentOf(trace, server as Span);
      expect(caller).toMatchObject({ name: 'POST', serviceName: 'order-service', kind: 'client' });
      expect(caller?.resource.attributes['telemetry.sdk.language']).toBe('nodejs');
      expect(parentOf(trace, caller as Span)?.name).toBe('order.create');
    },
  );

  it('falls back to the Node payment-service without the Python environment, saying why on stderr', () => {
    const { trace, run } = outcome('wrong-service');
    expect(run.serviceErrors['payment-service']).toMatch(
      /no Python environment at .*starting the Node fallback/,
    );
    const payment = spansOf(trace, 'payment.process', 'payment-service');
    expect(payment).toHaveLength(1);
    expect(payment[0]?.resource.attributes['telemetry.sdk.language']).toBe('nodejs');
    expect(parentOf(trace, payment[0] as Span)).toMatchObject({
      name: 'POST /payments',
      serviceName: 'payment-service',
    });
  });
});

describe('bad input', () => {
  it('a service refuses an unknown defect name, listing the valid ones', () => {
    // Without --require: the check comes before any telemetry, and loading the SDK would only add seconds.
    const result = spawnSync('node', ['services/inventory-service.cjs'], {
      cwd: CHECKOUT_DIR,
      env: { PATH: process.env.PATH, CHECKOUT_DEFECTS: 'n-plus-1', INVENTORY_PORT: '1' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(
      /unknown defect\(s\) n-plus-1: use a comma list of missing-call, wrong-service, slow-payment, n-plus-one, swallowed-error, or all/,
    );
  });

  it('the trigger exits non-zero with a one-line reason when the frontend cannot be reached', async () => {
    const result = spawnSync('node', ['trigger.cjs'], {
      cwd: CHECKOUT_DIR,
      env: { PATH: process.env.PATH, FRONTEND_PORT: String(await freePort()) },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toMatch(/^checkout failed: cannot reach the frontend on 127\.0\.0\.1:\d+: /);
  });
});
