import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ERROR_TEXT_CHARS } from '../../src/mcp/bounded-error-text.js';
import { toErrorResult } from '../../src/mcp/tool-result.js';
import { invalidArgument } from '../../src/model/errors.js';
import { startHarness, type Harness } from '../support/mcp-harness.js';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';

describe('error answers', () => {
  let harness: Harness;
  beforeAll(async () => {
    // In memory: the HTTP handler refuses bodies over 4 MiB itself, before any tool sees them.
    harness = await startHarness({ era: 'legacy' });
  });
  afterAll(async () => harness.close());

  it('list the first few of 50,000 validation problems and count the rest', async () => {
    const thresholds = Object.fromEntries(Array.from({ length: 50_000 }, (_, at) => [`t${at}`, 'bogus']));
    const result = await harness.call('detect_performance_issues', { trace_id: TRACE_ID, thresholds });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/and \d+ more problems/);
    expect(result.text.length).toBeLessThan(MAX_ERROR_TEXT_CHARS);
  });

  it('refuses arguments over 2 MiB of JSON before validating them, naming the limit', async () => {
    const kinds = Array.from({ length: 200_000 }, () => 'n_plus_one_db');
    const result = await harness.call('detect_performance_issues', { trace_id: TRACE_ID, kinds });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/at most 2097152 are accepted/);
    expect(result.text).toMatch(/\nNext: pass ids or names .* or split the call$/);
    expect(result.text.length).toBeLessThan(MAX_ERROR_TEXT_CHARS);
  });

  it('never echo a long backend name', async () => {
    for (const length of [5_000_000, 5_000]) {
      const backend = 'b'.repeat(length);
      const result = await harness.call('search_traces', { query: { service_name: 'checkout' }, backend });
      expect(result.isError).toBe(true);
      expect(result.text).not.toContain('b'.repeat(300));
      expect(result.text.length).toBeLessThan(MAX_ERROR_TEXT_CHARS);
    }
  });

  it("of otel-mcp's own clip a quoted input where it stands and keep the next step", () => {
    const error = invalidArgument(
      `no backend named '${'x'.repeat(5_000_000)}' is configured`,
      'use one of: embedded',
    );
    const text = (toErrorResult('search_traces', error).content[0] as { text: string }).text;
    expect(text.length).toBeLessThan(MAX_ERROR_TEXT_CHARS);
    expect(text).toMatch(/x… 4999746 more chars is configured\nNext: use one of: embedded$/);
  });

  it('of many lines keep the Next: line when cut, and count the lines cut', () => {
    const problems = Array.from(
      { length: 400 },
      (_, at) => `expected_spans[${at}].servce_name: unknown key; did you mean service_name?`,
    );
    const error = invalidArgument(
      `invalid trace spec, nothing stored (400 problems):\n${problems.join('\n')}`,
      'fix every listed path and send the whole spec again',
    );
    const text = (toErrorResult('define_trace_spec', error).content[0] as { text: string }).text;
    expect(text.length).toBeLessThanOrEqual(MAX_ERROR_TEXT_CHARS);
    expect(text).toMatch(/\nNext: fix every listed path and send the whole spec again$/);
    const listed = text.split('\n').filter((line) => line.startsWith('expected_spans['));
    expect(listed.length).toBeGreaterThan(10);
    expect(text).toContain(
      `\n${problems[listed.length - 1]}\n… and ${400 - listed.length} more not shown\nNext: `,
    );
  });
});

describe('a long error answer under a small output budget', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ era: 'legacy', env: { OTEL_MCP_OUTPUT_BUDGET_TOKENS: '1000' } });
  });
  afterAll(async () => harness.close());

  it('still ends with its Next: line and says how many problems were not shown', async () => {
    const expected_spans = Array.from({ length: 60 }, (_, at) => ({
      operation_name: `op${at}`,
      servce_name: 'checkout',
      requird_tags: { 'http.request.method': 'GET' },
      expected_duraton_ms: { max: 100 },
    }));
    const result = await harness.call('define_trace_spec', {
      name: 'typos',
      specification: { expected_spans },
    });
    expect(result.isError).toBe(true);
    expect(result.text.length).toBeLessThanOrEqual(3500);
    expect(result.text).toContain('nothing stored (180 problems):');
    expect(result.text).toMatch(/\nNext: fix every listed path and send the whole spec again; .*$/);
    const listed = result.text.split('\n').filter((line) => line.startsWith('expected_spans['));
    expect(result.text).toContain(`\n… and ${180 - listed.length} more not shown\nNext: `);
  });
});
