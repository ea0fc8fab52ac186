import { describe, expect, it } from 'vitest';
import { formatDuration, renderTraceTree } from '../../../src/analysis/index.js';
import { isOtelMcpError } from '../../../src/model/index.js';
import { buildTrace } from '../../support/trace-builder.js';
import type { SpanSketch } from '../../support/trace-builder.js';
import { generateRealisticTrace } from '../../support/realistic-trace.js';

const checkout = buildTrace({
  name: 'GET /orders',
  service: 'web',
  kind: 'server',
  durationMs: 200,
  children: [
    { name: 'auth', service: 'auth', kind: 'client', startMs: 0, durationMs: 20 },
    ...Array.from({ length: 12 }, (_, i) => ({
      name: 'SELECT items',
      kind: 'client' as const,
      startMs: 25 + i * 10,
      durationMs: 8,
      status: i === 3 ? ('error' as const) : ('unset' as const),
    })),
    { name: 'background refresh', startMs: 30, durationMs: 20 },
    { name: 'render', startMs: 150, durationMs: 50, status: 'error', statusMessage: 'template missing' },
  ],
});

function lineFor(text: string, name: string): string {
  const line = text.split('\n').find((l) => l.includes(` ${name}`));
  if (line === undefined) throw new Error(`no line for ${name} in\n${text}`);
  return line;
}

