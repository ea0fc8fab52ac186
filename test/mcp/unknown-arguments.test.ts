/**
 * An argument a tool does not take is refused by name, with the one it was probably meant to be:
 * zod drops unknown keys, so a misnamed filter used to answer as if it had matched.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/mcp-harness.js';
import { generateRealisticTraceAtNow } from '../support/realistic-trace.js';

describe('arguments a tool does not take', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
    await harness.app.writeSpans(generateRealisticTraceAtNow(20).spans);
  });
  afterAll(async () => harness.close());

  it('refuses a misnamed filter inside query instead of listing every trace', async () => {
    const result = await harness.call('search_traces', { query: { service: 'gateway' } });
    expect(result.isError).toBe(true);
    expect(result.text).toContain(
      'query.service: not an argument of this tool, so it would be ignored (did you mean service_name?)',
    );
    expect(result.text).not.toContain('trace_id');
    // Like every failed call, it ends with what to do next.
    expect(result.text).toMatch(/\nNext: correct the arguments named above .* and call again$/);
  });

  it('tells search_traces that filters given beside query belong inside it', async () => {
    const result = await harness.call('search_traces', { service_name: 'gateway', min_duration_ms: 500 });
    expect(result.isError).toBe(true);
    expect(result.text).toContain(
      'service_name: not an argument of this tool, so it would be ignored (it belongs inside query: {service_name: …})',
    );
    expect(result.text).toContain(
      'min_duration_ms: not an argument of this tool, so it would be ignored (it belongs inside query: {min_duration_ms: …})',
    );
  });

  it('names what is accepted when nothing is near, for a top-level argument', async () => {
    const result = await harness.call('analyze_performance_trends', {
      service_name: 'api-gateway',
      time_range: '1h',
    });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(
      /time_range: not an argument of this tool, so it would be ignored \(accepted: .*time_period/,
    );
  });

  it('still takes any key where the schema is a map: attribute filters', async () => {
    const result = await harness.call('search_traces', {
      query: { attributes: { 'any.key.at.all': 'x' } },
    });
    expect(result.isError, result.text).toBe(false);
  });

  it('names the item of a list an unknown argument is in, and a __proto__ key as unknown', async () => {
    const result = await harness.call('execute_and_capture', {
      command: 'true',
      services: [
        { name: 'a', command: 'true' },
        { name: 'b', command: 'true', ready: { url: 'http://127.0.0.1:1/' } },
      ],
    });
    expect(result.isError).toBe(true);
    expect(result.text).toContain('services.1.ready.url: not an argument of this tool');
    const proto = await harness.call('search_traces', JSON.parse('{"query": {"__proto__": {"x": 1}}}'));
    expect(proto.isError).toBe(true);
    expect(proto.text).toContain('query.__proto__: not an argument of this tool');
  });

  it('lists several unknown arguments and the schema problems together', async () => {
    const result = await harness.call('search_traces', {
      query: { service: 'a', operation: 'b', limit: 'ten' },
      cursors: 'x',
    });
    expect(result.isError).toBe(true);
    for (const expected of ['query.service:', 'query.operation:', 'cursors:', 'query.limit:'])
      expect(result.text).toContain(expected);
  });

  it('tells define_trace_spec that a spec key given beside specification belongs inside it', async () => {
    const beside = await harness.call('define_trace_spec', {
      name: 'flat',
      expected_spans: [{ operation_name: 'POST /checkout' }],
    });
    expect(beside.isError).toBe(true);
    expect(beside.text).toContain(
      'expected_spans: not an argument of this tool, so it would be ignored (it belongs inside specification: {expected_spans: …})',
    );
  });

  it("tells update_trace_spec where an update's key belongs when it is given beside updates, spelt right or not", async () => {
    const defined = await harness.call('define_trace_spec', {
      name: 'checkout',
      specification: { expected_spans: [{ operation_name: 'POST /checkout' }] },
    });
    expect(defined.isError, defined.text).toBe(false);
    const beside = await harness.call('update_trace_spec', { name: 'checkout', strict: true });
    expect(beside.isError).toBe(true);
    expect(beside.text).toContain(
      'strict: not an argument of this tool, so it would be ignored (it belongs inside updates: {strict: …})',
    );
    const misspelt = await harness.call('update_trace_spec', {
      name: 'checkout',
      updates: {},
      spn_updates: [{ path: 'POST /checkout', remove: true }],
    });
    expect(misspelt.isError).toBe(true);
    expect(misspelt.text).toContain(
      'spn_updates: not an argument of this tool, so it would be ignored (did you mean updates: {span_updates: …}?)',
    );
    // A misspelt argument of the tool itself is still named as that argument.
    const note = await harness.call('update_trace_spec', { name: 'checkout', updates: {}, not: 'x' });
    expect(note.text).toContain(
      'not: not an argument of this tool, so it would be ignored (did you mean note?)',
    );
  });

  it('refuses a misspelt key inside update_trace_spec updates with the nearest one, storing no version', async () => {
    await harness.call('define_trace_spec', {
      name: 'checkout_typos',
      specification: { expected_spans: [{ operation_name: 'POST /checkout' }] },
    });
    const result = await harness.call('update_trace_spec', {
      name: 'checkout_typos',
      updates: { strcit: true },
    });
    expect(result.isError).toBe(true);
    expect(result.text).toContain('updates.strcit: unknown key; did you mean strict?');
    const stored = await harness.call('get_trace_spec', { name: 'checkout_typos' });
    expect(stored.structured.version).toBe(1);
  });
});
