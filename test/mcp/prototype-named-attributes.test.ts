/**
 * Attribute keys that name parts of a JavaScript object (`__proto__`, `constructor`, `prototype`) are
 * ordinary OTLP keys: they travel from an export through the store to the tools like any other key.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/mcp-harness.js';

const TRACE_ID = '5b8efff798038103d269b633813fc60c';
const MARKED = 'eee19b7ec3c1b174';
const PLAIN = 'eee19b7ec3c1b175';
const START = BigInt(Date.now() - 60_000) * 1_000_000n;

function span(spanId: string, name: string, attributes: [string, string][]) {
  return {
    traceId: TRACE_ID,
    spanId,
    ...(spanId === PLAIN ? { parentSpanId: MARKED } : {}),
    name,
    kind: 2,
    startTimeUnixNano: String(START),
    endTimeUnixNano: String(START + 1_000_000n),
    attributes: attributes.map(([key, value]) => ({ key, value: { stringValue: value } })),
  };
}

// Written as text: an object literal would turn `__proto__` into the prototype instead of a key.
const EXPORT = JSON.stringify({
  resourceSpans: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'proto-keys' } }] },
      scopeSpans: [
        {
          scope: { name: 'test' },
          spans: [
            span(MARKED, 'marked', [
              ['constructor', 'c'],
              ['prototype', 'p'],
              ['plain', 'yes'],
            ]),
            span(PLAIN, 'plain', [['plain', 'yes']]),
          ],
        },
      ],
    },
  ],
}).replace('"key":"plain","value":{"stringValue":"yes"}', '"key":"__proto__","value":{"stringValue":"x"}');

describe('attribute keys named like object internals', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness();
    const response = await fetch(`${harness.otlpHttpUrl}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: EXPORT,
    });
    expect(response.status).toBe(200);
  });

  afterAll(async () => {
    await harness?.close();
  });

  it('shows __proto__, constructor and prototype attributes in get_span_details', async () => {
    const details = await harness.call('get_span_details', { trace_id: TRACE_ID, span_id: MARKED });
    expect(details.isError).toBe(false);
    const attributes = details.structured.attributes as Record<string, unknown>;
    expect(Object.entries(attributes)).toEqual(
      expect.arrayContaining([
        ['__proto__', 'x'],
        ['constructor', 'c'],
        ['prototype', 'p'],
      ]),
    );
    expect(details.text).toContain('__proto__: x');
    const plain = await harness.call('get_span_details', { trace_id: TRACE_ID, span_id: PLAIN });
    expect(Object.keys(plain.structured.attributes as object)).toEqual(['plain']);
  });

  it('filters search_traces by a __proto__ attribute instead of dropping the filter', async () => {
    const hit = await harness.call('search_traces', {
      query: JSON.parse('{"attributes": {"__proto__": "x"}, "time_range": "1h"}'),
    });
    expect(hit.isError).toBe(false);
    expect(hit.structured.traces).toHaveLength(1);
    const miss = await harness.call('search_traces', {
      query: JSON.parse('{"attributes": {"__proto__": "not-sent"}, "time_range": "1h"}'),
    });
    expect(miss.isError).toBe(false);
    expect(miss.structured.traces).toHaveLength(0);
  });

  it('keeps two resources apart that differ only in their __proto__ attribute', async () => {
    const resourceSpans = (version: string, spanId: string) => ({
      resource: {
        attributes: [
          { key: 'service.name', value: { stringValue: 'proto-resources' } },
          { key: 'PROTO', value: { stringValue: version } },
        ],
      },
      scopeSpans: [{ scope: { name: 'test' }, spans: [span(spanId, `from ${version}`, [])] }],
    });
    const body = JSON.stringify({
      resourceSpans: [resourceSpans('v1', 'fff19b7ec3c1b174'), resourceSpans('v2', 'fff19b7ec3c1b175')],
    }).replaceAll('"PROTO"', '"__proto__"');
    const response = await fetch(`${harness.otlpHttpUrl}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(response.status).toBe(200);
    for (const [spanId, version] of [
      ['fff19b7ec3c1b174', 'v1'],
      ['fff19b7ec3c1b175', 'v2'],
    ]) {
      const details = await harness.call('get_span_details', { trace_id: TRACE_ID, span_id: spanId });
      expect(Object.entries(details.structured.resource as object)).toContainEqual(['__proto__', version]);
    }
  });
});
