/**
 * generate_improvement_suggestions on a session iteration whose run lost spans (a crashed gateway):
 * the orphans that loss explains are not planned as context to propagate, the others still are.
 * The iteration is recorded as execute_and_capture records one, from a built trace judged by the run's
 * own judge, so the crash needs no real process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Trace } from '../../src/model/index.js';
import type { TraceSpec } from '../../src/tracespec/index.js';
import type { RunReport, ServiceOutcome } from '../../src/workflow/execute-run.js';
import { judgeRun } from '../../src/workflow/run-verdict.js';
import { startHarness, type Harness } from '../support/mcp-harness.js';
import { buildTrace, movedToNow, type SpanSketch } from '../support/trace-builder.js';

// gateway → loans-service → fees-service, as the polyglot example's loan with a fee quote.
const SPEC: TraceSpec = {
  name: 'loan_with_fee',
  expected_spans: [
    {
      operation_name: 'POST /loans',
      service_name: 'gateway',
      children: [
        {
          operation_name: 'POST /loans',
          service_name: 'loans-service',
          children: [
            { operation_name: 'loan.create', service_name: 'loans-service' },
            { operation_name: 'POST /fees', service_name: 'fees-service' },
          ],
        },
      ],
    },
  ],
};

const tagged = (service: string): SpanSketch['resourceAttributes'] => ({
  'otel_mcp.run_id': 'run_1',
  'otel_mcp.process': service,
});

/** loans-service's part, whose parent died with the gateway; fees-service's span points at a parent nothing sent. */
function crashedGatewayTrace(): Trace {
  return buildTrace([
    {
      name: 'POST /loans',
      service: 'loans-service',
      kind: 'server',
      missingParentId: 'feedfacefeedface',
      resourceAttributes: tagged('loans-service'),
      children: [{ name: 'loan.create' }],
    },
    {
      name: 'POST /fees',
      service: 'fees-service',
      kind: 'server',
      startMs: 2,
      missingParentId: 'badc0ffeebadc0ff',
      resourceAttributes: tagged('fees-service'),
    },
  ]);
}

function service(name: string, port: number, crashed: boolean): ServiceOutcome {
  return {
    name,
    ports: [port],
    exitedEarly: crashed,
    exitCode: crashed ? 1 : 0,
    signal: null,
    killedByTimeout: !crashed,
    forceKilled: false,
    durationMs: 1000,
    stdout: { text: '', truncated: false, totalBytes: 0 },
    stderr: crashed
      ? {
          text: 'TypeError: fee_cents is undefined\n    at decodeLoan (/srv/gateway.cjs:42:22)',
          truncated: false,
          totalBytes: 70,
        }
      : { text: '', truncated: false, totalBytes: 0 },
    ...(crashed ? {} : { stopSignals: ['SIGTERM' as const] }),
    serviceNameDefaulted: false,
  };
}

/** The report execute_and_capture makes of a run that captured `trace` with these services, judged by `spec` v1. */
function reportOf(trace: Trace, services: ServiceOutcome[]): RunReport {
  const now = Date.now();
  return {
    runId: 'run_1',
    workingDir: '/srv',
    startedAtMs: now - 1000,
    command: {
      exitCode: 0,
      signal: null,
      killedByTimeout: false,
      forceKilled: false,
      durationMs: 500,
      stdout: { text: '', truncated: false, totalBytes: 0 },
      stderr: { text: '', truncated: false, totalBytes: 0 },
      timedOut: false,
      leftoverProcessesStopped: false,
    },
    services,
    capture: {
      complete: true,
      waitedMs: 300,
      phases: { liveWaitMs: 300, stopMs: 0, afterStopWaitMs: 0, lastSpanAfterExitMs: 0 },
      settleMs: 300,
      runSpanCount: trace.spans.length,
      notes: [],
      traces: [trace],
    },
    exitToVerdictMs: 300,
    finishedAtMs: now,
    verdict: judgeRun([trace], SPEC, { services }),
    spec: { name: SPEC.name, version: 1, spec: SPEC },
  };
}

describe('a plan from a session iteration whose run lost spans', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
    const defined = await harness.call('define_trace_spec', { name: SPEC.name, specification: SPEC });
    expect(defined.isError, defined.text).toBe(false);
  });
  afterAll(async () => harness.close());

  it('plans the context of an orphan whose parent belongs to a service that sent its spans, not of one whose parent died in the crash', async () => {
    const created = await harness.call('create_development_session', {
      project_name: 'loans',
      spec_name: SPEC.name,
    });
    expect(created.isError, created.text).toBe(false);
    const sessionId = created.structured.session_id as string;
    const trace = movedToNow(crashedGatewayTrace());
    await harness.app.writeSpans(trace.spans);
    const report = reportOf(trace, [
      service('gateway', 7001, true),
      service('loans-service', 7002, false),
      service('fees-service', 7003, false),
    ]);
    expect(report.verdict.primary?.violations[0]).toMatchObject({
      kind: 'telemetry_lost',
      path: 'POST /loans',
    });
    harness.app.toolDeps.workflow.sessions.record(sessionId, report, 'node client.cjs');

    const plan = await harness.call('generate_improvement_suggestions', { session_id: sessionId });
    expect(plan.isError, plan.text).toBe(false);
    const actions = (plan.structured.improvements as { action: string }[]).map((item) => item.action);
    expect(actions[0]).toMatch(/^fix the crash in gateway/);
    // fees-service's parent is loans-service's, which arrived: the context broke between them.
    expect(actions).toContainEqual(
      expect.stringMatching(/^propagate the trace context into fees-service: POST \/fees/),
    );
    // loans-service's parent died with the gateway: the crash's fix brings it back.
    expect(plan.text).not.toContain('propagate the trace context into loans-service');
  });
});
