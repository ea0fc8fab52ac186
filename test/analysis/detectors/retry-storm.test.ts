import { describe, expect, it } from 'vitest';
import { detectPerformanceIssues } from '../../../src/analysis/index.js';
import type { Finding } from '../../../src/analysis/index.js';
import { buildTrace } from '../../support/trace-builder.js';
import { httpClient } from '../../support/span-sketches.js';

function retries(statuses: number[], url = (_i: number) => 'http://pricing/quote?sku=7'): Finding[] {
  const children = statuses.map((status, i) =>
    httpClient('POST', url(i), i * 100, 90, status, { status: status >= 500 ? 'error' : 'unset' }),
  );
  return detectPerformanceIssues(
    buildTrace({ name: 'checkout', kind: 'server', durationMs: 1000, children }),
  ).filter((f) => f.kind === 'retry_storm');
}

describe('retry storms', () => {
  it('reports identical calls that failed until the last one succeeded', () => {
    const [finding] = retries([503, 503, 200]);
    expect(finding?.measurements).toMatchObject({ attempts: 3, failed: 2, recovered: true, elapsedMs: 290 });
    expect(finding?.summary).toContain('first error: status ERROR, HTTP 503');
  });

  it('reports identical calls that all failed, at least at medium severity', () => {
    const [finding] = retries([503, 503, 503, 503]);
    expect(finding?.measurements).toMatchObject({ attempts: 4, failed: 4, recovered: false });
    expect(finding?.severity).not.toBe('low');
  });

  it('does not report a success between failures', () => {
    expect(retries([503, 200, 503])).toEqual([]);
  });

  it('does not report failing calls for different ids (a loop, not a retry)', () => {
    expect(retries([503, 503, 503], (i) => `http://pricing/quote?sku=${i}`)).toEqual([]);
  });

  it('does not report two failures then a success', () => {
    expect(retries([503, 200])).toEqual([]);
  });
});
