/**
 * A real OpenTelemetry JS SDK tracer that exports to the embedded receiver through one of the real
 * OTLP exporters, for end-to-end tests.
 */
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Tracer } from '@opentelemetry/api';

export type ExporterKind = 'http-protobuf' | 'http-json' | 'grpc';

export interface SdkTracer {
  tracer: Tracer;
  provider: BasicTracerProvider;
  /** Flushes every span to the receiver and shuts the provider down. */
  flush(): Promise<void>;
}

export function createSdkTracer(options: {
  serviceName: string;
  exporter: ExporterKind;
  /** OTLP/HTTP base URL, or host:port for gRPC. */
  endpoint: string;
  resourceAttributes?: Record<string, string | number | boolean>;
  headers?: Record<string, string>;
}): SdkTracer {
  const exporter =
    options.exporter === 'grpc'
      ? new GrpcExporter({ url: `http://${options.endpoint}` })
      : options.exporter === 'http-json'
        ? new JsonExporter({ url: `${options.endpoint}/v1/traces`, headers: options.headers })
        : new ProtoExporter({ url: `${options.endpoint}/v1/traces`, headers: options.headers });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName, ...options.resourceAttributes }),
    // Batching, as services do; SimpleSpanProcessor hits the exporter's concurrent-export limit past ~30 spans.
    spanProcessors: [new BatchSpanProcessor(exporter, { maxExportBatchSize: 512, scheduledDelayMillis: 50 })],
  });
  return {
    tracer: provider.getTracer('otel-mcp-tests', '1.0.0'),
    provider,
    async flush() {
      await provider.forceFlush();
      await provider.shutdown();
    },
  };
}
