/**
 * OTLP bodies exactly as the OpenTelemetry JS SDK sends them: spans, log records and metrics recorded
 * by the real SDKs and serialized by the exporters' own serializers (@opentelemetry/otlp-transformer),
 * in protobuf and in JSON. Each call records afresh, so its trace ids are new.
 */
import { context, SpanKind, SpanStatusCode, trace, TraceFlags } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import {
  JsonLogsSerializer,
  JsonMetricsSerializer,
  JsonTraceSerializer,
  ProtobufLogsSerializer,
  ProtobufMetricsSerializer,
  ProtobufTraceSerializer,
} from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';

export interface SdkBodies {
  protobuf: Uint8Array;
  json: Uint8Array;
}

export interface SdkTraceBodies extends SdkBodies {
  traceId: string;
  spanCount: number;
}

const RESOURCE = { 'service.name': 'hostile-checkout', 'deployment.environment': 'test' };

/** A small checkout trace: every attribute type, an event, a link, an error status, three kinds. */
export function sdkTraceBodies(): SdkTraceBodies {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes(RESOURCE),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('hostile-inputs', '1.0.0');
  const root = tracer.startSpan('POST /checkout', {
    kind: SpanKind.SERVER,
    attributes: {
      'http.request.method': 'POST',
      'http.response.status_code': 200,
      'app.ratio': 0.75,
      'app.cached': false,
      'app.tags': ['a', 'b'],
      'app.counts': [1, 2, 3],
    },
  });
  const rootContext = trace.setSpan(context.active(), root);
  const payment = tracer.startSpan(
    'payment.process',
    {
      kind: SpanKind.CLIENT,
      links: [{ context: root.spanContext(), attributes: { 'link.reason': 'retry' } }],
    },
    rootContext,
  );
  payment.addEvent('exception', { 'exception.type': 'CardDeclinedError', 'exception.message': 'declined' });
  payment.setStatus({ code: SpanStatusCode.ERROR, message: 'card declined' });
  tracer
    .startSpan(
      'db.query',
      { attributes: { 'db.system.name': 'postgresql' } },
      trace.setSpan(rootContext, payment),
    )
    .end();
  payment.end();
  root.end();
  const spans = exporter.getFinishedSpans();
  void provider.shutdown();
  return {
    protobuf: ProtobufTraceSerializer.serializeRequest(spans)!,
    json: JsonTraceSerializer.serializeRequest(spans)!,
    traceId: root.spanContext().traceId,
    spanCount: spans.length,
  };
}

export async function sdkLogBodies(): Promise<SdkBodies> {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes(RESOURCE),
    processors: [new SimpleLogRecordProcessor({ exporter })],
  });
  const logger = provider.getLogger('hostile-logger', '1.0.0');
  logger.emit({
    severityNumber: SeverityNumber.ERROR,
    severityText: 'ERROR',
    body: 'payment failed',
    attributes: { 'order.id': 'o-17', attempt: 2 },
    context: trace.setSpanContext(context.active(), {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: TraceFlags.SAMPLED,
    }),
  });
  logger.emit({ severityNumber: SeverityNumber.INFO, body: { structured: true, count: 3 } });
  await provider.forceFlush();
  const records = exporter.getFinishedLogRecords();
  await provider.shutdown();
  return {
    protobuf: ProtobufLogsSerializer.serializeRequest(records)!,
    json: JsonLogsSerializer.serializeRequest(records)!,
  };
}

class CollectingReader extends MetricReader {
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

export async function sdkMetricBodies(): Promise<SdkBodies> {
  const reader = new CollectingReader();
  const provider = new MeterProvider({ resource: resourceFromAttributes(RESOURCE), readers: [reader] });
  const meter = provider.getMeter('hostile-meter');
  meter.createCounter('jobs.done').add(3, { queue: 'a' });
  meter.createHistogram('job.duration').record(12.5);
  const { resourceMetrics } = await reader.collect();
  await provider.shutdown();
  return {
    protobuf: ProtobufMetricsSerializer.serializeRequest(resourceMetrics)!,
    json: JsonMetricsSerializer.serializeRequest(resourceMetrics)!,
  };
}
