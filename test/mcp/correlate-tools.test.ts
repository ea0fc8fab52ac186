import { context, SpanKind, SpanStatusCode, trace, type Span as ApiSpan } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSdkTracer } from '../support/sdk-tracer.js';
import { startHarness, type Harness } from '../support/mcp-harness.js';
import { expectCursorPagesEveryRow } from '../support/cursor-paging.js';
import { TRACE_START_NANOS, buildTrace } from '../support/trace-builder.js';

const ORDER = 'ord-5521-xk';
const INVOICE_ORDER = 90017;
const MISSING_TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

/** Ends `span` after `ms` of real time, so the trace has a shape in time. */
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('correlate_distributed_traces through a real MCP client', () => {
  let harness: Harness;
  let producerTraceId = '';
  let consumerTraceId = '';
  let orphanTraceId = '';
  const invoiceTraceIds: string[] = [];

  beforeAll(async () => {
    harness = await startHarness();
    const shop = createSdkTracer({
      serviceName: 'shop',
      exporter: 'http-protobuf',
      endpoint: harness.otlpHttpUrl,
    });
    const fulfilment = createSdkTracer({
      serviceName: 'fulfilment',
      exporter: 'grpc',
      endpoint: harness.otlpGrpcAddress,
    });
    const billing = createSdkTracer({
      serviceName: 'billing',
      exporter: 'http-json',
      endpoint: harness.otlpHttpUrl,
    });

    // Producer: the shop takes the order and publishes a message; the consumer's trace starts from a link to it.
    let published: ApiSpan | undefined;
    await shop.tracer.startActiveSpan(
      'POST /orders',
      { kind: SpanKind.SERVER, attributes: { 'app.order.id': ORDER } },
      async (root) => {
        producerTraceId = root.spanContext().traceId;
        // No context manager is registered in tests: the parent is passed explicitly.
        published = shop.tracer.startSpan(
          'orders publish',
          { kind: SpanKind.PRODUCER, attributes: { 'messaging.destination.name': 'orders' } },
          trace.setSpan(context.active(), root),
        );
        await pause(5);
        published.end();
        root.end();
      },
    );
    await pause(10);
    const consumed = fulfilment.tracer.startSpan(
      'orders process',
      { kind: SpanKind.CONSUMER, root: true, links: [{ context: (published as ApiSpan).spanContext() }] },
      context.active(),
    );
    consumerTraceId = consumed.spanContext().traceId;
    const charge = fulfilment.tracer.startSpan(
      'charge card',
      { kind: SpanKind.CLIENT },
      trace.setSpan(context.active(), consumed),
    );
    charge.setStatus({ code: SpanStatusCode.ERROR, message: 'card declined' });
    await pause(5);
    charge.end();
    consumed.end();

    // A consumer whose producer was never exported (sampled out upstream): a dangling link.
    const orphan = fulfilment.tracer.startSpan('orders process', {
      kind: SpanKind.CONSUMER,
      root: true,
      links: [{ context: { traceId: MISSING_TRACE, spanId: '00f067aa0ba902b7', traceFlags: 1 } }],
    });
    orphanTraceId = orphan.spanContext().traceId;
    orphan.end();

    // Shared attribute only: checkout and a later invoice run both record the order number (as an integer).
    for (const name of ['POST /checkout', 'invoice batch']) {
      const span = billing.tracer.startSpan(name, {
        kind: SpanKind.SERVER,
        root: true,
        attributes: { order_id: INVOICE_ORDER },
      });
      invoiceTraceIds.push(span.spanContext().traceId);
      await pause(5);
      span.end();
    }
    await Promise.all([shop.flush(), fulfilment.flush(), billing.flush()]);
  });
  afterAll(async () => harness?.close());

  it('joins a producer and its consumer by the span link, starting from the order id only the producer carries', async () => {
    const result = await harness.call('correlate_distributed_traces', { transaction_id: ORDER });
    expect(result.isError, result.text).toBe(false);
    const out = result.structured;
    expect(out.trace_count).toBe(2);
    expect(out.traces.map((t: { trace_id: string; found_by: string }) => [t.trace_id, t.found_by])).toEqual([
      [producerTraceId, 'attribute'],
      [consumerTraceId, 'link'],
    ]);
    expect(out.connections).toHaveLength(1);
    expect(out.connections).toContainEqual(
      expect.objectContaining({
        kind: 'link',
        from: expect.objectContaining({
          trace_id: consumerTraceId,
          service: 'fulfilment',
          name: 'orders process',
        }),
        to: expect.objectContaining({ trace_id: producerTraceId, service: 'shop', name: 'orders publish' }),
      }),
    );
    expect(out.services.map((s: { service: string }) => s.service)).toEqual(['shop', 'fulfilment']);
    expect(out.errors).toEqual([
      expect.objectContaining({
        service: 'fulfilment',
        name: 'charge card',
        reason: 'status ERROR: card declined',
      }),
    ]);
    expect(out.matched_keys).toEqual([{ key: 'app.order.id', spans: 1 }]);
    expect(out.elapsed_ms).toBeGreaterThanOrEqual(out.traces[1].offset_ms + out.traces[1].duration_ms - 0.01);
    expect(result.text).toMatch(
      /Services in order:\n {2}\+0ms shop\n {2}\+[\d.]+m?s fulfilment \(1 failed\)/,
    );
    expect(result.text).toMatch(
      /First failure: \+[\d.]+m?s fulfilment 'charge card' \(\w+\): .*card declined/,
    );
    expect(result.text).toContain(`Next: analyze_trace trace_id=${consumerTraceId}`);
  });

  it('follows a link forward when it starts from the consumer trace id', async () => {
    const result = await harness.call('correlate_distributed_traces', { transaction_id: consumerTraceId });
    expect(result.structured.traces.map((t: { trace_id: string }) => t.trace_id).sort()).toEqual(
      [producerTraceId, consumerTraceId].sort(),
    );
    expect(
      result.structured.traces.find((t: { trace_id: string }) => t.trace_id === consumerTraceId).found_by,
    ).toBe('trace_id');
  });

  it('joins traces that only share an attribute value, recorded as a number and asked for as text', async () => {
    const result = await harness.call('correlate_distributed_traces', {
      transaction_id: String(INVOICE_ORDER),
      attribute_key: 'order_id',
    });
    const out = result.structured;
    expect(out.traces.map((t: { trace_id: string }) => t.trace_id)).toEqual(invoiceTraceIds);
    expect(out.connections).toEqual([
      expect.objectContaining({
        kind: 'attribute',
        detail: `order_id=${INVOICE_ORDER}`,
        from: expect.objectContaining({ name: 'POST /checkout' }),
        to: expect.objectContaining({ name: 'invoice batch' }),
      }),
    ]);
    expect(out.errors).toEqual([]);
  });

  it('pages a transaction of 15 traces at a small budget: every trace, service, failure and connection once', async () => {
    // 15 traces of 15 services, each failing once, carrying one batch id: more than 500 tokens can show.
    const shift = BigInt(Date.now() - 60_000) * 1_000_000n - TRACE_START_NANOS;
    for (let index = 0; index < 15; index += 1) {
      const built = buildTrace({
        name: `step ${index}`,
        service: `worker-${index}`,
        startMs: index * 10,
        durationMs: 5,
        attributes: { 'app.batch.id': 'batch-7731-zq' },
        children: [{ name: 'store', startMs: 1, durationMs: 2, status: 'error', statusMessage: 'disk full' }],
      });
      await harness.app.writeSpans(
        built.spans.map((span) => ({
          ...span,
          startTimeUnixNano: span.startTimeUnixNano + shift,
          endTimeUnixNano: span.endTimeUnixNano + shift,
        })),
      );
    }
    const args = { transaction_id: 'batch-7731-zq', attribute_key: 'app.batch.id' };
    const first = await harness.call('correlate_distributed_traces', { ...args, budget_tokens: 500 });
    expect(first.isError, first.text).toBe(false);
    expect(first.text).toContain("Transaction 'batch-7731-zq': 15 traces, 15 services");
    expect(first.text).toContain('15 failed spans');
    expect(first.structured.truncated.traces).toBeGreaterThan(0);
    expect(
      await expectCursorPagesEveryRow(harness, 'correlate_distributed_traces', args, [
        'services',
        'traces',
        'errors',
        'connections',
        'service_hops',
        'dangling_links',
        'not_followed',
      ]),
    ).toBeGreaterThan(1);
  });

  it('reports a link to a trace no backend has as missing, not as an error of the tool', async () => {
    const result = await harness.call('correlate_distributed_traces', { transaction_id: orphanTraceId });
    expect(result.isError).toBe(false);
    expect(result.structured.trace_count).toBe(1);
    expect(result.structured.dangling_links).toEqual([
      expect.objectContaining({ trace_id: orphanTraceId, linked_trace_id: MISSING_TRACE }),
    ]);
    expect(result.text).toMatch(/Missing: fulfilment 'orders process' links to trace 4bf92f3577b3/);
  });

  it('finds the consumers of a trace that was never stored, through the link index', async () => {
    const result = await harness.call('correlate_distributed_traces', { transaction_id: MISSING_TRACE });
    expect(result.structured.traces).toEqual([
      expect.objectContaining({ trace_id: orphanTraceId, found_by: 'link' }),
    ]);
  });

  it('says which keys it searched and what to try when nothing carries the value', async () => {
    const result = await harness.call('correlate_distributed_traces', { transaction_id: 'ord-0000-none' });
    expect(result.isError).toBe(false);
    expect(result.structured.found).toBe(false);
    expect(result.structured.keys_searched).toEqual(expect.arrayContaining(['app.order.id', 'order_id']));
    expect(result.text).toMatch(/No trace carries 'ord-0000-none'.*Next: name the key that carries it/s);
  });

  it('refuses a value too short to search under every id key, and an unknown backend, saying what to pass', async () => {
    const short = await harness.call('correlate_distributed_traces', { transaction_id: '42' });
    expect(short.isError).toBe(true);
    expect(short.text).toMatch(/too short.*attribute_key/s);
    const unknown = await harness.call('correlate_distributed_traces', {
      transaction_id: ORDER,
      backends: ['jaegr'],
    });
    expect(unknown.isError).toBe(true);
    expect(unknown.text).toMatch(/no backend named 'jaegr'.*embedded/s);
  });
});
