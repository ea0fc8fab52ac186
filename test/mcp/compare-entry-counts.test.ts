/**
 * An entry that found more spans than its count allows: its per-entry line gives the count that
 * failed, as its violation does, instead of the one span it matched.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/mcp-harness.js';
import { buildTrace, movedToNow } from '../support/trace-builder.js';

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
});