describe('renderTraceTree', () => {
  it('folds identical siblings into one ×N line with total and average duration', () => {
    const { text } = renderTraceTree(checkout);
    expect(lineFor(text, 'SELECT items')).toContain('SELECT items ×12 (total 96ms, avg 8ms, 1 ✗)');
    expect(text.match(/SELECT items/g)).toHaveLength(1);
  });

  it('folds calls named alike only when they go to the same place: POST to two services is two lines', () => {
    const call = (port: number, startMs: number, url: string): SpanSketch => ({
      name: 'POST',
      kind: 'client',
      startMs,
      durationMs: 5,
      attributes: { 'net.peer.name': '127.0.0.1', 'net.peer.port': port, 'http.url': url },
    });
    const { text } = renderTraceTree(
      buildTrace({
        name: 'POST /loans',
        service: 'gateway',
        kind: 'server',
        durationMs: 100,
        children: [call(4001, 0, '/loans'), call(4002, 50, '/notify'), call(4002, 60, '/notify?again=1')],
      }),
    );
    const posts = text.split('\n').filter((line) => / POST (#|×)/.test(line));
    expect(posts).toHaveLength(2);
    expect(posts[1]).toContain('POST ×2');
    // With only a URL (older HTTP client instrumentations), its host and port tell the calls apart.
    const byUrl = (url: string, startMs: number): SpanSketch => ({
      name: 'GET',
      kind: 'client',
      startMs,
      durationMs: 5,
      attributes: { 'http.url': url },
    });
    const urls = renderTraceTree(
      buildTrace({
        name: 'GET /page',
        kind: 'server',
        durationMs: 100,
        children: [
          byUrl('http://cart:8080/items/1', 0),
          byUrl('http://cart:8080/items/2', 10),
          byUrl('http://user:9090/me', 20),
        ],
      }),
    ).text;
    const gets = urls.split('\n').filter((line) => / GET (#|×)/.test(line));
    expect(gets).toHaveLength(2);
    expect(gets[0]).toContain('GET ×2');
  });

  it('lists every span when folding is off', () => {
    const { text, lines } = renderTraceTree(checkout, { collapseRepeats: false });
    expect(text.match(/SELECT items/g)).toHaveLength(12);
    expect(lines).toBe(16);
  });

  it('marks failures with ✗ and the reason, and the critical path with *', () => {
    const { text } = renderTraceTree(checkout);
    expect(lineFor(text, 'render')).toMatch(/ ✗\* +render \[status ERROR: template missing\]/);
    // Runs alongside the query loop, so it is not what the request waited on.
    expect(lineFor(text, 'background refresh')).toMatch(/20ms {6}background refresh/);
    expect(lineFor(text, 'GET /orders')).toMatch(/ {2}\* web: GET \/orders/);
  });

  it('draws each bar at the span offset within the root time', () => {
    const { text } = renderTraceTree(checkout);
    // 200 ms in 20 cells: render runs 150–200 ms, the last five cells.
    expect(lineFor(text, 'render').startsWith('[               =====]')).toBe(true);
    expect(lineFor(text, 'auth: auth').startsWith('[==                  ]')).toBe(true);
  });

  it('names the service where it changes and ends lines with the span id', () => {
    const { text } = renderTraceTree(checkout);
    expect(lineFor(text, 'auth')).toContain('auth: auth #0000000000000002');
    expect(lineFor(text, 'render')).not.toContain('web: render');
  });

  it('cuts deeper levels first to fit the budget and says how many spans are hidden and how to see them', () => {
    const trace = generateRealisticTrace(10_000);
    const result = renderTraceTree(trace, { budgetChars: 3000, collapseRepeats: false });
    expect(result.text.length).toBeLessThanOrEqual(3000);
    expect(result.truncated).toBe(true);
    expect(result.shownSpans + result.hiddenSpans).toBe(result.totalSpans);
    expect(result.totalSpans).toBe(trace.spans.length);
    const footer = result.text.split('\n').at(-1);
    expect(footer).toContain(`… ${result.hiddenSpans} spans below depth ${result.depthShown - 1} hidden`);
    expect(footer).toContain('use view=spans with cursor to page');
    expect(result.text).toMatch(/\(\+\d+ below\)/);
  });

  it('fits a 10,000-span trace into the default budget of ~24,000 characters', () => {
    const result = renderTraceTree(generateRealisticTrace(10_000));
    expect(result.text.length).toBeLessThanOrEqual(24_000);
    expect(result.totalSpans).toBeGreaterThanOrEqual(10_000);
  });

  it('shows only the levels asked for with maxDepth and says so', () => {
    const result = renderTraceTree(checkout, { maxDepth: 1 });
    expect(result.lines).toBe(1);
    expect(result.text).toContain('… 15 spans below depth 1 hidden (maxDepth 1)');
    expect(result.text).toContain('GET /orders #0000000000000001 (+15 below)');
  });

  it('renders only the focused subtree, found by a unique id prefix, with bars relative to it', () => {
    const trace = buildTrace({
      name: 'root',
      durationMs: 1000,
      children: [
        {
          name: 'left',
          spanId: 'abc0000000000001',
          startMs: 0,
          durationMs: 100,
          children: [{ name: 'left child', startMs: 50, durationMs: 50 }],
        },
        { name: 'right', spanId: 'def0000000000001', startMs: 500, durationMs: 100 },
      ],
    });
    const result = renderTraceTree(trace, { focusSpanId: 'ABC' });
    expect(result.totalSpans).toBe(2);
    expect(result.text).not.toContain('right');
    expect(result.text).toContain('focus abc0000000000001');
    expect(lineFor(result.text, 'left child').startsWith('[          ==========]')).toBe(true);
  });

  it('refuses an unknown, ambiguous or malformed focus id with a hint', () => {
    const trace = buildTrace({
      name: 'root',
      children: [
        { name: 'a', spanId: 'ab00000000000001' },
        { name: 'b', spanId: 'ab00000000000002' },
      ],
    });
    const codeOf = (focusSpanId: string): string => {
      try {
        renderTraceTree(trace, { focusSpanId });
        return 'none';
      } catch (error) {
        return isOtelMcpError(error) ? error.code : 'other';
      }
    };
    expect(codeOf('ffff')).toBe('NOT_FOUND');
    expect(codeOf('ab')).toBe('AMBIGUOUS');
    expect(codeOf('not-hex')).toBe('INVALID_ARGUMENT');
  });

  it('shows orphans as their own trees, with the parent id they point at', () => {
    const trace = buildTrace([
      { name: 'root', durationMs: 100 },
      { name: 'lost', service: 'worker', startMs: 10, missingParentId: '00000000000000aa' },
    ]);
    expect(lineFor(renderTraceTree(trace).text, 'lost')).toContain(
      '(orphan: parent 00000000000000aa missing)',
    );
  });

  it('stays readable for a chain deeper than the indentation limit', () => {
    let chain: SpanSketch = { name: 'bottom' };
    for (let i = 0; i < 40; i += 1) chain = { name: `level ${i}`, children: [chain] };
    const { text } = renderTraceTree(buildTrace(chain));
    expect(lineFor(text, 'bottom')).toContain('(L41) bottom');
  });
});

describe('formatDuration', () => {
  it('keeps three significant digits in at most six characters', () => {
    expect([0, 0.085, 1.234, 12.34, 456.7, 2345, 12_345, 123_456].map(formatDuration)).toEqual([
      '0ms',
      '85µs',
      '1.23ms',
      '12.3ms',
      '457ms',
      '2.35s',
      '12.3s',
      '123s',
    ]);
  });

  it('rounds before it picks the unit, so a value just under a unit reads as that unit', () => {
    expect([0.9996, 999.6, 9.996, 0.0004].map(formatDuration)).toEqual(['1ms', '1s', '10ms', '0.4µs']);
  });
});
