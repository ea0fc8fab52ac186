import { describe, expect, it } from 'vitest';
import { detectPerformanceIssues } from '../../../src/analysis/index.js';
import { buildTrace } from '../../support/trace-builder.js';
import { dbQuery } from '../../support/span-sketches.js';

const slow = (ms: number) =>
  detectPerformanceIssues(
    buildTrace({
      name: 'report',
      kind: 'server',
      durationMs: 2000,
      children: [dbQuery("SELECT * FROM events WHERE day = '2026-01-01'", 1, ms)],
    }),
  ).filter((f) => f.kind === 'slow_db_query');

describe('slow database query', () => {
  it('reports a query of 500 ms or more with its parameterized statement', () => {
    const [finding] = slow(640);
    expect(finding?.measurements).toMatchObject({
      count: 1,
      maxMs: 640,
      statement: 'SELECT * FROM events WHERE day = ?',
    });
    expect(finding?.summary).toContain('640 ms');
  });

  it('does not report a query of 499 ms', () => {
    expect(slow(499)).toEqual([]);
  });
});
