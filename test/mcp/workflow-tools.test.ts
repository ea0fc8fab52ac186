import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.js';
import { startHarness, type Harness } from '../support/mcp-harness.js';

const SCRIPTS = fileURLToPath(new URL('../fixtures/run-scripts/', import.meta.url));
const NODE = JSON.stringify(process.execPath);
const emit = (args: string): string => `${NODE} emit-trace.cjs ${args}`;

const CHECKOUT_SPEC = {
  name: 'tiny_checkout',
  expected_spans: [
    {
      operation_name: 'checkout',
      service_name: 'shop',
      children: [{ operation_name: 'reserve', service_name: 'shop' }, { operation_name: 'charge', service_name: 'shop' }],
    },
  ],
};

/** Running, not merely a zombie waiting for init to reap it (a killed orphan is one for a moment). */
function isRunning(pid: number): boolean {
  const stat = `/proc/${pid}/stat`;
  if (!existsSync(stat)) return false;
  return readFileSync(stat, 'utf8').split(') ')[1]?.[0] !== 'Z';
}

describe('the trace-driven loop through a real MCP client', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness();
    const defined = await harness.call('define_trace_spec', { name: 'tiny_checkout', specification: CHECKOUT_SPEC });
    expect(defined.isError).toBe(false);
  });
  afterAll(async () => harness?.close());

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
    expect(result.structured.capture).toMatchObject({ complete: true, trace_count: 1, span_count: 3, run_span_count: 3 });
    const traceId = result.structured.traces[0].trace_id as string;
    const rootSpanId = result.structured.comparison.entries[0].matches[0].span_id as string;
    // The run id is added beside what the user set in OTEL_RESOURCE_ATTRIBUTES, never instead of it.
    const details = await harness.call('get_span_details', { trace_id: traceId, span_id: rootSpanId });
    expect(details.structured.resource).toMatchObject({ 'otel_mcp.run_id': result.structured.run_id, 'deployment.environment': 'dev', 'service.name': 'shop' });
    expect(result.text).toMatch(/PASS/);
  });

  it('records a red then a green iteration in a session, with what was fixed, the first green and the next steps', async () => {
    const created = await harness.call('create_development_session', { project_name: 'shop', spec_name: 'tiny_checkout', working_dir: SCRIPTS, env: { OTEL_SERVICE_NAME: 'shop' } });
    expect(created.isError).toBe(false);
    const sessionId = created.structured.session_id as string;

    const red = await harness.call('execute_and_capture', { session_id: sessionId, command: emit('checkout reserve') });
    expect(red.structured).toMatchObject({ verdict: 'fail', iteration: 1, spec: { name: 'tiny_checkout', version: 1 } });
    const missing = red.structured.comparison.violations.find((violation: { path: string }) => violation.path.includes('charge'));
    expect(missing.kind).toBe('missing');
    expect(red.structured.next_steps[0]).toMatchObject({ category: 'missing' });
    expect(red.structured.next_steps[0].action).toContain('charge');

    const steps = await harness.call('suggest_next_steps', { session_id: sessionId });
    expect(steps.structured.steps[0].action).toContain('charge');

    const green = await harness.call('execute_and_capture', { session_id: sessionId, command: emit('checkout reserve charge') });
    expect(green.structured).toMatchObject({ verdict: 'pass', iteration: 2 });
    expect(green.structured.changes.fixed).toEqual([expect.stringContaining('charge')]);
    expect(green.structured.changes.introduced).toEqual([]);

    const metrics = await harness.call('get_session_metrics', { session_id: sessionId });
    expect(metrics.structured).toMatchObject({ status: 'green', iteration_count: 2, first_green: { iteration: 2 } });
    expect(metrics.structured.iterations.map((row: { verdict: string }) => row.verdict)).toEqual(['fail', 'pass']);
    expect(metrics.structured.iterations[0].score).toBeLessThan(metrics.structured.iterations[1].score);
    expect(metrics.structured.iterations[1].key_spans.map((span: { path: string }) => span.path)).toContain('checkout > charge');

    const regressed = await harness.call('execute_and_capture', { session_id: sessionId, command: emit('checkout charge') });
    expect(regressed.structured.changes.introduced).toEqual([expect.stringContaining('reserve')]);
    expect(regressed.structured.next_steps[0].category).toBe('regression');
    const after = await harness.call('get_session_metrics', {});
    expect(after.structured).toMatchObject({ session_id: sessionId, status: 'regressed' });
  });

  it('keeps two runs in parallel apart: each sees only its own spans', async () => {
    const [first, second] = await Promise.all([
      harness.call('execute_and_capture', { command: emit('first-run a b --sleep 300'), working_dir: SCRIPTS, env: { OTEL_SERVICE_NAME: 'one' } }),
      harness.call('execute_and_capture', { command: emit('second-run c --sleep 300'), working_dir: SCRIPTS, env: { OTEL_SERVICE_NAME: 'two' } }),
    ]);
    expect(first?.structured.run_id).not.toBe(second?.structured.run_id);
    expect(first?.structured.traces.map((trace: { root: string }) => trace.root)).toEqual(['one: first-run']);
    expect(second?.structured.traces.map((trace: { root: string }) => trace.root)).toEqual(['two: second-run']);
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
      services: [{ name: 'worker', command: `${NODE} http-service.cjs`, ready: { port }, env: { PORT: String(port), OTEL_SERVICE_NAME: 'worker' } }],
    });
    expect(result.isError).toBe(false);
    expect(result.structured.services[0]).toMatchObject({ name: 'worker', exited_early: false, force_killed: false });
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
      services: [{ name: 'worker', command: `${NODE} http-service.cjs`, ready: { port }, env: { PORT: String(port), OTEL_SERVICE_NAME: 'worker' } }],
    });
    expect(result.isError).toBe(false);
    expect(result.structured.services[0]).toMatchObject({ name: 'worker', exited_early: true, exit_code: 3 });
    expect(result.structured.services[0].stderr.text).toContain('crashing in the middle');
    expect(result.structured.command.stdout.text).toContain('error ECONNRESET');
    const [trace] = result.structured.traces;
    expect(trace.services).toEqual(['client']);
    expect(trace.error_count).toBe(1);
    expect(result.text).toContain('Service worker exited during the run');
    expect(result.structured.next_steps.some((step: { action: string }) => step.action.includes('worker'))).toBe(true);
  });

  it('kills a command that never ends at the timeout, with the children it started', async () => {
    const pidFile = join(harness.dataDir, 'child.pid');
    const result = await harness.call('execute_and_capture', { command: `sh spawn-forever.sh ${JSON.stringify(pidFile)}`, working_dir: SCRIPTS, timeout_ms: 500 });
    expect(result.isError).toBe(false);
    expect(result.structured.command.timed_out).toBe(true);
    expect(result.structured.verdict).toBe('no_traces');
    expect(existsSync(pidFile)).toBe(true);
    const child = Number(readFileSync(pidFile, 'utf8').trim());
    expect(isRunning(child)).toBe(false);
    expect(result.text).toContain('timed out');
  });

  it('says clearly when the command cannot start, and when the working directory does not exist', async () => {
    const missing = await harness.call('execute_and_capture', { command: 'no-such-command-otel-mcp --flag', working_dir: SCRIPTS });
    expect(missing.isError).toBe(true);
    expect(missing.text).toMatch(/could not start: the shell could not find it/);
    const nowhere = await harness.call('execute_and_capture', { command: 'true', working_dir: join(harness.dataDir, 'nope') });
    expect(nowhere.isError).toBe(true);
    expect(nowhere.text).toMatch(/does not exist/);
  });

  it('refuses an unknown session with the recent ones named, and an unknown spec with the nearest name', async () => {
    const session = await harness.call('execute_and_capture', { session_id: 'ses_nothere', command: 'true' });
    expect(session.isError).toBe(true);
    expect(session.text).toMatch(/recent sessions: ses_/);
    const spec = await harness.call('create_development_session', { project_name: 'x', spec_name: 'tiny_chekout' });
    expect(spec.isError).toBe(true);
    expect(spec.text).toContain('tiny_checkout');
  });
});

