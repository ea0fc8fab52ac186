import { describe, expect, it } from 'vitest';
import { buildSummaryView } from '../../src/mcp/tools/query/trace-views/summary-view.js';
import { buildTrace } from '../support/trace-builder.js';

describe('the trace summary text', () => {
  it('gives the trace and its spans durations to three significant digits, in µs below a millisecond', () => {
    const trace = buildTrace({
      name: 'GET /orders',
      kind: 'server',
      service: 'shop',
      durationMs: 1.5,
      children: [
        { name: 'SELECT orders', kind: 'client', durationMs: 0.012 },
        { name: 'cache.get', durationMs: 0.0875 },
        { name: 'render', durationMs: 1234 },
      ],
    });
    const { text, view } = buildSummaryView(trace);
    expect(text).toMatch(/: 4 spans, 1 services, 1\.23s, 0 errors, started /);
    expect(text).toContain('Root: shop: GET /orders (server) 1.5ms');
    expect(text).toContain(
      'Slowest: shop: render (internal) 1.23s; shop: cache.get (internal) 87.5µs; shop: SELECT orders (client) 12µs',
    );
    // The structured view keeps milliseconds, rounded to the microsecond.
    expect(view.slowest.map((span) => span.duration_ms)).toEqual([1234, 0.088, 0.012]);
  });
});
