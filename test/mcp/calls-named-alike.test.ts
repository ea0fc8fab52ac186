/**
 * Calls named alike that went to different services (the polyglot gateway's two `POST`s, one to
 * loans-service, one to notify-service), through a real client: detect_regressions judges each
 * call on its own, and the spec comparison lists its unexpected spans by where they went.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gatewayRun, gatewaySketch } from '../support/gateway-sketch.js';
import { startHarness, type Harness } from '../support/mcp-harness.js';
import { buildTrace, movedToNow } from '../support/trace-builder.js';

describe('tools on calls named alike to different services', () => {
  let harness: Harness;
  const baseline = gatewayRun(1);
  const slowNotify = gatewayRun(2, { notifyMs: 10 });
  const loop = gatewayRun(3, { loansCalls: 4 }, 1);
  // The gateway's call to loans-service alone, its callee's span expected.
  const gateway = gatewaySketch();
  const loansOnly = buildTrace({ ...gateway, children: gateway.children?.slice(0, 1) ?? [] });
  beforeAll(async () => {
    harness = await startHarness();
    for (const trace of [...baseline, ...slowNotify, ...loop, loansOnly])
      await harness.app.writeSpans(movedToNow(trace).spans);
  });
  afterAll(async () => harness?.close());

  it('detect_regressions finds the slower notify call and names it by the service it called', async () => {
    const result = await harness.call('detect_regressions', {
      baseline: { trace_ids: baseline.map((trace) => trace.traceId) },
      current_traces: { trace_ids: slowNotify.map((trace) => trace.traceId) },
    });
    expect(result.isError, result.text).toBe(false);
    // The notify service's own span is the cause; the gateway's call to it is slower through it.
    expect(result.text).toMatch(
      /^ {2}notify-service:POST \/notify: median [\d.]+ → [\d.]+ ms.*; explains the slowdown of 1 operation above it: gateway:POST \(→ notify-service\)$/m,
    );
    expect(result.text).not.toMatch(/gateway:POST \(→ loans-service\): median/);
    expect(result.structured.regressions).toContainEqual(
      expect.objectContaining({
        service: 'gateway',
        operation: 'POST',
        destination: 'notify-service',
        explained_by: expect.objectContaining({ service: 'notify-service', operation: 'POST /notify' }),
      }),
    );
  });

  it('compare_trace_to_spec says where unexpected calls named alike went, and counts an N+1 loop in one group', async () => {
    const defined = await harness.call('define_trace_spec', {
      name: 'gateway_only',
      specification: { expected_spans: [{ operation_name: 'POST /loans', service_name: 'gateway' }] },
    });
    expect(defined.isError, defined.text).toBe(false);
    const result = await harness.call('compare_trace_to_spec', {
      trace_id: loop[0]?.traceId,
      spec_name: 'gateway_only',
    });
    expect(result.isError, result.text).toBe(false);
    expect(result.text).toMatch(/^ {2}gateway: POST → loans-service ×4 \[/m);
    expect(result.text).toMatch(/^ {2}gateway: POST → notify-service ×1 \[/m);
    expect(result.text).not.toMatch(/gateway: POST ×5/);
  });

  it('compare_trace_to_spec names no destination when the calls went to one place, and counts one group as one', async () => {
    const defined = await harness.call('define_trace_spec', {
      name: 'gateway_and_loans',
      specification: {
        expected_spans: [
          {
            operation_name: 'POST /loans',
            service_name: 'gateway',
            children: [{ operation_name: 'POST /loans', service_name: 'loans-service' }],
          },
        ],
      },
    });
    expect(defined.isError, defined.text).toBe(false);
    const result = await harness.call('compare_trace_to_spec', {
      trace_id: loansOnly.traceId,
      spec_name: 'gateway_and_loans',
    });
    expect(result.isError, result.text).toBe(false);
    expect(result.text).toContain('\n1 span no entry expects, in 1 group (unexpected_spans).\n');
    expect(result.text).toMatch(/^ {2}gateway: POST ×1 \[/m);
  });
});
