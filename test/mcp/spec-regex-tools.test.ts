import { SpanKind } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/mcp-harness.js';
import { createSdkTracer } from '../support/sdk-tracer.js';
import { waitFor } from '../support/wait-for.js';

/** One span from the real SDK whose user.name is `userName`; its trace id. */
async function sendLogin(harness: Harness, userName: string): Promise<string> {
  const sdk = createSdkTracer({
    serviceName: 'auth',
    exporter: 'http-protobuf',
    endpoint: harness.otlpHttpUrl,
  });
  const span = sdk.tracer.startSpan('login', {
    kind: SpanKind.SERVER,
    attributes: { 'user.name': userName },
  });
  span.end();
  await sdk.flush();
  const traceId = span.spanContext().traceId;
  await waitFor(`trace ${traceId} to be stored`, async () =>
    (await harness.call('get_trace_by_id', { trace_id: traceId })).isError ? undefined : true,
  );
  return traceId;
}

const specWith = (regex: string) => ({
  expected_spans: [{ operation_name: 'login', required_tags: { 'user.name': { regex } } }],
});

describe('regex matchers through a real MCP client', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => harness?.close());

  it('judges a value against ^(a+)+$ at once: a poisoned name fails, a clean one passes', async () => {
    const defined = await harness.call('define_trace_spec', {
      name: 'login_names',
      specification: specWith('^(a+)+$'),
    });
    expect(defined.isError, defined.text).toBe(false);
    const poisoned = await sendLogin(harness, 'a'.repeat(29) + '!');
    const clean = await sendLogin(harness, 'a'.repeat(29));

    const failing = await harness.call('compare_trace_to_spec', {
      trace_id: poisoned,
      spec_name: 'login_names',
    });
    expect(failing.structured).toMatchObject({ matches_specification: false });
    expect(failing.structured.violations).toEqual([
      expect.objectContaining({ kind: 'tag_mismatch', tag: 'user.name' }),
    ]);
    const passing = await harness.call('compare_trace_to_spec', {
      trace_id: clean,
      spec_name: 'login_names',
    });
    expect(passing.structured).toMatchObject({ matches_specification: true, violations: [] });
  });

  it('judges a value against ^([a-zA-Z0-9]+\\s?)+$ at once', async () => {
    await harness.call('define_trace_spec', {
      name: 'login_words',
      specification: specWith('^([a-zA-Z0-9]+\\s?)+$'),
    });
    const poisoned = await sendLogin(harness, 'a'.repeat(40) + '!');
    const result = await harness.call('compare_trace_to_spec', {
      trace_id: poisoned,
      spec_name: 'login_words',
    });
    expect(result.structured).toMatchObject({ matches_specification: false });
  });

  it('refuses a spec with a lookahead, or an update that adds one, listing why with the other problems', async () => {
    const defined = await harness.call('define_trace_spec', {
      name: 'login_lookahead',
      specification: specWith('^(?!root$)'),
    });
    expect(defined.isError).toBe(true);
    expect(defined.text).toMatch(
      /expected_spans\[0\]\.required_tags\["user\.name"\]\.regex: lookahead is not supported: patterns run in linear time/,
    );

    await harness.call('define_trace_spec', { name: 'login_plain', specification: specWith('^[a-z]+$') });
    const updated = await harness.call('update_trace_spec', {
      name: 'login_plain',
      updates: {
        span_updates: [{ path: 'login', set: { required_tags: { 'user.name': { regex: '(\\w)\\1' } } } }],
      },
    });
    expect(updated.isError).toBe(true);
    expect(updated.text).toMatch(/a backreference is not supported: patterns run in linear time/);
  });
});
