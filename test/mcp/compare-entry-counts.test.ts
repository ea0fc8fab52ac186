/**
 * An entry that found more spans than its count allows: its per-entry line gives the count that
 * failed, as its violation does, instead of the one span it matched; the violation states that
 * count once, and its surplus spans are not listed again as spans no entry expects.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/mcp-harness.js';
import { buildTrace, movedToNow, repeated } from '../support/trace-builder.js';

const SPEC = `
name: loan_queries
expected_spans:
  - operation_name: loan.create
    service_name: loans-service
    children:
      - operation_name: SELECT
        count: 1
      - operation_name: DELETE
        count: 0
`;

describe('compare_trace_to_spec on an entry found too often', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
    const defined = await harness.call('define_trace_spec', { name: 'loan_queries', specification: SPEC });
    expect(defined.isError, defined.text).toBe(false);
  });
  afterAll(async () => harness?.close());

  it('says how many were found, how many matched and how many are too many, as its violation counts them', async () => {
    const trace = buildTrace({
      name: 'loan.create',
      service: 'loans-service',
      children: [
        { name: 'SELECT', startMs: 1 },
        { name: 'SELECT', startMs: 2 },
        { name: 'SELECT', startMs: 3 },
        { name: 'DELETE', startMs: 4 },
        { name: 'DELETE', startMs: 5 },
      ],
    });
    await harness.app.writeSpans(movedToNow(trace).spans);
    const result = await harness.call('compare_trace_to_spec', {
      trace_id: trace.traceId,
      spec_name: 'loan_queries',
    });
    expect(result.isError, result.text).toBe(false);
    expect(result.text).toMatch(/\[count_too_high\] loan\.create > SELECT: .* appears 3 times inside/);
    expect(result.text).toMatch(
      /^ {2}✗ loan\.create > SELECT: 3 found \(expected 1\): 1 matched \[\w{8} [\d.]+ ms\], 2 too many$/m,
    );
    expect(result.text).toMatch(/\[forbidden_present\] loan\.create > DELETE: .* appears inside .* 2 times/);
    expect(result.text).toContain('  ✗ loan.create > DELETE: 2 found (expected 0): 2 too many');
    const entries = result.structured.entries as { path: string; found: number; surplus?: number }[];
    expect(entries.find((entry) => entry.path === 'loan.create > SELECT')).toMatchObject({
      found: 1,
      surplus: 2,
    });
    expect(entries.find((entry) => entry.path === 'loan.create > DELETE')).toMatchObject({
      found: 0,
      surplus: 2,
    });
    expect(entries.find((entry) => entry.path === 'loan.create')).not.toHaveProperty('surplus');
  });

  it('gives a count violation its count once: no ×N after a message that states it, and its surplus not again as spans no entry expects', async () => {
    const trace = buildTrace({
      name: 'loan.create',
      service: 'loans-service',
      children: [
        ...repeated(5, { name: 'SELECT', durationMs: 1 }, 1),
        ...repeated(2, { name: 'DELETE', durationMs: 1 }, 10),
      ],
    });
    await harness.app.writeSpans(movedToNow(trace).spans);
    const result = await harness.call('compare_trace_to_spec', {
      trace_id: trace.traceId,
      spec_name: 'loan_queries',
    });
    expect(result.isError, result.text).toBe(false);
    expect(result.text).toMatch(
      /\[count_too_high\] loan\.create > SELECT: `SELECT` \(loans-service\) appears 5 times inside `loan\.create` \(loans-service\); expected 1 \[span \w{8}\]$/m,
    );
    expect(result.text).toContain('fix: remove 4 extra `SELECT` calls under `loan.create`');
    expect(result.text).toMatch(
      /\[forbidden_present\] .* 2 times; the spec says it must not appear there \[span \w{8}\]$/m,
    );
    expect(result.text).not.toContain('(×');
    expect(result.text).not.toContain('Spans no entry expects');
    // The structured violation keeps its count.
    const violations = result.structured.violations as { kind: string; occurrences?: number }[];
    expect(violations.map((violation) => [violation.kind, violation.occurrences])).toEqual([
      ['count_too_high', 4],
      ['forbidden_present', 2],
    ]);
    expect(result.structured.unexpected_span_count).toBe(0);
  });

  it("counts a strict spec's unlisted spans once, in the message", async () => {
    const defined = await harness.call('define_trace_spec', {
      name: 'loan_strict',
      specification: {
        name: 'loan_strict',
        strict: true,
        expected_spans: [{ operation_name: 'loan.create' }],
      },
    });
    expect(defined.isError, defined.text).toBe(false);
    const trace = buildTrace({
      name: 'loan.create',
      service: 'loans-service',
      children: repeated(3, { name: 'audit', durationMs: 1 }, 1),
    });
    await harness.app.writeSpans(movedToNow(trace).spans);
    const result = await harness.call('compare_trace_to_spec', {
      trace_id: trace.traceId,
      spec_name: 'loan_strict',
    });
    expect(result.text).toContain('3 spans no entry expects, in 1 group (unexpected_spans).');
    expect(result.text).toMatch(
      /\[unexpected_span\] \(trace\): `audit` \(loans-service\) ×3 matches no expected span \(strict\) \[span \w{8}\]$/m,
    );
  });
});
