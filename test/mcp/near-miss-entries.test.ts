/**
 * What the comparison's text says of entries whose spans sit beneath a near miss of their parent
 * (the parent span is there but breaks a rule): they are there, counted in full, and still marked
 * ✗ when they break a rule of their own, even when that violation is cut from the list.
 */
import { SpanKind, context, trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/mcp-harness.js';
import { createSdkTracer } from '../support/sdk-tracer.js';
import { waitFor } from '../support/wait-for.js';

const SPEC = `
name: batch_job
expected_spans:
  - operation_name: job.run
    service_name: worker
    required_tags: { job.kind: nightly }
    children:
      - operation_name: item.process
        count: { min: 1 }
        required_tags: { item.ok: true }
      - operation_name: report.write
        count: 1
  - operation_name: cleanup.run
    service_name: worker
`;

/** One job from the real SDK: the root tagged `kind`, `items` children with their `item.ok`, `reports` reports. */
async function sendJob(harness: Harness, kind: string, items: boolean[], reports = 1): Promise<string> {
  const sdk = createSdkTracer({
    serviceName: 'worker',
    exporter: 'http-protobuf',
    endpoint: harness.otlpHttpUrl,
  });
  const root = sdk.tracer.startSpan('job.run', { kind: SpanKind.INTERNAL, attributes: { 'job.kind': kind } });
  const parent = trace.setSpan(context.active(), root);
  for (const ok of items)
    sdk.tracer.startSpan('item.process', { attributes: { 'item.ok': ok } }, parent).end();
  for (let i = 0; i < reports; i++) sdk.tracer.startSpan('report.write', {}, parent).end();
  root.end();
  await sdk.flush();
  const traceId = root.spanContext().traceId;
  await waitFor(`trace ${traceId}`, () => harness.app.store.getTrace(traceId) ?? undefined);
  return traceId;
}

describe('entries beneath a near miss of their parent', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
    const defined = await harness.call('define_trace_spec', { name: 'batch_job', specification: SPEC });
    expect(defined.isError, defined.text).toBe(false);
  });
  afterAll(async () => harness?.close());

  it('are said to be there with every span counted, though only the first few are named', async () => {
    const traceId = await sendJob(harness, 'hourly', Array<boolean>(10).fill(true));
    const result = await harness.call('compare_trace_to_spec', { trace_id: traceId, spec_name: 'batch_job' });
    // cleanup.run is missing in every job; the root's wrong tag is the near miss.
    expect(result.structured.violations.map((v: { kind: string }) => v.kind)).toEqual([
      'missing',
      'tag_mismatch',
    ]);
    expect(result.text).toContain("~ job.run > item.process: 10 found beneath its parent's near miss");
    expect(result.text).toContain("~ job.run > report.write: 1 found beneath its parent's near miss");
    const entry = result.structured.entries.find(
      (e: { path: string }) => e.path === 'job.run > item.process',
    );
    expect(entry).toMatchObject({ found: 0, near_miss: { found: 10, satisfied: true } });
  });

  it('are marked ✗ when they break a rule of their own, also when that violation is cut from the list', async () => {
    const traceId = await sendJob(harness, 'hourly', [true], 2);
    for (const maxViolations of [undefined, 1]) {
      const result = await harness.call('compare_trace_to_spec', {
        trace_id: traceId,
        spec_name: 'batch_job',
        ...(maxViolations !== undefined ? { max_violations: maxViolations } : {}),
      });
      // Two reports where the spec allows one: a violation of the entry's own, which max_violations 1
      // cuts from the list (cleanup.run, missing, comes first).
      expect(result.structured.violations.length).toBe(maxViolations ?? 3);
      const reportViolated = result.structured.violations.some(
        (v: { path: string }) => v.path === 'job.run > report.write',
      );
      expect(reportViolated).toBe(maxViolations === undefined);
      // The count that failed, as the violation counts it: two reports, one matched, one too many.
      expect(result.text).toMatch(
        /✗ job\.run > report\.write: 2 found beneath its parent's near miss \(expected 1; counts once the parent matches\): 1 matched \[\w{8} [\d.]+ ms\], 1 too many$/m,
      );
      expect(result.text).toContain("~ job.run > item.process: 1 found beneath its parent's near miss");
    }
  });
});
