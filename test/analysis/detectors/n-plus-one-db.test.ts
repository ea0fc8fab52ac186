import { describe, expect, it } from 'vitest';
import { detectPerformanceIssues } from '../../../src/analysis/index.js';
import type { Finding } from '../../../src/analysis/index.js';
import { buildTrace } from '../../support/trace-builder.js';
import type { SpanSketch } from '../../support/trace-builder.js';
import { dbQuery, series } from '../../support/span-sketches.js';

const byItem = (count: number, durationMs: number, start = 10): SpanSketch[] =>
  series(count, start, durationMs + 1, (i, startMs) =>
    dbQuery(`SELECT * FROM items WHERE id = ${100 + i}`, startMs, durationMs),
  );

function nPlusOne(root: SpanSketch): Finding[] {
  return detectPerformanceIssues(buildTrace(root)).filter((f) => f.kind === 'n_plus_one_db');
}

describe('N+1 database queries', () => {
  it('reports 5 sibling queries with the same parameterized statement taking ≥50 ms', () => {
    const [finding, ...rest] = nPlusOne({
      name: 'GET /orders',
      kind: 'server',
      durationMs: 200,
      children: byItem(5, 12),
    });
    expect(rest).toEqual([]);
    expect(finding?.parent?.name).toBe('GET /orders');
    expect(finding?.spans.total).toBe(5);
    expect(finding?.measurements).toMatchObject({
      count: 5,
      totalMs: 60,
      wallMs: 60,
      avgMs: 12,
      statement: 'SELECT * FROM items WHERE id = ?',
      dbSystem: 'postgresql',
    });
    expect(finding?.fix).toMatch(/one query/);
  });

  it('does not report 4 identical queries', () => {
    expect(nPlusOne({ name: 'GET /orders', durationMs: 200, children: byItem(4, 30) })).toEqual([]);
  });

  it('does not report 5 queries spread over different parents', () => {
    const parents = byItem(5, 30).map((query, i) => ({
      name: `load ${i}`,
      startMs: query.startMs,
      durationMs: 31,
      children: [query],
    }));
    expect(nPlusOne({ name: 'GET /orders', durationMs: 300, children: parents })).toEqual([]);
  });

  it('does not report a run broken by a non-DB span in between', () => {
    const queries = byItem(6, 20);
    const children = [
      ...queries.slice(0, 3),
      { name: 'render', startMs: 75, durationMs: 1 },
      ...queries.slice(3),
    ];
    expect(nPlusOne({ name: 'GET /orders', durationMs: 300, children })).toEqual([]);
  });

  it('keeps a loop whole when a long call started in the same millisecond as its queries (ms-stamped SDK starts)', () => {
    // As the JS SDK records them: starts on whole milliseconds, so the HTTP call that began right
    // after the queries shares their start and sorts between them.
    const queries = series(6, 7, 11, (i, startMs) =>
      dbQuery(`SELECT sku FROM items WHERE order_id = ${i}`, startMs, 10),
    );
    const call = {
      name: 'GET',
      kind: 'client' as const,
      startMs: 29,
      durationMs: 40,
      attributes: { 'http.request.method': 'GET' },
    };
    const children = [...queries.slice(0, 2), call, ...queries.slice(2)];
    const [finding] = nPlusOne({ name: 'GET /orders', kind: 'server', durationMs: 100, children });
    expect(finding?.spans.total).toBe(6);
  });

  it('reports a loop that took under 50 ms together at low severity, whatever its share of the trace', () => {
    // Five identical queries against a local database: 0.55 ms, nearly all of a 0.6 ms request.
    const fast = nPlusOne({
      name: 'GET /orders',
      kind: 'server',
      durationMs: 0.6,
      children: byItem(5, 0.1, 0.01),
    });
    expect(fast.map((finding) => [finding.severity, finding.measurements.count])).toEqual([['low', 5]]);
    const slow = nPlusOne({ name: 'GET /orders', kind: 'server', durationMs: 200, children: byItem(5, 12) });
    expect(slow[0]?.severity).not.toBe('low');
  });

  it('groups by statement with IN-lists and string literals folded, also under the old db.statement name', () => {
    const children = series(5, 0, 20, (i, startMs) => ({
      name: 'query',
      kind: 'client' as const,
      startMs,
      durationMs: 15,
      attributes: {
        'db.system': 'mysql',
        'db.statement': `SELECT * FROM t WHERE a IN (${i}, ${i + 1}, 3) AND b = 'x${i}'`,
      },
    }));
    const [finding] = nPlusOne({ name: 'job', durationMs: 200, children });
    expect(finding?.measurements.statement).toBe('SELECT * FROM t WHERE a IN (?) AND b = ?');
  });

  it('groups by span name when there is no statement, and counts interleaved loops separately', () => {
    const children = series(10, 0, 12, (i, startMs) => ({
      name: i % 2 === 0 ? 'redis GET' : 'redis HGET',
      kind: 'client' as const,
      startMs,
      durationMs: 11,
      attributes: { 'db.system.name': 'redis' },
    }));
    const findings = nPlusOne({ name: 'job', durationMs: 200, children });
    expect(findings.map((f) => [f.measurements.statement, f.measurements.count])).toEqual([
      ['redis GET', 5],
      ['redis HGET', 5],
    ]);
  });

  it('makes one finding of the same loop under many parents of one operation, counting them all', () => {
    const requests = series(3, 0, 100, (i, startMs) => ({
      name: 'GET /orders/{id}',
      kind: 'server' as const,
      startMs,
      durationMs: 90,
      children: byItem(5 + i, 12, startMs + 1),
    }));
    const findings = nPlusOne({ name: 'batch', durationMs: 400, children: requests });
    expect(findings).toHaveLength(1);
    expect(findings[0]?.measurements).toMatchObject({
      count: 7,
      occurrences: 3,
      totalCalls: 18,
      totalWallMs: 216,
    });
    expect(findings[0]?.summary).toContain('the same under 3 GET /orders/{id} spans');
  });

  it('caps the span list of a large loop and keeps the full count', () => {
    const [finding] = nPlusOne({ name: 'GET /orders', durationMs: 2000, children: byItem(40, 5) });
    expect(finding?.spans).toMatchObject({ total: 40, omitted: 30 });
    expect(finding?.spans.items).toHaveLength(10);
  });
});
