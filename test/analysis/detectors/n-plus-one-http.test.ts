import { describe, expect, it } from 'vitest';
import { detectPerformanceIssues, normalizeUrlPath } from '../../../src/analysis/index.js';
import type { Finding } from '../../../src/analysis/index.js';
import { buildTrace } from '../../support/trace-builder.js';
import type { SpanSketch } from '../../support/trace-builder.js';
import { httpClient, series } from '../../support/span-sketches.js';

function nPlusOne(children: SpanSketch[]): Finding[] {
  return detectPerformanceIssues(
    buildTrace({ name: 'GET /cart', kind: 'server', durationMs: 1000, children }),
  ).filter((f) => f.kind === 'n_plus_one_http');
}

const gets = (count: number, method = 'GET'): SpanSketch[] =>
  series(count, 0, 21, (i, startMs) =>
    httpClient(method, `http://catalog:8080/products/${1000 + i}?lang=en`, startMs, 20),
  );

describe('N+1 HTTP calls', () => {
  it('reports 10 sibling GETs to the same route pattern, ids taken out of the URL', () => {
    const [finding] = nPlusOne(gets(10));
    expect(finding?.measurements).toMatchObject({
      count: 10,
      totalMs: 200,
      route: 'GET catalog/products/{id}',
    });
    expect(finding?.parent?.name).toBe('GET /cart');
  });

  it('does not report 9 GETs', () => {
    expect(nPlusOne(gets(9))).toEqual([]);
  });

  it('does not report POSTs', () => {
    expect(nPlusOne(gets(12, 'POST'))).toEqual([]);
  });

  it('uses url.template or http.route when the instrumentation gives one, also with old attribute names', () => {
    const calls = series(10, 0, 6, (i, startMs) => ({
      name: 'GET',
      kind: 'client' as const,
      startMs,
      durationMs: 5,
      attributes: { 'http.method': 'GET', 'http.url': `http://users/u/${i}`, 'url.template': '/u/{name}' },
    }));
    expect(nPlusOne(calls)[0]?.measurements.route).toBe('GET users/u/{name}');
  });

  it('does not mix routes: 5 calls each to two routes are not a loop', () => {
    const calls = series(10, 0, 21, (i, startMs) =>
      httpClient('GET', `http://catalog/${i % 2 === 0 ? 'products' : 'reviews'}/${i}`, startMs, 20),
    );
    expect(nPlusOne(calls)).toEqual([]);
  });
});

describe('normalizeUrlPath', () => {
  it('replaces numbers, uuids and long hex or slug ids, keeping words and versions', () => {
    expect(
      normalizeUrlPath('https://api.example.com/v1/users/42/orders/3f2a1c9e-4b5d-4c6e-8f70-123456789abc?x=1'),
    ).toBe('/v1/users/{id}/orders/{id}');
    expect(normalizeUrlPath('/files/5f3a9c0d12ab/oauth2/v1beta1/ord-20240101')).toBe(
      '/files/{id}/oauth2/v1beta1/{id}',
    );
  });
});
