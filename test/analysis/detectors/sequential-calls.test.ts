import { describe, expect, it } from 'vitest';
import { detectPerformanceIssues } from '../../../src/analysis/index.js';
import type { Finding } from '../../../src/analysis/index.js';
import { buildTrace } from '../../support/trace-builder.js';
import type { SpanSketch } from '../../support/trace-builder.js';
import { dbQuery, httpClient } from '../../support/span-sketches.js';

function sequential(parentMs: number, children: SpanSketch[]): Finding[] {
  return detectPerformanceIssues(
    buildTrace({ name: 'GET /dashboard', kind: 'server', durationMs: parentMs, children }),
  ).filter((f) => f.kind === 'sequential_calls');
}

describe('sequential calls that could run in parallel', () => {
  it('reports calls one after another and the time running them together would save', () => {
    const [finding, ...rest] = sequential(500, [
      httpClient('GET', 'http://users/me', 10, 150),
      httpClient('GET', 'http://feed/latest', 165, 120),
      dbQuery('SELECT count(*) FROM notifications', 290, 100),
    ]);
    expect(rest).toEqual([]);
    expect(finding?.measurements).toMatchObject({
      count: 3,
      sequentialMs: 370,
      parallelMs: 150,
      savedMs: 220,
      shareOfParent: 0.44,
    });
    expect(finding?.spans.total).toBe(3);
    expect(finding?.fix).toMatch(/concurrently/);
  });

  it('does not report calls that already overlap', () => {
    expect(
      sequential(500, [
        httpClient('GET', 'http://users/me', 10, 150),
        httpClient('GET', 'http://feed/latest', 100, 150),
      ]),
    ).toEqual([]);
  });

  it('does not report when the saving is under 100 ms', () => {
    expect(
      sequential(300, [
        httpClient('GET', 'http://users/me', 10, 90),
        httpClient('GET', 'http://feed/latest', 110, 90),
      ]),
    ).toEqual([]);
  });

  it('does not report when the saving is under 10% of the parent', () => {
    expect(
      sequential(5000, [
        httpClient('GET', 'http://users/me', 10, 200),
        httpClient('GET', 'http://feed/latest', 220, 200),
      ]),
    ).toEqual([]);
  });

  it('treats work between two calls as a possible dependency', () => {
    expect(
      sequential(600, [
        httpClient('GET', 'http://users/me', 10, 200),
        { name: 'build feed query', startMs: 215, durationMs: 5 },
        httpClient('GET', 'http://feed/latest', 225, 200),
      ]),
    ).toEqual([]);
  });
});
