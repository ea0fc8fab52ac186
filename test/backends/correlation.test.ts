/**
 * correlate_distributed_traces reading a real Jaeger and a real Tempo (not the embedded store): the
 * traces carrying an order id are found by the backend's own attribute search, and the producer
 * trace that carries no id is reached by following the consumer's span link into the same backend.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/mcp-harness.js';
import { waitFor } from '../support/wait-for.js';
import { exportOtlpProto } from './support/otlp-export.js';
import { CONTRACT_TIMEOUT_MS, describeWithServer, type ServerName } from './support/real-servers.js';

interface Transaction {
  orderId: string;
  services: { shop: string; fulfilment: string; billing: string };
  producerTraceId: string;
  consumerTraceId: string;
  invoiceTraceId: string;
  spans: ReadableSpan[];
}

/**
 * Three traces of one order, by the real SDK, a few seconds in the past:
 *   shop       SERVER POST /orders > PRODUCER orders publish      (no order id)
 *   fulfilment CONSUMER orders process (order.id, a link to the publish span) > CLIENT charge card (ERROR)
 *   billing    SERVER invoice batch (order.id)
 */
function buildTransaction(nowMs: number): Transaction {
  const run = randomBytes(4).toString('hex');
  const services = {
    shop: `corr-shop-${run}`,
    fulfilment: `corr-fulfilment-${run}`,
    billing: `corr-billing-${run}`,
  };
  const orderId = `ord-${run}`;
  const exporter = new InMemorySpanExporter();
  const tracerFor = (service: string) =>
    new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': service }),
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    }).getTracer('otel-mcp-correlation');
  const [shop, fulfilment, billing] = [
    tracerFor(services.shop),
    tracerFor(services.fulfilment),
    tracerFor(services.billing),
  ];
  const at = (ms: number): number => nowMs - 8_000 + ms;
  const under = (parent: ReturnType<typeof shop.startSpan>) => trace.setSpan(context.active(), parent);

  const order = shop.startSpan('POST /orders', { kind: SpanKind.SERVER, startTime: at(0), root: true });
  const publish = shop.startSpan(
    'orders publish',
    { kind: SpanKind.PRODUCER, startTime: at(5), attributes: { 'messaging.destination.name': 'orders' } },
    under(order),
  );
  publish.end(at(15));
  order.end(at(20));
  const consume = fulfilment.startSpan(
    'orders process',
    {
      kind: SpanKind.CONSUMER,
      startTime: at(40),
      root: true,
      attributes: { 'order.id': orderId },
      links: [{ context: publish.spanContext() }],
    },
    context.active(),
  );
  const charge = fulfilment.startSpan(
    'charge card',
    { kind: SpanKind.CLIENT, startTime: at(45) },
    under(consume),
  );
  charge.setStatus({ code: SpanStatusCode.ERROR, message: 'card declined' });
  charge.end(at(70));
  consume.end(at(75));
  const invoice = billing.startSpan('invoice batch', {
    kind: SpanKind.SERVER,
    startTime: at(200),
    root: true,
    attributes: { 'order.id': orderId },
  });
  invoice.end(at(230));
  return {
    orderId,
    services,
    producerTraceId: order.spanContext().traceId,
    consumerTraceId: consume.spanContext().traceId,
    invoiceTraceId: invoice.spanContext().traceId,
    spans: exporter.getFinishedSpans(),
  };
}

/** The endpoint a backend entry names: Jaeger's query API, Tempo's HTTP API. */
const QUERY_ENDPOINT: Partial<Record<ServerName, string>> = { jaeger: 'query_http', tempo: 'api' };

for (const name of ['jaeger', 'tempo'] as const) {
  describeWithServer(name, `correlate_distributed_traces against a real ${name}`, (server) => {
    let harness: Harness;
    let dataDir: string;
    let order: Transaction;

    beforeAll(async () => {
      order = buildTransaction(Date.now());
      await exportOtlpProto(server().endpoints.otlp_http!, order.spans);
      dataDir = mkdtempSync(join(tmpdir(), 'otel-mcp-correlation-'));
      const file = join(dataDir, 'otel-mcp.yaml');
      writeFileSync(
        file,
        `backends:\n  ${name}: { endpoint: "${server().endpoints[QUERY_ENDPOINT[name]!]}", timeout_ms: ${CONTRACT_TIMEOUT_MS} }\n`,
      );
      harness = await startHarness({ dataDir, flags: { config: file } });
    }, 120_000);

    afterAll(async () => {
      await harness?.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    });

    it('finds the traces carrying the order id by attribute search and the producer through the span link', async () => {
      // Tempo searches a trace only once it has left its live buffer; Jaeger indexes within a second.
      const result = await waitFor(
        `all three traces in ${name}`,
        async () => {
          const call = await harness.call('correlate_distributed_traces', {
            transaction_id: order.orderId,
            attribute_key: 'order.id',
            backends: [name],
          });
          return !call.isError && call.structured.trace_count === 3 ? call : undefined;
        },
        60_000,
      );
      const out = result.structured;
      const byTrace = Object.fromEntries(
        out.traces.map((t: { trace_id: string; found_by: string; backend: string }) => [
          t.trace_id,
          [t.found_by, t.backend],
        ]),
      );
      expect(byTrace).toEqual({
        [order.consumerTraceId]: ['attribute', name],
        [order.invoiceTraceId]: ['attribute', name],
        [order.producerTraceId]: ['link', name],
      });
      expect(out.connections).toContainEqual(
        expect.objectContaining({
          kind: 'link',
          from: expect.objectContaining({
            trace_id: order.consumerTraceId,
            service: order.services.fulfilment,
            name: 'orders process',
          }),
          to: expect.objectContaining({
            trace_id: order.producerTraceId,
            service: order.services.shop,
            name: 'orders publish',
          }),
        }),
      );
      expect(out.services.map((s: { service: string }) => s.service)).toEqual([
        order.services.shop,
        order.services.fulfilment,
        order.services.billing,
      ]);
      expect(out.errors).toEqual([
        expect.objectContaining({ service: order.services.fulfilment, name: 'charge card' }),
      ]);
      expect(out.backend_problems).toEqual([]);
      // What an external backend cannot do is said, not hidden: it cannot list the spans linking into a trace.
      expect(out.limitations.join(' ')).toContain(`${name}: a trace whose span links into another`);
    });
  });
}
