import { describe, expect, it } from 'vitest';
import { detectPerformanceIssues } from '../../../src/analysis/index.js';
import type { Finding } from '../../../src/analysis/index.js';
import { buildTrace } from '../../support/trace-builder.js';
import type { SpanSketch } from '../../support/trace-builder.js';
import { dbQuery, httpServer } from '../../support/span-sketches.js';

function missing(root: SpanSketch): Finding[] {
  return detectPerformanceIssues(buildTrace(root)).filter((f) => f.kind === 'missing_instrumentation');
}

describe('missing instrumentation', () => {
  it('reports a server span with no children that took long', () => {
    const [finding] = missing(httpServer('/report', 0, 300));
    expect(finding?.measurements).toMatchObject({
      selfMs: 300,
      durationMs: 300,
      unexplainedShare: 1,
      largestGapMs: 300,
    });
    expect(finding?.summary).toContain('has no child spans');
  });

  it('reports a span whose children leave most of its time unexplained, and where the gap is', () => {
    const [finding] = missing(
      httpServer('/report', 0, 400, {
        children: [dbQuery('SELECT 1', 10, 40), dbQuery('SELECT 2', 300, 50)],
      }),
    );
    expect(finding?.measurements).toMatchObject({ selfMs: 310, largestGapMs: 250, largestGapOffsetMs: 50 });
  });

  it('does not report a server span its children mostly cover', () => {
    expect(missing(httpServer('/report', 0, 400, { children: [dbQuery('SELECT 1', 10, 300)] }))).toEqual([]);
  });

  it('does not report a short server span', () => {
    expect(missing(httpServer('/ping', 0, 80))).toEqual([]);
  });

  it('does not report leaf work spans or calls, whose time is their own', () => {
    expect(
      missing({
        name: 'job',
        kind: 'internal',
        durationMs: 1000,
        children: [
          { name: 'resize image', startMs: 0, durationMs: 600 },
          { name: 'upload', kind: 'client', startMs: 600, durationMs: 390 },
        ],
      }),
    ).toEqual([]);
  });
});
