import { describe, expect, it } from 'vitest';
import { filterValue, listFilter } from '../../../src/backends/cloudtrace/list-filter.js';

describe('a search as a Cloud Trace list filter', () => {
  it('sends the span name exactly, quoted when it holds more than the bare characters', () => {
    expect(listFilter({ limit: 5, operationName: 'charge' })).toBe('+span:charge');
    expect(listFilter({ limit: 5, operationName: 'GET /checkout' })).toBe('+span:"GET /checkout"');
    expect(filterValue('say "hi" \\o/')).toBe('"say \\"hi\\" \\\\o/"');
  });

  it('sends an attribute stored under one label key as an exact label term, or a presence term', () => {
    expect(
      listFilter({
        limit: 5,
        attributes: [
          { key: 'db.system', value: 'postgresql' },
          { key: 'retry.count', value: 3 },
          { key: 'cache.hit', value: false },
          { key: 'tenant.id' },
        ],
      }),
    ).toBe('+db.system:postgresql +retry.count:3 +cache.hit:false label:tenant.id');
  });

  it('does not send what could exclude a matching trace: aliased keys, rounded or list values, keywords, odd keys', () => {
    expect(
      listFilter({
        limit: 5,
        attributes: [
          // Stored as /http/route by Google's exporter, as http.route by OTLP writers.
          { key: 'http.route', value: '/checkout' },
          { key: 'http.request.method' },
          // The exporter rounds 0.5 to 1 and drops or stringifies lists.
          { key: 'app.ratio', value: 0.5 },
          { key: 'app.tags', value: ['blue'] },
          { key: 'latency', value: 'high' },
          { key: 'my key', value: 'x' },
        ],
      }),
    ).toBeUndefined();
  });

  it('sends a minimum duration as the trace latency in nanoseconds, rounded down', () => {
    expect(listFilter({ limit: 5, minDurationMs: 25 })).toBe('latency:25000000ns');
    expect(listFilter({ limit: 5, minDurationMs: 0.0000015 })).toBe('latency:1ns');
  });

  it('leaves service, maximum duration and status to the adapter’s own check', () => {
    expect(
      listFilter({ limit: 5, serviceName: 'payments', maxDurationMs: 10, status: 'error' }),
    ).toBeUndefined();
  });
});
