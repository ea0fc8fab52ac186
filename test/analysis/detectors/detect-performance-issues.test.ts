import { describe, expect, it } from 'vitest';
import {
  DEFAULT_THRESHOLDS,
  detectPerformanceIssues,
  summarizeFindings,
} from '../../../src/analysis/index.js';
import { buildTrace } from '../../support/trace-builder.js';
import { dbQuery, httpServer, series } from '../../support/span-sketches.js';
import { generateRealisticTrace } from '../../support/realistic-trace.js';

describe('detectPerformanceIssues', () => {
  const trace = buildTrace(
    httpServer('/orders', 0, 3200, {
      children: [
        ...series(6, 0, 11, (i, startMs) => dbQuery(`SELECT * FROM items WHERE id = ${i}`, startMs, 10)),
        dbQuery('SELECT * FROM report', 100, 1500),
      ],
    }),
  );

  it('orders findings most severe first', () => {
    const findings = detectPerformanceIssues(trace);
    // Uncovered: 3200 − 60 (six 10 ms queries) − 1500 (the report) = 1640 ms, 51% of the request.
    expect(findings.map((f) => [f.kind, f.severity, f.impactMs])).toEqual([
      ['missing_instrumentation', 'high', 1640],
      ['slow_db_query', 'high', 1500],
      ['n_plus_one_db', 'low', 60],
    ]);
  });

  it('takes thresholds from the caller', () => {
    expect(
      detectPerformanceIssues(trace, { nPlusOneDbMinCount: 7 }).some((f) => f.kind === 'n_plus_one_db'),
    ).toBe(false);
    expect(
      detectPerformanceIssues(trace, { slowDbQueryMs: 2000 }).some((f) => f.kind === 'slow_db_query'),
    ).toBe(false);
  });

  it('refuses an unknown or negative threshold, naming the known ones', () => {
    expect(() => detectPerformanceIssues(trace, { nPlusOne: 3 } as never)).toThrow(
      /unknown detector threshold 'nPlusOne'/,
    );
    expect(() => detectPerformanceIssues(trace, { slowDbQueryMs: -1 })).toThrow(/must be a number ≥ 0/);
  });

  it('keeps its defaults in one frozen object', () => {
    expect(DEFAULT_THRESHOLDS).toMatchObject({
      nPlusOneDbMinCount: 5,
      nPlusOneDbMinTotalMs: 50,
      slowDbQueryMs: 500,
    });
    expect(Object.isFrozen(DEFAULT_THRESHOLDS)).toBe(true);
  });

  it('finds the planted loops, retries and slow handler of a 10,000-span trace, one finding per pattern', () => {
    const findings = detectPerformanceIssues(generateRealisticTrace(10_000));
    const kinds = new Set(findings.map((f) => f.kind));
    expect(kinds).toEqual(
      new Set(['n_plus_one_db', 'n_plus_one_http', 'retry_storm', 'missing_instrumentation']),
    );
    // 192 orders, but the query loop under POST /orders is one finding.
    expect(findings.filter((f) => f.kind === 'n_plus_one_db')).toHaveLength(1);
    expect(findings.length).toBeLessThan(20);
    const summary = summarizeFindings(findings, 5);
    expect(summary.findings.items).toHaveLength(5);
    expect(summary.findings.omitted).toBe(findings.length - 5);
    expect(summary.bySeverity.high).toBe(findings.filter((f) => f.severity === 'high').length);
    expect(JSON.stringify(summarizeFindings(findings)).length).toBeLessThan(32_000);
  });
});
