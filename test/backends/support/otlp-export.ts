/** Sends SDK spans to a server's OTLP/HTTP receiver with the real protobuf exporter. */
import { ExportResultCode } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

export async function exportOtlpProto(
  baseUrl: string,
  spans: ReadableSpan[],
  headers?: Record<string, string>,
): Promise<void> {
  const exporter = new OTLPTraceExporter({ url: `${baseUrl}/v1/traces`, headers });
  try {
    await new Promise<void>((resolve, reject) =>
      exporter.export(spans, (result) =>
        result.code === ExportResultCode.SUCCESS
          ? resolve()
          : reject(result.error ?? new Error('OTLP export failed')),
      ),
    );
  } finally {
    await exporter.shutdown();
  }
}
