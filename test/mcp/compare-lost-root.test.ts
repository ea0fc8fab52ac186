/**
 * A trace whose root never arrived (its service crashed or exited before flushing) is compared as
 * it is, but the answer says first that spans were lost, so the model does not rename spans to
 * fill a gap.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/mcp-harness.js';
import { buildTrace, movedToNow } from '../support/trace-builder.js';

/** The lines of `text` that name the entry `path` itself (not an entry beneath it, nor a span in backticks). */
function linesNaming(text: string, path: string): string[] {
  const escaped = path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const whole = new RegExp(`(?<=^|[\\s(;])(?<!> )${escaped}(?= ?[:,;)]|$)(?! >)`);
  return text.split('\n').filter((line) => whole.test(line));
}

const SPEC = {
  expected_spans: [
    {
      operation_name: 'POST /loans',
      service_name: 'gateway',
      children: [
        {
          operation_name: 'POST /loans',
          service_name: 'loans-service',
          children: [{ operation_name: 'loan.create', service_name: 'loans-service' }],
        },
      ],
    },
  ],
};

describe('compare_trace_to_spec on a trace whose root never arrived', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
    const defined = await harness.call('define_trace_spec', { name: 'loans', specification: SPEC });
    expect(defined.isError, defined.text).toBe(false);
  });
  afterAll(async () => harness.close());

  /** loans-service's part of a loan, whose parent in the gateway never arrived. */
  const loansWithoutGateway = () =>
    buildTrace({
      name: 'POST /loans',
      service: 'loans-service',
      missingParentId: 'f00dfeedf00dfeed',
      children: [{ name: 'loan.create' }],
    });

  const compare = async (trace: ReturnType<typeof buildTrace>) => {
    await harness.app.writeSpans(movedToNow(trace).spans);
    return harness.call('compare_trace_to_spec', { trace_id: trace.traceId, spec_name: 'loans' });
  };

  it('says the root is missing and spans were lost, before the fixes', async () => {
    const cut = loansWithoutGateway();
    const result = await compare(cut);
    expect(result.isError, result.text).toBe(false);
    const lines = result.text.split('\n');
    expect(lines[0]).toMatch(/^✗ trace .* does not match spec loans v1/);
    expect(lines[1]).toBe(
      'Root: none received. 1 span (loans-service) points at parents that are not here: their spans were lost (a crash, an exit before the SDK flushed), are still on their way, or belong to a caller that exports elsewhere. What arrived is checked where the spec puts it (`~ … beneath lost spans`); if spans were lost, that comes first (execute_and_capture names the service and why).',
    );
  });

  it('checks the spans that arrived in the place the spec gives them, and proposes no rename or move', async () => {
    const cut = loansWithoutGateway();
    const result = await compare(cut);
    expect(result.text).toContain(
      '✗ [missing] POST /loans: no `POST /loans` in `gateway` in the trace: `POST /loans` (loans-service), expected beneath it, arrived without its parent span f00dfeedf00dfeed',
    );
    expect(result.text).toContain('  ~ POST /loans > POST /loans: 1 found beneath lost spans (expected ≥1)');
    expect(result.text).toContain(
      '  ~ POST /loans > POST /loans > loan.create: 1 found beneath lost spans (expected ≥1)',
    );
    const fixes = result.text.split('\n').filter((line) => line.trimStart().startsWith('fix:'));
    expect(fixes).toEqual([
      "    fix: find out why `gateway`'s spans did not arrive (a crash, an exit before its SDK flushed, an exporter pointed elsewhere, trace context not passed to `loans-service`) before adding `POST /loans`",
    ]);
    expect(result.text).not.toContain('Spans no entry expects');
  });

  it('warns that renames may describe the gap when an orphan matches no entry', async () => {
    const stranger = buildTrace({
      name: 'POST /loan',
      service: 'loans-service',
      missingParentId: 'f00dfeedf00dfeed',
    });
    const result = await compare(stranger);
    expect(result.text).toContain('Fixes below that rename or move spans may only describe that gap');
  });

  it('names each entry once: the ones looked for and not found by their violations, the one beneath them as not evaluated', async () => {
    // An orphan that matches no entry whole stays a near miss, so entries beneath the root go unchecked.
    const cut = buildTrace({
      name: 'POST /loan',
      service: 'loans-service',
      missingParentId: 'f00dfeedf00dfeed',
      children: [{ name: 'loan.create' }],
    });
    const result = await compare(cut);
    const create = 'POST /loans > POST /loans > loan.create';
    expect(result.structured.not_evaluated).toEqual([create]);
    expect(linesNaming(result.text, create), result.text).toEqual([`  ${create}`]);
    // Each missing entry is named by its violation, with its fix; a missing-span row or a per-entry
    // "0 found" line would only say it again.
    for (const path of ['POST /loans', 'POST /loans > POST /loans'])
      expect(linesNaming(result.text, path), result.text).toEqual([
        expect.stringMatching(/^✗ \[(missing|wrong_service)\] /),
      ]);
    expect(result.text).not.toContain('Missing spans:');
    expect(result.text).not.toContain('Matched spans per entry');
    expect(result.structured.missing_spans).toHaveLength(2);
    // The structured answer keeps every entry.
    expect(result.structured.entries.map((entry: { path: string }) => entry.path)).toEqual([
      'POST /loans',
      'POST /loans > POST /loans',
      create,
    ]);
  });

  it('says nothing of the kind when the trace has its root', async () => {
    const whole = buildTrace({
      name: 'POST /loans',
      service: 'gateway',
      children: [{ name: 'POST /loans', service: 'loans-service', children: [{ name: 'loan.create' }] }],
    });
    const result = await compare(whole);
    expect(result.text).toMatch(/^✓ trace /);
    expect(result.text).not.toContain('Root: none received');
  });
});
