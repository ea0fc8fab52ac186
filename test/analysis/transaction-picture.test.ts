import { describe, expect, it } from 'vitest';
import { buildTransactionPicture, outgoingLinks, valueCarriers } from '../../src/analysis/index.js';
import { buildTrace } from '../support/trace-builder.js';

const web = buildTrace({
  name: 'POST /orders',
  service: 'web',
  durationMs: 50,
  attributes: { 'app.order.id': 'ord-1', 'http.response.status_code': 201 },
  children: [
    { name: 'reserve', service: 'stock', kind: 'server', startMs: 5, durationMs: 20 },
    { name: 'orders publish', kind: 'producer', startMs: 30, durationMs: 2, spanId: 'cc00000000000001' },
  ],
});
const worker = buildTrace({
  name: 'orders process',
  service: 'worker',
  kind: 'consumer',
  startMs: 400,
  durationMs: 100,
  links: [{ traceId: web.traceId, spanId: 'cc00000000000001' }],
  children: [
    {
      name: 'UPDATE orders',
      service: 'db-proxy',
      kind: 'client',
      startMs: 410,
      durationMs: 5,
      status: 'error',
      statusMessage: 'deadlock',
    },
  ],
});

describe('the picture of one business transaction', () => {
  const picture = buildTransactionPicture(
    [
      { trace: worker, backend: 'embedded', foundBy: 'link' },
      { trace: web, backend: 'embedded', foundBy: 'attribute' },
    ],
    outgoingLinks(worker),
    [...valueCarriers(web, 'ord-1'), ...valueCarriers(worker, 'ord-1')],
    'ord-1',
  );

  it('orders traces and services by time and measures from the first span to the last', () => {
    expect(picture.traces.map((t) => t.rootName)).toEqual(['POST /orders', 'orders process']);
    expect(picture.services.map((s) => [s.service, s.firstOffsetMs])).toEqual([
      ['web', 0],
      ['stock', 5],
      ['worker', 400],
      ['db-proxy', 410],
    ]);
    expect(picture.elapsedMs).toBe(500);
  });

  it('connects the consumer to the producer span it links to, and lists the calls that cross services', () => {
    expect(picture.connections).toEqual([
      expect.objectContaining({
        kind: 'link',
        from: expect.objectContaining({ name: 'orders process' }),
        to: expect.objectContaining({ name: 'orders publish', offsetMs: 30 }),
      }),
    ]);
    expect(picture.serviceHops).toEqual([
      { from: 'web', to: 'stock', count: 1, firstOffsetMs: 5 },
      { from: 'worker', to: 'db-proxy', count: 1, firstOffsetMs: 410 },
    ]);
  });

  it('lists failed spans with their reason and when they happened', () => {
    expect(picture.errors).toEqual([
      expect.objectContaining({
        service: 'db-proxy',
        name: 'UPDATE orders',
        offsetMs: 410,
        reason: 'status ERROR: deadlock',
      }),
    ]);
  });

  it('finds the value under identifier-like keys only, unless keys are named', () => {
    const trace = buildTrace({
      name: 'x',
      attributes: { 'order.id': 201, 'http.response.status_code': 201 },
    });
    expect(valueCarriers(trace, '201').map((c) => c.key)).toEqual(['order.id']);
    expect(valueCarriers(trace, '201', ['http.response.status_code']).map((c) => c.key)).toEqual([
      'http.response.status_code',
    ]);
  });

  it('keeps a link to a trace outside the transaction as dangling', () => {
    const alone = buildTransactionPicture(
      [{ trace: worker, backend: 'embedded', foundBy: 'trace_id' }],
      outgoingLinks(worker),
      [],
      'x',
    );
    expect(alone.connections).toEqual([]);
    expect(alone.danglingLinks).toEqual([
      expect.objectContaining({ name: 'orders process', linkedTraceId: web.traceId }),
    ]);
  });
});
