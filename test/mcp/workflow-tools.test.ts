import { spawn } from 'node:child_process';
import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { freePort } from '../support/free-port.js';
import { DEFAULT_TOOLSETS } from '../../src/config/config-schema.js';
import { startHarness, type Harness } from '../support/mcp-harness.js';
import { waitFor } from '../support/wait-for.js';
import { CRASH_ONCE_SPEC } from '../support/crash-once-spec.js';
import { tempDirForTest } from '../support/temp-dir.js';

const SCRIPTS = fileURLToPath(new URL('../fixtures/run-scripts/', import.meta.url));
const NODE = JSON.stringify(process.execPath);
const emit = (args: string): string => `${NODE} emit-trace.cjs ${args}`;
/** http-service.cjs as a run's service named worker on `port`, ready once the port accepts. */
const workerService = (port: number) => ({
  name: 'worker',
  command: `${NODE} http-service.cjs`,
  ready: { port },
  env: { PORT: String(port) },
});
/** The command's client-call, with the worker's work.step beneath it. */
const CALL_TO_WORKER = [
  {
    operation_name: 'client-call',
    service_name: 'client',
    children: [{ operation_name: 'work.step', service_name: 'worker' }],
  },
];

const CHECKOUT_SPEC = {
  name: 'tiny_checkout',
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

/** The keys of a tool answer, nested, with array items merged: what two twins must share. */
function shapeOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.length > 0 ? [shapeOf(value[0])] : [];
  if (value === null || typeof value !== 'object') return typeof value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, shapeOf((value as Record<string, unknown>)[key])]),
  );
}

function portAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Running, not merely a zombie waiting for init to reap it (a killed orphan is one for a moment). */
function isRunning(pid: number): boolean {
  const stat = `/proc/${pid}/stat`;
  if (!existsSync(stat)) return false;
  return readFileSync(stat, 'utf8').split(') ')[1]?.[0] !== 'Z';
}

