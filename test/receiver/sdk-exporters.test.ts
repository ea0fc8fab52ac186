/**
 * Spans produced by the real OpenTelemetry JS SDK, sent by each real OTLP exporter, arrive in the sink
 * exactly as the SDK recorded them (compared field by field with an in-memory copy of the same spans).
 */
import { context, SpanKind, SpanStatusCode, trace, type HrTime, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import type { Span } from '../../src/model/index.js';
import { startReceiver, type RunningReceiver } from './receiver-harness.js';

const KINDS = ['internal', 'server', 'client', 'producer', 'consumer'];

/** A small checkout: every attribute type, events and links with attributes, an error status, all kinds. */
function emitScenario(tracer: Tracer): void {
  const root = tracer.startSpan('POST /checkout', {
    kind: SpanKind.SERVER,
    attributes: {
      'http.request.method': 'POST',
      'http.response.status_code': 200,
      'app.ratio': 0.75,
      'app.cached': false,
      'app.tags': ['a', 'b'],
      'app.counts': [1, 2, 3],
      'app.flags': [true, false],
      'app.weights': [0.5, 1.25],
      'app.big': 2 ** 40,
    },
  });
  const rootContext = trace.setSpan(context.active(), root);
  const payment = tracer.startSpan(
    'payment.process',
    {
      kind: SpanKind.CLIENT,
      links: [{ context: root.spanContext(), attributes: { 'link.reason': 'retry-of', 'link.attempt': 2 } }],
    },
    rootContext,
  );
  payment.addEvent('exception', {
    'exception.type': 'CardDeclinedError',
    'exception.message': 'declined',
    'retry.count': 3,
  });
  payment.setStatus({ code: SpanStatusCode.ERROR, message: 'card declined' });
  const paymentContext = trace.setSpan(rootContext, payment);
  tracer
    .startSpan(
      'db.query',
      { kind: SpanKind.INTERNAL, attributes: { 'db.system.name': 'postgresql' } },
      paymentContext,
    )
    .end();
  payment.end();
  const publish = tracer.startSpan('orders publish', { kind: SpanKind.PRODUCER }, rootContext);
  publish.end();
  tracer
    .startSpan(
      'orders process',
      { kind: SpanKind.CONSUMER, links: [{ context: publish.spanContext() }] },
      rootContext,
    )
    .end();
  root.setStatus({ code: SpanStatusCode.OK });
  root.end();
}

const nanos = (time: HrTime): bigint => BigInt(time[0]) * 1_000_000_000n + BigInt(time[1]);

function expectSameSpan(received: Span, sent: ReadableSpan): void {
  const sentContext = sent.spanContext();
  expect(received).toMatchObject({
    traceId: sentContext.traceId,
    spanId: sentContext.spanId,
    parentSpanId: sent.parentSpanContext?.spanId,
    name: sent.name,
    kind: KINDS[sent.kind],
    serviceName: 'checkout-service',
    startTimeUnixNano: nanos(sent.startTime),
    endTimeUnixNano: nanos(sent.endTime),
    status: { code: ['unset', 'ok', 'error'][sent.status.code], message: sent.status.message },
    attributes: sent.attributes,
    droppedAttributesCount: sent.droppedAttributesCount,
    droppedEventsCount: sent.droppedEventsCount,
    droppedLinksCount: sent.droppedLinksCount,
    resource: { attributes: sent.resource.attributes },
    scope: { name: sent.instrumentationScope.name, version: sent.instrumentationScope.version },
  });
  expect(received.flags! & 0xff).toBe(sentContext.traceFlags);
  expect(received.events).toEqual(
    sent.events.map((event) => ({
      name: event.name,
      timeUnixNano: nanos(event.time),
      attributes: event.attributes ?? {},
      droppedAttributesCount: event.droppedAttributesCount ?? 0,
    })),
  );
  expect(received.links).toEqual(
    sent.links.map((link) => ({
      traceId: link.context.traceId,
      spanId: link.context.spanId,
      traceState: undefined,
      flags: expect.any(Number) as number,
      attributes: link.attributes ?? {},
      droppedAttributesCount: link.droppedAttributesCount ?? 0,
    })),
  );
}

interface Case {
  name: string;
  exporter: (receiver: RunningReceiver) => SpanExporter;
}

const CASES: Case[] = [
  { name: 'OTLP/HTTP protobuf', exporter: (r) => new ProtoExporter({ url: `${r.httpUrl}/v1/traces` }) },
  {
    name: 'OTLP/HTTP protobuf with gzip',
    exporter: (r) =>
      new ProtoExporter({ url: `${r.httpUrl}/v1/traces`, compression: CompressionAlgorithm.GZIP }),
  },
  { name: 'OTLP/HTTP JSON', exporter: (r) => new JsonExporter({ url: `${r.httpUrl}/v1/traces` }) },
  {
    name: 'OTLP/HTTP JSON with gzip',
    exporter: (r) =>
      new JsonExporter({ url: `${r.httpUrl}/v1/traces`, compression: CompressionAlgorithm.GZIP }),
  },
  { name: 'OTLP/gRPC', exporter: (r) => new GrpcExporter({ url: `http://${r.grpcAddress}` }) },
  {
    name: 'OTLP/gRPC with gzip',
    exporter: (r) =>
      new GrpcExporter({ url: `http://${r.grpcAddress}`, compression: CompressionAlgorithm.GZIP }),
  },
];

describe('spans from the OpenTelemetry JS SDK', () => {
  let running: RunningReceiver | undefined;
  let provider: BasicTracerProvider | undefined;

  afterEach(async () => {
    await provider?.shutdown();
    await running?.close();
  });

  it.each(CASES)('arrive intact through the $name exporter', async ({ exporter }) => {
    running = await startReceiver();
    const copy = new InMemorySpanExporter();
    provider = new BasicTracerProvider({
      resource: resourceFromAttributes({
        'service.name': 'checkout-service',
        'deployment.environment.name': 'test',
        'host.cpus': 2,
      }),
      spanProcessors: [new SimpleSpanProcessor(exporter(running)), new SimpleSpanProcessor(copy)],
    });
    emitScenario(provider.getTracer('checkout-instrumentation', '4.5.6'));
    await provider.forceFlush();

    const sent = copy.getFinishedSpans();
    expect(sent).toHaveLength(5);
    expect(running.sink.spans).toHaveLength(sent.length);
    for (const span of sent) {
      const received = running.sink.spans.find((s) => s.spanId === span.spanContext().spanId);
      expect(received, `span ${span.name}`).toBeDefined();
      expectSameSpan(received!, span);
    }
    expect(running.receiver.stats()).toMatchObject({ spansAccepted: 5, spansRejected: 0, exportsFailed: 0 });
  });
});
