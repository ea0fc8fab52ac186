import { describe, expect, it } from 'vitest';
import { analyzeTrace, buildSpanTree, largestGap, selfTimeNs } from '../../src/analysis/index.js';
import { buildTrace } from '../support/trace-builder.js';

describe('self time', () => {
  const trace = buildTrace({
    name: 'root',
    service: 'api',
    durationMs: 100,
    children: [
      { name: 'a', startMs: 10, durationMs: 30 },
      { name: 'b', service: 'db', startMs: 30, durationMs: 30 },
      { name: 'c', startMs: 80, durationMs: 40 },
    ],
  });

  it('subtracts the union of overlapping children, clipped to the span', () => {
    const tree = buildSpanTree(trace);
    const root = tree.roots[0];
    if (root === undefined) throw new Error('no root');
    // Children cover 10–60 (a and b overlap) and 80–100 (c clipped at the root's end): 70 ms.
    expect(selfTimeNs(root) / 1e6).toBe(30);
    expect(largestGap(root)).toEqual({ startNs: 60e6, endNs: 80e6 });
  });

  it('is the whole duration of a span without children', () => {
    const tree = buildSpanTree(trace);
    const c = tree.nodes.find((n) => n.span.name === 'c');
    expect(c && selfTimeNs(c) / 1e6).toBe(40);
  });

  it('sums self time per service with shares of all self time', () => {
    const { performance } = analyzeTrace(trace);
    expect(performance.selfTimeByService.items).toEqual([
      { service: 'api', selfMs: 100, spanCount: 3, share: 0.769 },
      { service: 'db', selfMs: 30, spanCount: 1, share: 0.231 },
    ]);
  });
});
