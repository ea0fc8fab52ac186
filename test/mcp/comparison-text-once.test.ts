/**
 * Every missing span and performance issue of a comparison is also a violation with its fix. The
 * text names each once, by its violation; the structured lists keep every row.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/mcp-harness.js';
import { buildTrace, movedToNow } from '../support/trace-builder.js';

const SPEC = {
  expected_spans: [
    {
      operation_name: 'POST /orders',
      service_name: 'api',
      children: [
        { operation_name: 'SELECT orders', service_name: 'api', expected_duration_ms: { max: 50 } },
        { operation_name: 'INSERT audit', service_name: 'api' },
      ],
    },
  ],
};

describe('a comparison answer names each problem once, and what needs no look only by count', () => {
  let harness: Harness;
  const trace = buildTrace({
    name: 'POST /orders',
    service: 'api',
    durationMs: 400,
    children: [{ name: 'SELECT orders', kind: 'client', durationMs: 300 }],
  });
  beforeAll(async () => {
    harness = await startHarness();
    const defined = await harness.call('define_trace_spec', { name: 'orders', specification: SPEC });
    expect(defined.isError, defined.text).toBe(false);
    await harness.app.writeSpans(movedToNow(trace).spans);
  });
  afterAll(async () => harness.close());

  it('lists a missing span and a slow span by their violations only, and keeps them in the structured lists', async () => {
    const result = await harness.call('compare_trace_to_spec', {
      trace_id: trace.traceId,
      spec_name: 'orders',
    });
    expect(result.isError, result.text).toBe(false);
    expect(result.text).toContain('✗ [missing] POST /orders > INSERT audit: ');
    expect(result.text).toContain('✗ [duration] POST /orders > SELECT orders: ');
    expect(result.text).not.toContain('Missing spans:');
    expect(result.text).not.toContain('Performance issues:');
    expect(result.structured.missing_spans).toMatchObject([
      { path: 'POST /orders > INSERT audit', found: 0 },
    ]);
    expect(result.structured.performance_issues).toMatchObject([
      { kind: 'duration', path: 'POST /orders > SELECT orders' },
    ]);
  });

  it('still lists a missing span or slow span whose violation max_violations left out', async () => {
    const result = await harness.call('compare_trace_to_spec', {
      trace_id: trace.traceId,
      spec_name: 'orders',
      max_violations: 1,
    });
    expect(result.isError, result.text).toBe(false);
    const listed = result.text.split('\n').filter((line) => line.startsWith('✗ ['));
    expect(listed).toHaveLength(1);
    const cut = listed[0]!.startsWith('✗ [missing]')
      ? /Performance issues:\n {2}\[duration\] POST \/orders > SELECT orders: /
      : /Missing spans:\n {2}POST \/orders > INSERT audit: expected 1, found 0/;
    expect(result.text).toMatch(cut);
  });

  it('leaves the entries that matched as expected out of a failing answer, counting them, and lists them all when it passes', async () => {
    const failing = await harness.call('compare_trace_to_spec', {
      trace_id: trace.traceId,
      spec_name: 'orders',
    });
    expect(failing.text.split('\n')[0]).toMatch(/\. 1 of 3 entries matched as expected \(not listed\)\.$/);
    expect(failing.text).not.toMatch(/✓ POST \/orders:/);
    expect(failing.text).toMatch(/\n {2}✗ POST \/orders > SELECT orders: 1 found/);
    expect(failing.structured.entries).toHaveLength(3);

    const whole = buildTrace({
      name: 'POST /orders',
      service: 'api',
      children: [
        { name: 'SELECT orders', kind: 'client', durationMs: 20 },
        { name: 'INSERT audit', startMs: 25 },
      ],
    });
    await harness.app.writeSpans(movedToNow(whole).spans);
    const passing = await harness.call('compare_trace_to_spec', {
      trace_id: whole.traceId,
      spec_name: 'orders',
    });
    expect(passing.text).toContain('Matched spans per entry (first 3 each):');
    expect(passing.text.split('\n').filter((line) => line.startsWith('  ✓ '))).toHaveLength(3);
  });

  it('shows an error chain as one violation at its origin, naming the spans that passed it on', async () => {
    const failing = buildTrace({
      name: 'POST /orders',
      service: 'api',
      status: 'error',
      children: [
        {
          name: 'SELECT orders',
          kind: 'client',
          status: 'error',
          statusMessage: 'deadlock detected',
          durationMs: 20,
        },
        { name: 'INSERT audit', startMs: 25 },
      ],
    });
    await harness.app.writeSpans(movedToNow(failing).spans);
    const result = await harness.call('compare_trace_to_spec', {
      trace_id: failing.traceId,
      spec_name: 'orders',
    });
    const errors = result.text.split('\n').filter((line) => line.startsWith('✗ [unexpected_error]'));
    expect(errors, result.text).toEqual([
      expect.stringContaining('`SELECT orders` (api) ended with status ERROR'),
    ]);
    expect(result.text).toMatch(
      /\n {4}passed on to api: POST \/orders \[\w{8}\], which need no fix of their own\n/,
    );
    const structured = (result.structured.violations as { kind: string }[]).filter(
      (violation) => violation.kind === 'unexpected_error',
    );
    expect(structured).toHaveLength(2);
  });

  it('says how many entries matched as expected even when no entry is left to list', async () => {
    // Every entry matches; only the trace-wide duration bound fails.
    await harness.call('define_trace_spec', {
      name: 'orders-fast',
      specification: { ...SPEC, performance_constraints: { max_total_duration_ms: 10 } },
    });
    const whole = buildTrace({
      name: 'POST /orders',
      service: 'api',
      durationMs: 100,
      children: [
        { name: 'SELECT orders', kind: 'client', durationMs: 20 },
        { name: 'INSERT audit', startMs: 25 },
      ],
    });
    await harness.app.writeSpans(movedToNow(whole).spans);
    const result = await harness.call('compare_trace_to_spec', {
      trace_id: whole.traceId,
      spec_name: 'orders-fast',
    });
    expect(result.text.split('\n')[0]).toMatch(/ 3 of 3 entries matched as expected \(not listed\)\.$/);
    expect(result.text).not.toContain('Matched spans per entry');
  });

  it('names the slow spans of one entry once, by the violation that counts them all', async () => {
    const slow = buildTrace({
      name: 'POST /orders',
      service: 'api',
      durationMs: 900,
      children: [
        ...[0, 1, 2].map((i) => ({
          name: 'SELECT orders',
          kind: 'client' as const,
          startMs: i * 200,
          durationMs: 150,
        })),
        { name: 'INSERT audit', startMs: 700 },
      ],
    });
    await harness.call('define_trace_spec', {
      name: 'orders-many',
      specification: {
        expected_spans: [
          {
            operation_name: 'POST /orders',
            service_name: 'api',
            children: [
              {
                operation_name: 'SELECT orders',
                service_name: 'api',
                count: { max: 3 },
                expected_duration_ms: { max: 50 },
              },
              { operation_name: 'INSERT audit', service_name: 'api' },
            ],
          },
        ],
      },
    });
    await harness.app.writeSpans(movedToNow(slow).spans);
    const result = await harness.call('compare_trace_to_spec', {
      trace_id: slow.traceId,
      spec_name: 'orders-many',
    });
    expect(result.text).toMatch(/✗ \[duration\] POST \/orders > SELECT orders: .*\(×3\)/);
    expect(result.text).not.toContain('Performance issues:');
    expect(result.structured.performance_issues).toHaveLength(3);
  });
});
