import { describe, expect, it } from 'vitest';
import { looselyEqual, spanMatchesQuery, traceMatchesQuery } from '../../src/backends/span-filter.js';
import { groupIntoTraces, mostRecentFirst, summarizeTrace } from '../../src/backends/trace-assembly.js';
import { buildTrace } from '../support/trace-builder.js';

describe('assembling traces from decoded spans', () => {
  it('groups mixed spans by trace and orders each trace by start time', () => {
    const a = buildTrace({
      name: 'a',
      service: 'web',
      children: [
        { name: 'a1', startMs: 5 },
        { name: 'a2', startMs: 1 },
      ],
    });
    const b = buildTrace({ name: 'b', service: 'web' });
    const mixed = [a.spans[2]!, b.spans[0]!, a.spans[0]!, a.spans[1]!];
    const traces = groupIntoTraces(mixed);
    expect(traces.map((trace) => trace.traceId)).toEqual([a.traceId, b.traceId]);
    expect(traces[0]!.spans.map((span) => span.name)).toEqual(['a', 'a2', 'a1']);
  });

  it('summarizes a trace whose root is missing by its earliest orphan', () => {
    const trace = buildTrace([
      { name: 'late', service: 'api', startMs: 10, durationMs: 5, missingParentId: 'f'.repeat(16) },
      {
        name: 'early',
        service: 'db',
        startMs: 2,
        durationMs: 30,
        status: 'error',
        missingParentId: 'e'.repeat(16),
      },
    ]);
    const summary = summarizeTrace(trace);
    expect(summary).toMatchObject({
      rootName: 'early',
      rootServiceName: 'db',
      spanCount: 2,
      errorCount: 1,
      services: ['api', 'db'],
      durationMs: 30,
    });
  });

  it('keeps the most recent summaries first, up to the limit', () => {
    const old = summarizeTrace(buildTrace({ name: 'old', startMs: 0 }));
    const recent = summarizeTrace(buildTrace({ name: 'recent', startMs: 500 }));
    expect(mostRecentFirst([old, recent], 1).map((summary) => summary.rootName)).toEqual(['recent']);
  });
});

describe('matching a span against the span-level filters of a query', () => {
  const [span] = buildTrace({
    name: 'GET /cart',
    service: 'Web',
    durationMs: 12,
    attributes: { 'http.response.status_code': 200, cached: true },
    resourceAttributes: { region: 'eu' },
  }).spans;

  it('compares attribute values after type coercion and looks in the resource too', () => {
    expect(looselyEqual(200, '200')).toBe(true);
    expect(looselyEqual('true', true)).toBe(true);
    expect(looselyEqual(200, '200.5')).toBe(false);
    expect(
      spanMatchesQuery(span!, {
        attributes: [
          { key: 'http.response.status_code', value: '200' },
          { key: 'region', value: 'eu' },
        ],
        limit: 1,
      }),
    ).toBe(true);
  });

  it('does not find attribute keys such as constructor or toString on a span that lacks them', () => {
    for (const key of ['constructor', 'toString', '__proto__']) {
      expect(spanMatchesQuery(span!, { attributes: [{ key }], limit: 1 }), key).toBe(false);
    }
  });

  it('needs every filter to hold, names compared exactly unless told otherwise', () => {
    expect(spanMatchesQuery(span!, { serviceName: 'web', limit: 1 })).toBe(false);
    expect(
      spanMatchesQuery(
        span!,
        { serviceName: 'web', operationName: 'get /cart', limit: 1 },
        { ignoreNameCase: true },
      ),
    ).toBe(true);
    expect(spanMatchesQuery(span!, { minDurationMs: 13, limit: 1 })).toBe(false);
  });

  it("checks status against the whole trace: 'error' when any span failed, 'ok' when none did", () => {
    const { spans } = buildTrace({
      name: 'GET /cart',
      service: 'web',
      children: [{ name: 'select', service: 'db', status: 'error' }],
    });
    expect(traceMatchesQuery(spans, { serviceName: 'web', status: 'error', limit: 1 })).toBe(true);
    expect(traceMatchesQuery(spans, { serviceName: 'web', status: 'ok', limit: 1 })).toBe(false);
    expect(traceMatchesQuery([span!], { status: 'ok', limit: 1 })).toBe(true);
    expect(traceMatchesQuery(spans, { serviceName: 'shop', status: 'error', limit: 1 })).toBe(false);
  });
});
