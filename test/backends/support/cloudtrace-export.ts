/**
 * SDK spans written to the Cloud Trace stand-in by Google's own OpenTelemetry exporter
 * (`@google-cloud/opentelemetry-cloud-trace-exporter`), so what is stored is what that exporter
 * sends: its attribute renames (`http.route` → `/http/route`, ...), its `g.co/agent` label, its
 * monitored-resource labels (`g.co/r/...`), its integer-only numbers and its status codes.
 *
 * The exporter always opens a TLS channel with Google call credentials to its `apiEndpoint`; there
 * is no option for a plain loopback channel, and Node 20 cannot add a test CA to a running process.
 * So its gRPC client is made here exactly as it makes its own (proto-loader over the proto it ships,
 * the v2 TraceService) but with insecure credentials to the stand-in, and handed to it through the
 * client it caches; the transform, the metadata and the BatchWriteSpans call are all the exporter's.
 */
import { createRequire } from 'node:module';
import * as grpc from '@grpc/grpc-js';
import { TraceExporter } from '@google-cloud/opentelemetry-cloud-trace-exporter';
import { ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { EXPORTER_PROTOS, type CloudTraceStandIn } from './cloudtrace-stand-in.js';

const require = createRequire(import.meta.url);
const exporterRequire = createRequire(require.resolve('@google-cloud/opentelemetry-cloud-trace-exporter'));
const protoLoader = exporterRequire('@grpc/proto-loader') as typeof import('@grpc/proto-loader');

/**
 * What a user of the exporter sets to keep service names: the exporter writes resource attributes
 * only through `resourceFilter`. Lists are written as JSON strings rather than dropped.
 */
export const EXPORTER_OPTIONS = { resourceFilter: /^(service|deployment)\./, stringifyArrayAttributes: true };

export async function exportWithGoogleExporter(
  standIn: CloudTraceStandIn,
  spans: ReadableSpan[],
  options: { resourceFilter?: RegExp; stringifyArrayAttributes?: boolean } = EXPORTER_OPTIONS,
): Promise<void> {
  const exporter = new TraceExporter({
    projectId: standIn.projectId,
    apiEndpoint: standIn.grpcTarget,
    ...options,
  });
  const definition = protoLoader.fromJSON(EXPORTER_PROTOS);
  const loaded = grpc.loadPackageDefinition(definition) as unknown as {
    google: { devtools: { cloudtrace: { v2: { TraceService: grpc.ServiceClientConstructor } } } };
  };
  const client = new loaded.google.devtools.cloudtrace.v2.TraceService(
    standIn.grpcTarget,
    grpc.credentials.createInsecure(),
  );
  (exporter as unknown as { _traceServiceClient: unknown })._traceServiceClient = client;
  try {
    const result = await new Promise<{ code: ExportResultCode; error?: Error }>((resolve) =>
      exporter.export(spans, resolve),
    );
    if (result.code !== ExportResultCode.SUCCESS)
      throw new Error(`the Cloud Trace exporter failed: ${result.error?.message ?? 'no reason given'}`);
  } finally {
    client.close();
    await exporter.shutdown();
  }
}