describe('a session across a restart, and progress while a run goes on', () => {
  it('keeps a session and its iterations when the server restarts on the same data dir', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'otel-mcp-restart-'));
    const first = await startHarness({ dataDir });
    const created = await first.call('create_development_session', { project_name: 'shop', working_dir: SCRIPTS, env: { OTEL_SERVICE_NAME: 'shop' } });
    const sessionId = created.structured.session_id as string;
    const run = await first.call('execute_and_capture', { session_id: sessionId, command: emit('checkout reserve') });
    expect(run.structured.verdict).toBe('no_spec');
    await first.close();

    const second = await startHarness({ dataDir });
    try {
      const metrics = await second.call('get_session_metrics', { session_id: sessionId });
      expect(metrics.structured).toMatchObject({ session_id: sessionId, iteration_count: 1, status: 'no_spec' });
      const next = await second.call('execute_and_capture', { session_id: sessionId, command: emit('checkout reserve') });
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
    const config = join(mkdtempSync(join(tmpdir(), 'otel-mcp-config-')), 'config.yaml');
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

  it('allows only listed command prefixes, refuses chained commands, and keeps working_dir inside the root', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'otel-mcp-root-'));
    const config = join(dir, 'config.yaml');
    writeFileSync(config, `execution:\n  allowed_commands: ["echo"]\n  root_dir: ${JSON.stringify(dir)}\n`);
    const harness = await startHarness({ dataDir: dir, flags: { config } });
    try {
      const allowed = await harness.call('execute_and_capture', { command: 'echo hello' });
      expect(allowed.isError).toBe(false);
      expect(allowed.structured.command.stdout.text).toBe('hello');
      const other = await harness.call('execute_and_capture', { command: 'ls /' });
      expect(other.text).toMatch(/not in the allow-list.*\n.*"echo"/);
      const chained = await harness.call('execute_and_capture', { command: 'echo hi; rm -rf /tmp/x' });
      expect(chained.text).toMatch(/chains or redirects/);
      const outside = await harness.call('execute_and_capture', { command: 'echo hi', working_dir: '/etc' });
      expect(outside.text).toMatch(/outside the execution root/);
    } finally {
      await harness.close();
    }
  });
});
