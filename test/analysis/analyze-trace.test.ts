import { describe, expect, it } from 'vitest';
import { analyzeTrace, buildSpanTree } from '../../src/analysis/index.js';
import { buildTrace } from '../support/trace-builder.js';
import { generateRealisticTrace } from '../support/realistic-trace.js';

describe('analyzeTrace', () => {
  const trace = buildTrace({
    name: 'GET /checkout',
    service: 'web',
    kind: 'server',
    durationMs: 400,
    children: [
      {
        name: 'GET /cart',
        kind: 'client',
        startMs: 10,
        durationMs: 90,
        children: [{ name: 'GET /cart', service: 'cart', kind: 'server', startMs: 12, durationMs: 85 }],
      },
      { name: 'charge', service: 'payments', kind: 'server', startMs: 110, durationMs: 250 },
      { name: 'log', startMs: 120, durationMs: 30 },
    ],
  });

  it('names the critical path and its biggest contributors with their share', () => {
    const { performance } = analyzeTrace(trace);
    expect(performance.totalDurationMs).toBe(400);
    expect(performance.criticalPath?.root.name).toBe('GET /checkout');
    expect(
      performance.criticalPath?.steps.items.map((s) => [s.span.name, s.span.service, s.onPathMs]),
    ).toEqual([
      ['GET /checkout', 'web', 60],
      ['GET /cart', 'web', 5],
      ['GET /cart', 'cart', 85],
      ['charge', 'payments', 250],
    ]);
    expect(performance.topContributors.items[0]).toMatchObject({
      span: { name: 'charge' },
      onPathMs: 250,
      selfMs: 250,
      share: 0.625,
    });
    expect(performance.criticalPath?.byService.items.map((s) => [s.service, s.share])).toEqual([
      ['payments', 0.625],
      ['cart', 0.213],
      ['web', 0.163],
    ]);
  });

  it('reuses a tree built by the caller', () => {
    const tree = buildSpanTree(trace);
    expect(analyzeTrace(trace, { tree })).toEqual(analyzeTrace(trace));
  });

  it('keeps the analysis of a 10,000-span trace within ~8k tokens', () => {
    const analysis = analyzeTrace(generateRealisticTrace(10_000));
    expect(analysis.structure.spanCount).toBeGreaterThanOrEqual(10_000);
    expect(analysis.errors.errorSpanCount).toBeGreaterThan(10);
    expect(analysis.errors.errorSpans.omitted).toBe(analysis.errors.errorSpanCount - 10);
    // ~4 characters per token.
    expect(JSON.stringify(analysis).length).toBeLessThan(32_000);
  });
});