describe('the trace-driven loop through a real MCP client', () => {
  let harness: Harness;

  beforeAll(async () => {
    // The aliases toolset too: the plan's other names are tested here.
    harness = await startHarness({ flags: { toolsets: [...DEFAULT_TOOLSETS, 'aliases'] } });
    const defined = await harness.call('define_trace_spec', {
      name: 'tiny_checkout',
      specification: CHECKOUT_SPEC,
    });
    expect(defined.isError).toBe(false);
  });
  afterAll(async () => harness?.close());

  it("gives an error chain one action: in the next steps, not again among the comparison's suggestions", async () => {
    const result = await harness.call('execute_and_capture', {
      command: emit('checkout reserve charge --fail reserve --fail-root'),
      working_dir: SCRIPTS,
      env: { OTEL_SERVICE_NAME: 'shop' },
      expected_spec: CHECKOUT_SPEC,
    });
    expect(result.isError, result.text).toBe(false);
    const chain = result.text.split('\n').filter((line) => line.includes('where the error chain starts'));
    expect(chain, result.text).toEqual([
      expect.stringMatching(/^ {2}1\. fix the failure in `reserve` \(shop\), where/),
    ]);
    expect(result.text).not.toContain('Suggestions:');
    expect(result.structured.comparison.suggestions).toContainEqual(
      expect.stringContaining('where the error chain starts'),
    );
  });

  it('runs a command with the SDK pointed at the receiver, tags every span with the run id and judges the trace against an inline spec', async () => {
    const result = await harness.call('execute_and_capture', {
      command: emit('checkout reserve charge'),
      working_dir: SCRIPTS,
      env: { OTEL_SERVICE_NAME: 'shop', OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=dev' },
      expected_spec: CHECKOUT_SPEC,
    });
    expect(result.isError).toBe(false);
    expect(result.structured.verdict).toBe('pass');
    expect(result.structured.command.exit_code).toBe(0);
    expect(result.structured.command.stdout.text).toContain('emitted checkout with 2 children');
    expect(result.structured.capture).toMatchObject({
      complete: true,
      trace_count: 1,
      span_count: 3,
      run_span_count: 3,
    });
    const traceId = result.structured.traces[0].trace_id as string;
    const rootSpanId = result.structured.comparison.entries[0].matches[0].span_id as string;
    // The run id is added beside what the user set in OTEL_RESOURCE_ATTRIBUTES, never instead of it.
    const details = await harness.call('get_span_details', { trace_id: traceId, span_id: rootSpanId });
    expect(details.structured.resource).toMatchObject({
      'otel_mcp.run_id': result.structured.run_id,
      'deployment.environment': 'dev',
      'service.name': 'shop',
    });
    expect(result.text).toMatch(/PASS/);
    // Counts agree with their nouns: `1 service`, not `1 services`.
    expect(result.text).toMatch(/ {2}3 spans, 0 errors, [\d.]+ ms, 1 service {2}\[pass\]$/m);
  });

  it('records a red then a green iteration in a session, with what was fixed, the first green and the next steps', async () => {
    const created = await harness.call('create_development_session', {
      project_name: 'shop',
      spec_name: 'tiny_checkout',
      working_dir: SCRIPTS,
      env: { OTEL_SERVICE_NAME: 'shop' },
    });
    expect(created.isError).toBe(false);
    const sessionId = created.structured.session_id as string;

    const red = await harness.call('execute_and_capture', {
      session_id: sessionId,
      command: emit('checkout reserve'),
    });
    expect(red.structured).toMatchObject({
      verdict: 'fail',
      iteration: 1,
      spec: { name: 'tiny_checkout', version: 1 },
    });
    const missing = red.structured.comparison.violations.find((violation: { path: string }) =>
      violation.path.includes('charge'),
    );
    expect(missing.kind).toBe('missing');
    expect(red.structured.next_steps[0]).toMatchObject({ category: 'structure' });
    expect(red.structured.next_steps[0].action).toContain('charge');

    const steps = await harness.call('suggest_next_steps', { session_id: sessionId });
    expect(steps.structured.steps[0].action).toContain('charge');

    const green = await harness.call('execute_and_capture', {
      session_id: sessionId,
      command: emit('checkout reserve charge'),
    });
    expect(green.structured).toMatchObject({ verdict: 'pass', iteration: 2 });
    expect(green.structured.changes.fixed).toEqual([expect.stringContaining('charge')]);
    expect(green.structured.changes.introduced).toEqual([]);

    const metrics = await harness.call('get_session_metrics', { session_id: sessionId });
    expect(metrics.structured).toMatchObject({
      status: 'green',
      iteration_count: 2,
      first_green: { iteration: 2 },
    });
    // Newest first.
    expect(metrics.structured.iterations.map((row: { verdict: string }) => row.verdict)).toEqual([
      'pass',
      'fail',
    ]);
    expect(metrics.structured.iterations[1].score).toBeLessThan(metrics.structured.iterations[0].score);
    expect(metrics.structured.iterations[0].key_spans.map((span: { path: string }) => span.path)).toContain(
      'checkout > charge',
    );

    // A plan by reference: the iteration's own trace and spec version, nothing pasted back.
    const redPlan = await harness.call('generate_improvement_suggestions', {
      session_id: sessionId,
      iteration: 1,
    });
    expect(redPlan.isError, redPlan.text).toBe(false);
    expect(redPlan.structured.recognized[0]).toBe('spec_comparison');
    expect(redPlan.structured.improvements[0]).toMatchObject({
      category: 'structure',
      source: 'spec_comparison',
    });
    expect(redPlan.structured.improvements[0].action).toContain('charge');
    expect(redPlan.text).toContain(
      `session ${sessionId} iteration 1: trace ${red.structured.traces[0].trace_id} as its run judged it against tiny_checkout v1`,
    );
    const greenPlan = await harness.call('generate_improvement_suggestions', { session_id: sessionId });
    expect(
      greenPlan.structured.improvements.filter(
        (item: { source: string }) => item.source === 'spec_comparison',
      ),
    ).toEqual([]);
    const noSuchIteration = await harness.call('generate_improvement_suggestions', {
      session_id: sessionId,
      iteration: 9,
    });
    expect(noSuchIteration.isError).toBe(true);
    expect(noSuchIteration.text).toMatch(/its iterations are 1, 2/);

    const regressed = await harness.call('execute_and_capture', {
      session_id: sessionId,
      command: emit('checkout charge'),
    });
    expect(regressed.structured.changes.introduced).toEqual([expect.stringContaining('reserve')]);
    expect(regressed.structured.next_steps[0].category).toBe('regression');
    const after = await harness.call('get_session_metrics', {});
    expect(after.structured).toMatchObject({ session_id: sessionId, status: 'regressed' });
  });

  it('lists the spans no entry expects once in a session: a next run with the same groups counts them and says since when', async () => {
    const created = await harness.call('create_development_session', {
      project_name: 'shop-extra',
      spec_name: 'tiny_checkout',
      working_dir: SCRIPTS,
      env: { OTEL_SERVICE_NAME: 'shop' },
    });
    const sessionId = created.structured.session_id as string;
    const run = (children: string) =>
      harness.call('execute_and_capture', { session_id: sessionId, command: emit(`checkout ${children}`) });
    const first = await run('reserve audit.log');
    expect(first.text).toContain('1 span no entry expects, in 1 group (unexpected_spans).');
    expect(first.text).toMatch(/Spans no entry expects:\n {2}shop: audit\.log ×1/);
    const second = await run('reserve audit.log');
    expect(second.text).toContain(
      '1 span no entry expects, in 1 group, the same as in iteration 1 (unexpected_spans).',
    );
    expect(second.text).not.toContain('Spans no entry expects:');
    expect(second.structured.comparison.unexpected_spans).toHaveLength(1);
    // Another group is listed again, whole.
    const third = await run('reserve audit.log cache.get');
    expect(third.text).toMatch(/Spans no entry expects:\n/);
    expect(third.text).not.toContain('the same as in iteration');
  });

  it('pages every iteration of a session once at a small budget, newest first, and counts the steps past suggest_next_steps limit', async () => {
    const created = await harness.call('create_development_session', {
      project_name: 'shop-paging',
      spec_name: 'tiny_checkout',
      working_dir: SCRIPTS,
      env: { OTEL_SERVICE_NAME: 'shop' },
    });
    const sessionId = created.structured.session_id as string;
    for (let run = 0; run < 6; run += 1) {
      const result = await harness.call('execute_and_capture', {
        session_id: sessionId,
        command: emit(run % 2 === 0 ? 'checkout reserve' : 'checkout reserve charge'),
      });
      expect(result.isError, result.text).toBe(false);
    }

    const args = { session_id: sessionId, budget_tokens: 500 };
    const first = await harness.call('get_session_metrics', args);
    expect(first.structured.iteration_count).toBe(6);
    expect(first.structured.iterations[0].number).toBe(6);
    expect(first.structured.truncated.iterations).toBeGreaterThan(0);
    expect(first.text).toContain('Cut for size:');
    const numbers: number[] = first.structured.iterations.map((row: { number: number }) => row.number);
    let cursor: string | undefined = first.structured.next_cursor;
    while (cursor) {
      const page = await harness.call('get_session_metrics', { ...args, cursor });
      expect(page.isError, page.text).toBe(false);
      numbers.push(...page.structured.iterations.map((row: { number: number }) => row.number));
      cursor = page.structured.next_cursor;
    }
    const whole = await harness.call('get_session_metrics', { ...args, budget_tokens: 20_000 });
    expect(whole.structured.truncated).toBeUndefined();
    expect(numbers).toEqual(whole.structured.iterations.map((row: { number: number }) => row.number));
    expect(numbers).toEqual([6, 5, 4, 3, 2, 1]);

    // A seventh run with reserve and charge missing: more steps than a limit of 1 shows.
    const red = await harness.call('execute_and_capture', {
      session_id: sessionId,
      command: emit('checkout'),
    });
    expect(red.structured.verdict).toBe('fail');
    const all = await harness.call('suggest_next_steps', { session_id: sessionId, limit: 10 });
    expect(all.structured.steps.length).toBeGreaterThan(1);
    const one = await harness.call('suggest_next_steps', { session_id: sessionId, limit: 1 });
    expect(one.structured.steps).toEqual(all.structured.steps.slice(0, 1));
    expect(one.structured.truncated).toEqual({ steps: all.structured.steps.length - 1 });
    expect(one.structured.next).toBe('raise limit (now 1, at most 10)');
    expect(one.text).toContain(`Past the limit: ${all.structured.steps.length - 1} more steps`);
  });

  it('keeps two runs in parallel apart: each sees only its own spans', async () => {
    const [first, second] = await Promise.all([
      harness.call('execute_and_capture', {
        command: emit('first-run a b --sleep 300'),
        working_dir: SCRIPTS,
        env: { OTEL_SERVICE_NAME: 'one' },
      }),
      harness.call('execute_and_capture', {
        command: emit('second-run c --sleep 300'),
        working_dir: SCRIPTS,
        env: { OTEL_SERVICE_NAME: 'two' },
      }),
    ]);
    expect(first?.structured.run_id).not.toBe(second?.structured.run_id);
    expect(first?.structured.traces.map((trace: { root: string }) => trace.root)).toEqual(['one: first-run']);
    expect(second?.structured.traces.map((trace: { root: string }) => trace.root)).toEqual([
      'two: second-run',
    ]);
    expect(first?.structured.capture.span_count).toBe(3);
    expect(second?.structured.capture.span_count).toBe(2);
    expect(first?.structured.verdict).toBe('no_spec');
  });

  it('starts a service, waits until it is ready, captures the spans it adds under the propagated context and stops it with SIGTERM', async () => {
    const port = await freePort();
    const result = await harness.call('execute_and_capture', {
      command: emit(`client-call --call http://127.0.0.1:${port}/work`),
      working_dir: SCRIPTS,
      env: { OTEL_SERVICE_NAME: 'client' },
      services: [
        {
          name: 'worker',
          command: `${NODE} http-service.cjs`,
          ready: { port },
          env: { PORT: String(port), OTEL_SERVICE_NAME: 'worker' },
        },
      ],
    });
    expect(result.isError).toBe(false);
    expect(result.structured.services[0]).toMatchObject({
      name: 'worker',
      exited_early: false,
      force_killed: false,
    });
    expect(result.structured.services[0].ready_after_ms).toBeGreaterThanOrEqual(0);
    const [trace] = result.structured.traces;
    expect(trace.services).toEqual(['client', 'worker']);
    // client root + client GET + worker server span + worker's work.step
    expect(trace.span_count).toBe(4);
  });

  it('reports a service that crashes mid-request, with its stderr, and still returns the partial trace', async () => {
    const port = await freePort();
    const result = await harness.call('execute_and_capture', {
      command: emit(`client-call --call http://127.0.0.1:${port}/crash`),
      working_dir: SCRIPTS,
      env: { OTEL_SERVICE_NAME: 'client' },
      services: [
        {
          name: 'worker',
          command: `${NODE} http-service.cjs`,
          ready: { port },
          env: { PORT: String(port), OTEL_SERVICE_NAME: 'worker' },
        },
      ],
    });
    expect(result.isError).toBe(false);
    expect(result.structured.services[0]).toMatchObject({ name: 'worker', exited_early: true, exit_code: 3 });
    expect(result.structured.services[0].stderr.text).toContain('crashing in the middle');
    expect(result.structured.command.stdout.text).toContain('error ECONNRESET');
    const [trace] = result.structured.traces;
    expect(trace.services).toEqual(['client']);
    expect(trace.error_count).toBe(1);
    expect(result.text).toContain('Service worker exited during the run');
    expect(
      result.structured.next_steps.some((step: { action: string }) => step.action.includes('worker')),
    ).toBe(true);
  });

  it('blames a crash, not the code’s spans, when a service the spec names died before its spans were sent', async () => {
    const port = await freePort();
    const result = await harness.call('execute_and_capture', {
      command: emit(`client-call --call http://127.0.0.1:${port}/crash`),
      working_dir: SCRIPTS,
      env: { OTEL_SERVICE_NAME: 'client' },
      services: [workerService(port)],
      expected_spec: { name: 'crash_call', expected_spans: CALL_TO_WORKER },
    });
    expect(result.isError).toBe(false);
    const violations = result.structured.comparison.violations as {
      kind: string;
      path: string;
      message: string;
      fix: string;
    }[];
    // First the loss, then its symptom in the caller: the call failed with ECONNRESET.
    expect(violations.map((violation) => [violation.kind, violation.path])).toEqual([
      ['telemetry_lost', 'client-call > work.step'],
      ['unexpected_error', '(trace)'],
    ]);
    expect(violations[0]?.message).toMatch(
      /^worker's spans for this request never arrived: it exited during the run \(code 3\)/,
    );
    expect(violations[0]?.fix).toMatch(
      /^fix the crash in worker \(fatal: crashing in the middle of \/crash\)/,
    );
    expect(result.structured.services[0].crash).toEqual(['fatal: crashing in the middle of /crash']);
    // The crash's error line is in the text, not only in the structured answer.
    expect(result.text).toContain('fatal: crashing in the middle of /crash');
    expect(result.text).toContain('[telemetry_lost]');
    expect(result.text).not.toContain('add a span');
  });

  it('reports a spec entry in a started service that nothing called as the caller’s missing call, not as a capture problem', async () => {
    const port = await freePort();
    const result = await harness.call('execute_and_capture', {
      command: emit('client-call'),
      working_dir: SCRIPTS,
      env: { OTEL_SERVICE_NAME: 'client' },
      services: [workerService(port)],
      expected_spec: { name: 'uncalled_worker', expected_spans: CALL_TO_WORKER },
    });
    expect(result.isError, result.text).toBe(false);
    const violations = result.structured.comparison.violations as {
      kind: string;
      path: string;
      fix: string;
    }[];
    expect(violations.map((violation) => [violation.kind, violation.path])).toEqual([
      ['missing', 'client-call > work.step'],
    ]);
    const fix = `nothing called worker: \`client-call\` (client) has no call to it; the spec expects \`work.step\` beneath it, so add the call there (or, if the code is right not to call it, remove the entry from the spec)`;
    expect(violations[0]?.fix).toBe(fix);
    const steps = result.structured.next_steps as { category: string; action: string }[];
    expect(steps[0]).toMatchObject({ category: 'structure', action: fix });
    expect(steps.filter((step) => step.category === 'capture')).toEqual([]);
    expect(result.text).not.toContain('look into the capture');
  });

  it('plans the crash of a session iteration that kept no trace, instead of refusing', async () => {
    await harness.call('define_trace_spec', {
      name: 'early_crash',
      specification: { expected_spans: [{ operation_name: 'client-call' }] },
    });
    const created = await harness.call('create_development_session', {
      project_name: 'crash-early',
      spec_name: 'early_crash',
      working_dir: SCRIPTS,
    });
    expect(created.isError, created.text).toBe(false);
    const sessionId = created.structured.session_id as string;
    await harness.call('execute_and_capture', {
      session_id: sessionId,
      command: `${NODE} -e "setTimeout(() => {}, 800)"`,
      services: [
        {
          name: 'flaky',
          command: `${NODE} -e "console.log('up'); setTimeout(() => { console.error('fatal: out of memory'); process.exit(4); }, 200)"`,
          ready: { log_pattern: 'up' },
        },
      ],
    });
    const plan = await harness.call('generate_improvement_suggestions', { session_id: sessionId });
    expect(plan.isError, plan.text).toBe(false);
    expect(plan.structured.improvements[0].action).toMatch(/^fix the crash in flaky;/);
    expect(plan.text).toContain(`session ${sessionId} iteration 1 (no trace kept), as its run judged it`);
  });

  it('gives up on a service that never becomes ready after its own ready.timeout_ms, saying how to give it more', async () => {
    const port = await freePort();
    const result = await harness.call('execute_and_capture', {
      command: emit('checkout reserve'),
      working_dir: SCRIPTS,
      services: [
        {
          name: 'sleeper',
          command: `${NODE} -e "setTimeout(() => {}, 60000)"`,
          ready: { port, timeout_ms: 500 },
        },
      ],
    });
    expect(result.isError).toBe(true);
    expect(result.text).toContain(`service sleeper was not ready after 500 ms (port 127.0.0.1:${port}`);
    expect(result.text).toContain('give the service more time with ready.timeout_ms (this wait: 500 ms)');
  });

  it('plans from a session iteration as its run judged it: the crash first, no spans to add for the lost ones', async () => {
    const defined = await harness.call('define_trace_spec', {
      name: 'crash_plan',
      specification: { expected_spans: CALL_TO_WORKER },
    });
    expect(defined.isError, defined.text).toBe(false);
    const created = await harness.call('create_development_session', {
      project_name: 'crashy',
      spec_name: 'crash_plan',
      working_dir: SCRIPTS,
      env: { OTEL_SERVICE_NAME: 'client' },
    });
    const sessionId = created.structured.session_id as string;
    const port = await freePort();
    const run = await harness.call('execute_and_capture', {
      session_id: sessionId,
      command: emit(`client-call --call http://127.0.0.1:${port}/crash`),
      services: [workerService(port)],
    });
    expect(run.structured.comparison.violations[0].kind).toBe('telemetry_lost');
    const plan = await harness.call('generate_improvement_suggestions', { session_id: sessionId });
    expect(plan.isError, plan.text).toBe(false);
    const actions = plan.structured.improvements.map((item: { action: string }) => item.action) as string[];
    expect(actions[0]).toMatch(/^fix the crash in worker \(fatal: crashing in the middle of \/crash\)/);
    expect(actions.filter((action) => action.includes('add a span'))).toEqual([]);
    expect(actions.filter((action) => action.includes('fix the crash in worker'))).toHaveLength(1);
    expect(plan.text).toContain(`session ${sessionId} iteration 1: trace `);
    expect(plan.text).toContain('as its run judged it against crash_plan v1');
  });

  it('names each entry a crash left unchecked once in the text, keeps them all in the structured answer, and asks once to fix the crash', async () => {
    const detail = 'client-call > work.step > work.detail';
    const step = 'client-call > work.step';
    await harness.call('define_trace_spec', {
      name: 'crash_once',
      specification: CRASH_ONCE_SPEC,
    });
    const created = await harness.call('create_development_session', {
      project_name: 'crash-once',
      spec_name: 'crash_once',
      working_dir: SCRIPTS,
      env: { OTEL_SERVICE_NAME: 'client' },
    });
    const sessionId = created.structured.session_id as string;
    const iterate = async (path: string) => {
      const port = await freePort();
      return harness.call('execute_and_capture', {
        session_id: sessionId,
        command: emit(`client-call --call http://127.0.0.1:${port}${path}`),
        services: [{ ...workerService(port), env: { PORT: String(port), OTEL_SERVICE_NAME: 'worker' } }],
      });
    };
    // Judged first with work.step there (work.detail is missing), then with the worker crashing.
    const before = await iterate('/work');
    expect(before.structured.verdict, before.text).toBe('fail');
    const crash = await iterate('/crash');
    expect(crash.isError, crash.text).toBe(false);
    const lines = crash.text.split('\n');
    // Lines naming the entry itself, besides the change since iteration 1 (checked whole below).
    const named = (path: string) =>
      lines.filter(
        (line) =>
          line.includes(path) &&
          !line.includes(`${path} >`) &&
          !line.includes(`${path}\``) &&
          !line.startsWith('Since iteration'),
      );
    // work.detail is named once, among the entries not evaluated; work.step by its violation and there.
    expect(named(detail), crash.text).toEqual([`  ${detail}`]);
    expect(named(step), crash.text).toEqual([
      expect.stringMatching(/^✗ \[telemetry_lost\] client-call > work\.step: /),
      `  ${step}`,
    ]);
    expect(crash.text).not.toContain('Missing spans:');
    expect(crash.text).toMatch(
      /^Since iteration 1: fixed 0, introduced 1 \(unexpected_error \(trace\)\); not evaluated this time \(parent entry missing or spans lost, counted neither way\): 2, listed above\.$/m,
    );
    // The structured answer keeps every list whole.
    const comparison = crash.structured.comparison;
    expect(comparison.not_evaluated).toEqual([step, detail]);
    expect(comparison.missing_spans).toEqual([
      expect.objectContaining({ path: step, reason: 'telemetry_lost' }),
    ]);
    expect(comparison.entries.map((entry: { path: string }) => entry.path)).toEqual([
      'client-call',
      step,
      detail,
    ]);
    expect(crash.structured.changes.not_evaluated).toEqual([step, detail]);
    // The crash step and the lost spans' fix are one action: asked once.
    const steps = crash.structured.next_steps.map((item: { action: string }) => item.action) as string[];
    expect(steps[0]).toMatch(/^fix the crash in worker \(fatal: crashing in the middle of \/crash\); /);
    expect(steps.filter((action) => action.includes(' worker'))).toEqual([steps[0]]);
    expect(lines.filter((line) => line.includes('fix the crash in worker'))).toHaveLength(2);
    // The session's metrics call the lost spans what they are, not a regression of the code.
    const metrics = await harness.call('get_session_metrics', { session_id: sessionId });
    expect(metrics.text).toContain('  #2 FAIL');
    expect(metrics.text).toContain('      regressed: unexpected_error (trace)');
    expect(metrics.text).toMatch(
      /^ {6}spans lost, not a regression: client-call > work\.step \(worker's spans for this request never arrived: it exited during the run \(code 3\) before its SDK sent them\)$/m,
    );
    expect(metrics.text).not.toContain('regressed: telemetry_lost');
    expect(metrics.structured.iterations[0].spans_lost).toEqual([expect.objectContaining({ path: step })]);
  });

  it('runs the command as many times as asked with the services up once, and judges every trace: pass rate and flaky entries', async () => {
    const result = await harness.call('execute_and_capture', {
      command: emit('checkout reserve'),
      working_dir: SCRIPTS,
      env: { OTEL_SERVICE_NAME: 'shop' },
      repeat: 3,
      expected_spec: {
        name: 'repeated_checkout',
        expected_spans: [
          { operation_name: 'checkout', service_name: 'shop', children: [{ operation_name: 'reserve' }] },
        ],
      },
    });
    expect(result.isError).toBe(false);
    expect(result.structured.verdict).toBe('pass');
    expect(result.structured.capture.trace_count).toBe(3);
    expect(result.structured.repeat).toEqual({
      runs: 3,
      failed_runs: 0,
      traces_passed: 3,
      traces_judged: 3,
      flaky: [],
    });
    expect(result.text).toContain(
      '3 runs of the command (0 failed): 3 of 3 traces that exercise the spec pass.',
    );
  });

  it('shows the first 20 traces of a run and counts the rest in truncated, naming the call that judges them all', async () => {
    const result = await harness.call('execute_and_capture', {
      command: emit('checkout reserve'),
      working_dir: SCRIPTS,
      env: { OTEL_SERVICE_NAME: 'shop' },
      repeat: 22,
    });
    expect(result.isError, result.text).toBe(false);
    expect(result.structured.capture.trace_count).toBe(22);
    expect(result.structured.traces).toHaveLength(20);
    expect(result.structured.truncated).toEqual({ traces: 2 });
    expect(result.structured.next).toBe(
      `validate_trace_collection with filter.run_id="${result.structured.run_id}" judges every trace of the run`,
    );
    expect(result.structured.next_cursor).toBeUndefined();
    expect(result.text).toContain('Not shown: 2 traces; validate_trace_collection');
    for (const trace of result.structured.traces) expect(result.text).toContain(trace.trace_id);
  });

  it('fits the embedded comparison to a small budget and names the compare_trace_to_spec call that lists every violation, since a cursor would run the command again', async () => {
    const steps = Array.from({ length: 30 }, (_, index) => ({
      operation_name: `step-${index + 1}-with-a-longer-name`,
      service_name: 'shop',
    }));
    const defined = await harness.call('define_trace_spec', {
      name: 'many_steps',
      specification: {
        name: 'many_steps',
        expected_spans: [{ operation_name: 'checkout', service_name: 'shop', children: steps }],
      },
    });
    expect(defined.isError, defined.text).toBe(false);
    const version = defined.structured.version as number;
    const args = {
      command: emit('checkout'),
      working_dir: SCRIPTS,
      env: { OTEL_SERVICE_NAME: 'shop' },
      expected_spec: 'many_steps',
    };
    const small = await harness.call('execute_and_capture', { ...args, budget_tokens: 1500 });
    expect(small.isError, small.text).toBe(false);
    expect(small.structured.verdict).toBe('fail');
    const traceId = small.structured.traces[0].trace_id as string;
    const shown = small.structured.comparison.violations as { path: string }[];
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.length).toBeLessThan(30);
    expect(small.structured.truncated.violations).toBe(30 - shown.length);
    expect(small.structured.next_cursor).toBeUndefined();
    expect(small.text.length + JSON.stringify(small.structured).length).toBeLessThanOrEqual(1500 * 3.5);
    const compare = `compare_trace_to_spec(trace_id="${traceId}", spec_name="many_steps", spec_version=${version}) lists them all`;
    expect(small.structured.next).toContain(compare);
    expect(small.text).toContain(`Cut for size: ${30 - shown.length} violations, `);
    expect(small.text).toContain(`; ${compare}.`);
    // The text shows the same violations as the structured answer, each with its fix.
    for (const violation of shown) expect(small.text).toContain(violation.path);
    expect(small.text).not.toContain(steps[29]!.operation_name);

    // The call it names lists every violation the run found.
    const whole = await harness.call('compare_trace_to_spec', {
      trace_id: traceId,
      spec_name: 'many_steps',
      spec_version: version,
      budget_tokens: 50_000,
    });
    expect(whole.structured.violations).toHaveLength(30);
    expect(whole.structured.violations.slice(0, shown.length)).toEqual(shown);
  });

  it('kills a command that never ends at the timeout, with the children it started', async () => {
    const pidFile = join(harness.dataDir, 'child.pid');
    const result = await harness.call('execute_and_capture', {
      command: `sh spawn-forever.sh ${JSON.stringify(pidFile)}`,
      working_dir: SCRIPTS,
      timeout_ms: 500,
    });
    expect(result.isError).toBe(false);
    expect(result.structured.command.timed_out).toBe(true);
    expect(result.structured.verdict).toBe('no_traces');
    expect(existsSync(pidFile)).toBe(true);
    const child = Number(readFileSync(pidFile, 'utf8').trim());
    expect(isRunning(child)).toBe(false);
    expect(result.text).toContain('timed out');
  });

  it('refuses an environment variable name a shell could not hold, naming it, in a service too', async () => {
    const result = await harness.call('execute_and_capture', {
      command: 'true',
      env: { OK_NAME: '1', '1BAD': 'x' },
      services: [{ name: 'api', command: 'true', env: { 'A-B': 'y' } }],
    });
    expect(result.isError).toBe(true);
    expect(result.text).toContain("'1BAD' is not an environment variable name");
    expect(result.text).toContain("'A-B' is not an environment variable name");
    expect(result.text).not.toContain('OK_NAME');
  });

  it('stops a process the command started in a new session (setsid), which group signals never reach, and names it', async () => {
    const pidFile = join(tempDirForTest('otel-mcp-setsid-'), 'pid');
    const result = await harness.call('execute_and_capture', {
      command: `sh spawn-setsid.sh ${JSON.stringify(pidFile)}`,
      working_dir: SCRIPTS,
    });
    expect(result.isError, result.text).toBe(false);
    const child = Number(readFileSync(pidFile, 'utf8').trim());
    expect(child).toBeGreaterThan(0);
    await vi.waitFor(() => expect(isRunning(child)).toBe(false));
    expect(result.structured.capture.notes).toEqual(
      expect.arrayContaining([expect.stringMatching(new RegExp(`left its process group.*pid ${child}`))]),
    );
  });

  it('says clearly when the command cannot start, and when the working directory does not exist', async () => {
    const missing = await harness.call('execute_and_capture', {
      command: 'no-such-command-otel-mcp --flag',
      working_dir: SCRIPTS,
    });
    expect(missing.isError).toBe(true);
    expect(missing.text).toMatch(/could not start: the shell could not find it/);
    const nowhere = await harness.call('execute_and_capture', {
      command: 'true',
      working_dir: join(harness.dataDir, 'nope'),
    });
    expect(nowhere.isError).toBe(true);
    expect(nowhere.text).toMatch(/does not exist/);
  });

  it('stops the services it started and says the command could not start as soon as it exits, without waiting for spans', async () => {
    const port = await freePort();
    const messages: string[] = [];
    const result = await harness.client.callTool(
      {
        name: 'execute_and_capture',
        arguments: {
          command: 'no-such-command-otel-mcp',
          working_dir: SCRIPTS,
          services: [
            {
              name: 'worker',
              command: `${NODE} http-service.cjs`,
              ready: { port },
              env: { PORT: String(port), OTEL_SERVICE_NAME: 'worker' },
            },
          ],
        },
      },
      { onprogress: (progress) => messages.push(String(progress.message)), timeout: 900_000 },
    );
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toMatch(/could not start: the shell could not find it/);
    expect(messages.some((message) => message.startsWith('worker ready'))).toBe(true);
    expect(messages.some((message) => message.startsWith('waiting for spans'))).toBe(false);
    expect(await portAccepts(port)).toBe(false);
  });

  it('captures the spans of a service it did not start, which joined the run only through the propagated context', async () => {
    const port = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      OTEL_EXPORTER_OTLP_ENDPOINT: harness.otlpHttpUrl,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_SERVICE_NAME: 'outside',
      OTEL_BSP_SCHEDULE_DELAY: '50',
      PORT: String(port),
    };
    // No run id on its resource: it was started before, and apart from, the run.
    for (const name of ['OTEL_RESOURCE_ATTRIBUTES', 'OTEL_MCP_RUN_ID', 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'])
      delete env[name];
    const outside = spawn(process.execPath, ['http-service.cjs'], {
      cwd: SCRIPTS,
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      let stdout = '';
      outside.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      await waitFor('the outside service to listen', () => (stdout.includes('listening') ? true : undefined));
      const result = await harness.call('execute_and_capture', {
        command: emit(`client-call --call http://127.0.0.1:${port}/work`),
        working_dir: SCRIPTS,
        env: { OTEL_SERVICE_NAME: 'client' },
      });
      expect(result.isError).toBe(false);
      expect(result.structured.services).toEqual([]);
      const [trace] = result.structured.traces;
      expect(trace.services).toEqual(['client', 'outside']);
      // client root + client GET tagged with the run id; the outside server span + its work.step are not.
      expect(result.structured.capture).toMatchObject({
        complete: true,
        trace_count: 1,
        span_count: 4,
        run_span_count: 2,
      });
    } finally {
      outside.kill('SIGKILL');
    }
  });

  it('waits for a service the spec expects that the run did not start, and says when none of its spans arrived', async () => {
    const result = await harness.call('execute_and_capture', {
      command: emit('checkout reserve'),
      working_dir: SCRIPTS,
      env: { OTEL_SERVICE_NAME: 'shop' },
      expected_spec: {
        name: 'ghost_checkout',
        expected_spans: [
          {
            operation_name: 'checkout',
            service_name: 'shop',
            children: [{ operation_name: 'ghost.lookup', service_name: 'ghost-service' }],
          },
        ],
      },
    });
    expect(result.isError).toBe(false);
    expect(result.structured.verdict).toBe('fail');
    expect(result.structured.capture.complete).toBe(true);
    // settle_ms 300 + late_service_wait_ms 1000, the defaults.
    expect(result.structured.capture.notes).toContainEqual(
      'waited 1300 ms after the run for spans of ghost-service (expected by the spec, not started by this run): none arrived',
    );
    expect(result.text).toContain('ghost-service');
  });

  it('keeps a service up while a span of it waits for its parent from the same process, which ends later', async () => {
    const port = await freePort();
    const result = await harness.call('execute_and_capture', {
      command: emit(`client-call --call http://127.0.0.1:${port}/late-parent`),
      working_dir: SCRIPTS,
      env: { OTEL_SERVICE_NAME: 'client' },
      services: [workerService(port)],
    });
    expect(result.isError, result.text).toBe(false);
    const traceId = result.structured.traces[0].trace_id as string;
    const tree = await harness.call('get_trace_by_id', { trace_id: traceId, view: 'tree' });
    // late.parent ends a second after the answer, long after the 300 ms quiet period: it arrived.
    expect(tree.text).toMatch(/late\.parent[\s\S]*late\.child/);
    expect(result.structured.capture.complete).toBe(true);
  });

  it('keeps the services up for the first span of a run when no span has come by the end of the quiet period (a cold SDK’s first export)', async () => {
    const port = await freePort();
    const get = `require('node:http').get('http://127.0.0.1:${port}/work', (answer) => answer.resume())`;
    const result = await harness.call('execute_and_capture', {
      command: `${NODE} -e ${JSON.stringify(get)}`,
      working_dir: SCRIPTS,
      // Its first export comes a second after the span ends, long after the 300 ms quiet period,
      // and SIGTERM ends it without a flush: stopped at the quiet period, it takes the span along.
      services: [
        {
          ...workerService(port),
          env: { PORT: String(port), OTEL_BSP_SCHEDULE_DELAY: '1000', NO_FLUSH_ON_SIGTERM: '1' },
        },
      ],
      expected_spec: {
        name: 'cold_worker',
        expected_spans: [{ operation_name: 'work.step', service_name: 'worker' }],
      },
    });
    expect(result.isError, result.text).toBe(false);
    expect(result.structured.verdict).toBe('pass');
    expect(result.structured.capture.run_span_count).toBeGreaterThan(0);
  });

  it('keeps a called service up until its answer’s spans come, when they are late and it would not flush on SIGTERM', async () => {
    const port = await freePort();
    const result = await harness.call('execute_and_capture', {
      command: emit(`client-call --call http://127.0.0.1:${port}/work`),
      working_dir: SCRIPTS,
      env: { OTEL_SERVICE_NAME: 'client' },
      services: [
        {
          ...workerService(port),
          env: {
            PORT: String(port),
            OTEL_BSP_SCHEDULE_DELAY: '1000',
            NO_FLUSH_ON_SIGTERM: '1',
            OTEL_SERVICE_NAME: 'worker',
          },
        },
      ],
      expected_spec: { name: 'late_worker', expected_spans: CALL_TO_WORKER },
    });
    expect(result.isError, result.text).toBe(false);
    expect(result.structured.verdict, result.text).toBe('pass');
  });

  it('gives up at the capture timeout when a trace’s root never arrives, saying how many spans did', async () => {
    const result = await harness.call('execute_and_capture', {
      command: emit('orphan-root step --remote-parent'),
      working_dir: SCRIPTS,
      env: { OTEL_SERVICE_NAME: 'shop' },
      capture_timeout_ms: 1000,
    });
    expect(result.isError).toBe(false);
    expect(result.structured.capture).toMatchObject({ complete: false, trace_count: 1, span_count: 2 });
    const notes = result.structured.capture.notes as string[];
    expect(notes).toContainEqual(
      expect.stringMatching(
        /has no root span \(2 spans arrived; shop: orphan-root waits for its parent [0-9a-f]{16}\)/,
      ),
    );
    expect(notes).toContain('timed out after 1000 ms waiting for the root span of 1 trace');
    expect(result.text).toContain('INCOMPLETE');
  });

  it('keeps the last 40 lines of a long output, bounded, and counts every byte written', async () => {
    // 3000 lines of 100 bytes: more than the 256 KiB kept, far more than the 4 KB shown.
    const result = await harness.call('execute_and_capture', {
      command: `${NODE} print-lines.cjs 3000`,
      working_dir: SCRIPTS,
    });
    expect(result.isError).toBe(false);
    const stdout = result.structured.command.stdout as {
      text: string;
      tail_only: boolean;
      total_bytes: number;
    };
    expect(stdout.tail_only).toBe(true);
    expect(stdout.total_bytes).toBe(300_000);
    expect(stdout.text.length).toBeLessThanOrEqual(4000);
    expect(stdout.text.split('\n').length).toBeLessThanOrEqual(40);
    expect(stdout.text.split('\n').at(-1)).toMatch(/^line 3000 of 3000\.+$/);
  });

  it('waits for a service whose readiness is a line of its output', async () => {
    const port = await freePort();
    const result = await harness.call('execute_and_capture', {
      command: emit(`client-call --call http://127.0.0.1:${port}/work`),
      working_dir: SCRIPTS,
      env: { OTEL_SERVICE_NAME: 'client' },
      services: [
        {
          name: 'worker',
          command: `${NODE} http-service.cjs`,
          ready: { log_pattern: 'listening \\d+' },
          env: { PORT: String(port), OTEL_SERVICE_NAME: 'worker' },
        },
      ],
    });
    expect(result.isError).toBe(false);
    expect(result.structured.services[0]).toMatchObject({ name: 'worker', exited_early: false });
    expect(result.structured.services[0].ready_after_ms).toBeGreaterThanOrEqual(0);
    expect(result.structured.command.stdout.text).toContain(`called http://127.0.0.1:${port}/work: 200`);
    expect(result.structured.traces[0].services).toEqual(['client', 'worker']);
  });

  it('answers the plan’s synonyms in the same shape as their canonical twins', async () => {
    const args = { working_dir: SCRIPTS, env: { OTEL_SERVICE_NAME: 'shop' } };
    const canonical = await harness.call('execute_and_capture', {
      command: emit('checkout reserve charge'),
      expected_spec: 'tiny_checkout',
      ...args,
    });
    const byName = await harness.call('run_and_capture', {
      service_command: emit('checkout reserve charge'),
      expected_spec: 'tiny_checkout',
      ...args,
    });
    expect(byName.isError).toBe(false);
    expect(byName.structured).toMatchObject({ verdict: 'pass', spec: { name: 'tiny_checkout', version: 1 } });
    expect(shapeOf(byName.structured)).toEqual(shapeOf(canonical.structured));

    const yaml =
      'name: tiny_checkout\nexpected_spans:\n  - operation_name: checkout\n    service_name: shop\n    children:\n      - { operation_name: charge, service_name: shop }\n';
    const byText = await harness.call('run_and_capture', {
      service_command: emit('checkout reserve'),
      expected_spec: yaml,
      ...args,
    });
    expect(byText.isError).toBe(false);
    // Inline: judged by the text given (no charge here, so it fails), not by the stored spec of that name.
    expect(byText.structured.verdict).toBe('fail');
    expect(byText.structured.spec).toEqual({ name: 'tiny_checkout' });

    const created = await harness.call('create_development_session', {
      project_name: 'twins',
      spec_name: 'tiny_checkout',
    });
    const started = await harness.call('start_trace_session', {
      project_name: 'twins',
      spec_name: 'tiny_checkout',
    });
    expect(started.isError).toBe(false);
    expect(shapeOf(started.structured)).toEqual(shapeOf(created.structured));
    const sessionId = started.structured.session_id as string;
    await harness.call('run_and_capture', {
      session_id: sessionId,
      service_command: emit('checkout reserve charge'),
      ...args,
    });
    const metrics = await harness.call('get_session_metrics', { session_id: sessionId });
    const progress = await harness.call('get_session_progress', { session_id: sessionId });
    expect(progress.isError).toBe(false);
    expect(progress.structured).toEqual(metrics.structured);
    expect(progress.structured).toMatchObject({ status: 'green', iteration_count: 1 });
  });

  it('refuses an unknown session with the recent ones named, and an unknown spec with the nearest name', async () => {
    const session = await harness.call('execute_and_capture', { session_id: 'ses_nothere', command: 'true' });
    expect(session.isError).toBe(true);
    expect(session.text).toMatch(/recent sessions: ses_/);
    const spec = await harness.call('create_development_session', {
      project_name: 'x',
      spec_name: 'tiny_chekout',
    });
    expect(spec.isError).toBe(true);
    expect(spec.text).toContain('tiny_checkout');
  });
});

describe('a session across a restart, and progress while a run goes on', () => {
  it('keeps a session and its iterations when the server restarts on the same data dir', async () => {
    const dataDir = tempDirForTest('otel-mcp-restart-');
    const first = await startHarness({ dataDir });
    const created = await first.call('create_development_session', {
      project_name: 'shop',
      working_dir: SCRIPTS,
      env: { OTEL_SERVICE_NAME: 'shop' },
    });
    const sessionId = created.structured.session_id as string;
    const run = await first.call('execute_and_capture', {
      session_id: sessionId,
      command: emit('checkout reserve'),
    });
    expect(run.structured.verdict).toBe('no_spec');
    await first.close();

    const second = await startHarness({ dataDir });
    try {
      const metrics = await second.call('get_session_metrics', { session_id: sessionId });
      expect(metrics.structured).toMatchObject({
        session_id: sessionId,
        iteration_count: 1,
        status: 'no_spec',
      });
      const next = await second.call('execute_and_capture', {
        session_id: sessionId,
        command: emit('checkout reserve'),
      });
      expect(next.structured.iteration).toBe(2);
    } finally {
      await second.close();
    }
  });

  it('sends MCP progress notifications while it starts, runs and waits, when the client asks for them', async () => {
    const harness = await startHarness();
    try {
      const messages: string[] = [];
      await harness.client.callTool(
        { name: 'execute_and_capture', arguments: { command: emit('progress-run a'), working_dir: SCRIPTS } },
        { onprogress: (progress) => messages.push(String(progress.message)) },
      );
      expect(messages[0]).toMatch(/^running /);
      expect(messages.some((message) => message.startsWith('command exited with code 0'))).toBe(true);
      expect(messages.some((message) => message.startsWith('waiting for spans'))).toBe(true);
    } finally {
      await harness.close();
    }
  });
});

describe('execution limits from the configuration', () => {
  it('refuses every run when execution is switched off, saying what to do instead', async () => {
    const config = join(tempDirForTest('otel-mcp-config-'), 'config.yaml');
    writeFileSync(config, 'execution:\n  enabled: false\n');
    const locked = await startHarness({ flags: { config } });
    try {
      const result = await locked.call('execute_and_capture', { command: 'true' });
      expect(result.isError).toBe(true);
      expect(result.text).toContain('execution.enabled: false');
      expect(result.text).toContain('get_otlp_endpoint');
    } finally {
      await locked.close();
    }
  });

  it('kills a service that ignores SIGTERM once stop_grace_ms has passed, and says so', async () => {
    const dir = tempDirForTest('otel-mcp-grace-');
    const config = join(dir, 'config.yaml');
    writeFileSync(config, 'execution:\n  stop_grace_ms: 300\n');
    const pidFile = join(dir, 'stubborn.pid');
    const harness = await startHarness({ dataDir: dir, flags: { config } });
    try {
      const result = await harness.call('execute_and_capture', {
        command: 'true',
        working_dir: SCRIPTS,
        services: [
          {
            name: 'stubborn',
            command: `${NODE} ignore-sigterm.cjs ${JSON.stringify(pidFile)}`,
            ready: { log_pattern: '^ready$' },
          },
        ],
      });
      expect(result.isError).toBe(false);
      expect(result.structured.services[0]).toMatchObject({
        name: 'stubborn',
        exited_early: false,
        force_killed: true,
        signal: expect.any(String),
      });
      expect(result.structured.services[0].stderr.text).toContain('ignoring SIGTERM');
      expect(result.text).toContain('Service stubborn ignored SIGTERM and was killed');
      const pid = Number(readFileSync(pidFile, 'utf8').trim());
      // SIGKILL was sent; on a loaded machine the kernel may still be tearing the process down for a
      // moment, so it is given a few seconds to be gone (a process never killed stays, and fails).
      await waitFor(
        `the SIGKILLed service (pid ${pid}) to be gone`,
        () => (isRunning(pid) ? undefined : true),
        5000,
      );
    } finally {
      await harness.close();
    }
  });

  it('runs only the listed commands with their listed arguments, refuses the environment that would change them, and keeps working_dir really inside the root', async () => {
    const dir = tempDirForTest('otel-mcp-root-');
    const config = join(dir, 'config.yaml');
    writeFileSync(
      config,
      `execution:\n  allowed_commands: ["echo *", {command: "node ${SCRIPTS}emit-trace.cjs", args: positional}]\n  root_dir: ${JSON.stringify(dir)}\n`,
    );
    symlinkSync(tmpdir(), join(dir, 'escape'));
    const harness = await startHarness({ dataDir: dir, flags: { config } });
    try {
      const allowed = await harness.call('execute_and_capture', { command: 'echo hello' });
      expect(allowed.isError).toBe(false);
      expect(allowed.structured.command.stdout.text).toBe('hello');
      const other = await harness.call('execute_and_capture', { command: 'ls /' });
      expect(other.text).toMatch(/not in the allow-list.*\n.*"echo \*"/);
      const chained = await harness.call('execute_and_capture', { command: 'echo hi; rm -rf /tmp/x' });
      expect(chained.text).toMatch(/has a command separator/);
      const option = await harness.call('execute_and_capture', { command: 'echo -e hi' });
      expect(option.text).toContain('"-e" is not an argument the allow-list entry "echo *" allows');
      const outside = await harness.call('execute_and_capture', { command: 'echo hi', working_dir: '/etc' });
      expect(outside.text).toMatch(/outside the execution root/);
      const throughLink = await harness.call('execute_and_capture', {
        command: 'echo hi',
        working_dir: 'escape',
      });
      expect(throughLink.text).toMatch(/outside the execution root/);
      for (const env of [{ NODE_OPTIONS: '--import=data:text/javascript,process.exit(7)' }, { PATH: dir }]) {
        const refused = await harness.call('execute_and_capture', {
          command: `node ${SCRIPTS}emit-trace.cjs checkout`,
          env,
        });
        expect(refused.isError).toBe(true);
        expect(refused.text).toContain(`env: ${Object.keys(env)[0]} may not be set`);
      }
      const service = await harness.call('execute_and_capture', {
        command: 'echo hi',
        services: [{ name: 'api', command: 'echo up', env: { npm_config_script_shell: '/tmp/evil.sh' } }],
      });
      expect(service.text).toContain("service api's env: npm_config_script_shell may not be set");
      // The failing half: the allowed command with allowed arguments and an ordinary variable runs and is traced.
      const traced = await harness.call('execute_and_capture', {
        command: `node ${SCRIPTS}emit-trace.cjs checkout reserve`,
        env: { OTEL_SERVICE_NAME: 'shop' },
      });
      expect(traced.isError, traced.text).toBe(false);
      expect(traced.structured.traces[0]).toMatchObject({ span_count: 2 });
    } finally {
      await harness.close();
    }
  });

  it("refuses a session's env and its services' env by the command policy as it refuses a call's env, at creation and at each run, and runs nothing", async () => {
    const dir = tempDirForTest('otel-mcp-session-env-');
    const config = join(dir, 'config.yaml');
    const marker = join(dir, 'ran');
    // No spaces: NODE_OPTIONS splits on them. Run unrefused, this writes the marker before any script.
    const inject = `--import=data:text/javascript,import%20fs%20from%20'node:fs';fs.writeFileSync(${JSON.stringify(marker)},'x')`;
    const command = `node ${SCRIPTS}emit-trace.cjs checkout`;
    const service = { name: 'api', command: 'echo up', env: { npm_config_script_shell: '/tmp/evil.sh' } };
    /** The refusal itself, without the tool name that leads the first line. */
    const reason = (text: string) => (text.split('\n')[0] ?? '').replace(/^\w+ failed /, '');

    // Sessions made while no allow-list was configured hold what a policy refuses.
    writeFileSync(config, 'execution: {}\n');
    let harness = await startHarness({ dataDir: dir, flags: { config } });
    const made = await harness.call('create_development_session', {
      project_name: 'shop',
      command,
      env: { NODE_OPTIONS: inject },
    });
    const madeWithService = await harness.call('create_development_session', {
      project_name: 'shop',
      command: 'echo hi',
      services: [service],
    });
    await harness.close();
    expect(made.isError, made.text).toBe(false);
    expect(madeWithService.isError, madeWithService.text).toBe(false);

    writeFileSync(
      config,
      `execution:\n  allowed_commands: ["echo *", {command: "node ${SCRIPTS}emit-trace.cjs", args: positional}]\n`,
    );
    harness = await startHarness({ dataDir: dir, flags: { config } });
    try {
      const direct = await harness.call('execute_and_capture', { command, env: { NODE_OPTIONS: inject } });
      expect(direct.isError).toBe(true);
      const refusal = reason(direct.text);
      expect(refusal).toContain('env: NODE_OPTIONS may not be set while execution.allowed_commands is on');

      // Now a new session with that env is refused when it is created, in the same words.
      const created = await harness.call('create_development_session', {
        project_name: 'shop',
        command,
        env: { NODE_OPTIONS: inject },
      });
      expect(created.isError).toBe(true);
      expect(reason(created.text)).toBe(refusal);
      const createdWithService = await harness.call('create_development_session', {
        project_name: 'shop',
        command: 'echo hi',
        services: [service],
      });
      expect(createdWithService.text).toContain("service api's env: npm_config_script_shell may not be set");

      // And the sessions made before are refused at each run, in the same words.
      const run = await harness.call('execute_and_capture', {
        session_id: made.structured.session_id as string,
      });
      expect(run.isError).toBe(true);
      expect(reason(run.text)).toBe(refusal);
      const serviceRun = await harness.call('execute_and_capture', {
        session_id: madeWithService.structured.session_id as string,
      });
      expect(serviceRun.isError).toBe(true);
      expect(serviceRun.text).toContain("service api's env: npm_config_script_shell may not be set");
      expect(existsSync(marker)).toBe(false);

      // The failing half: a session with an allowed command and an ordinary variable is made.
      const fine = await harness.call('create_development_session', {
        project_name: 'shop',
        command,
        env: { OTEL_SERVICE_NAME: 'shop' },
      });
      expect(fine.isError, fine.text).toBe(false);
    } finally {
      await harness.close();
    }
  });
});
