/**
 * The three OTLP signals as data: where each arrives (HTTP path, gRPC method), how it is decoded, and
 * what is done with it. Traces and logs go to the sink; metrics are validated and counted only.
 */
import {
  countMetricsRequestJson,
  countMetricsRequestProtobuf,
  decodeLogsRequestJson,
  decodeLogsRequestProtobuf,
  decodeTraceRequestColumns,
  decodeTraceRequestJson,
  decodeTraceRequestProtobuf,
} from '../otlp/index.js';
import type { WireFormat } from './export-response.js';
import type { GroupCommitQueue } from './group-commit-queue.js';

export type SignalName = 'traces' | 'logs' | 'metrics';

/** What one export request amounted to, before the sink saw it. */
export interface DecodedExport {
  accepted: number;
  rejected: number;
  errors: string[];
  /** Queues the accepted items for the sink; settles once they are committed (or the commit failed). */
  persist(queue: GroupCommitQueue): Promise<void>;
}

export interface OtlpSignal {
  name: SignalName;
  httpPath: string;
  /** `package.Service`, as the gRPC method path needs it. */
  grpcService: string;
  /** The JSON name of ExportXPartialSuccess's count. */
  rejectedJsonName: string;
  /**
   * Decodes a body (already gunzipped); throws OtelMcpError('INVALID_ARGUMENT') when malformed. With
   * `columns`, protobuf spans are decoded into columns for the queue's writeColumns.
   */
  decode(format: WireFormat, body: Uint8Array, options?: { columns?: boolean }): DecodedExport;
}

/** JSON bodies as text; a UTF-8 byte-order mark (some HTTP clients add one) is not part of the JSON. */
function text(body: Uint8Array): string {
  const decoded = Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  return decoded.charCodeAt(0) === 0xfeff ? decoded.slice(1) : decoded;
}

export const TRACES: OtlpSignal = {
  name: 'traces',
  httpPath: '/v1/traces',
  grpcService: 'opentelemetry.proto.collector.trace.v1.TraceService',
  rejectedJsonName: 'rejectedSpans',
  decode(format, body, options) {
    // Malformed input falls through to the object decoder, whose error names the field.
    const columnar = format === 'protobuf' && options?.columns ? decodeTraceRequestColumns(body) : undefined;
    if (columnar) {
      return {
        accepted: columnar.columns.count,
        rejected: columnar.rejected,
        errors: columnar.errors,
        persist: (queue) => queue.writeColumns(columnar.columns),
      };
    }
    const decoded =
      format === 'protobuf' ? decodeTraceRequestProtobuf(body) : decodeTraceRequestJson(text(body));
    return {
      accepted: decoded.spans.length,
      rejected: decoded.rejected,
      errors: decoded.errors,
      persist: (queue) => queue.write('spans', decoded.spans),
    };
  },
};

export const LOGS: OtlpSignal = {
  name: 'logs',
  httpPath: '/v1/logs',
  grpcService: 'opentelemetry.proto.collector.logs.v1.LogsService',
  rejectedJsonName: 'rejectedLogRecords',
  decode(format, body) {
    const decoded =
      format === 'protobuf' ? decodeLogsRequestProtobuf(body) : decodeLogsRequestJson(text(body));
    return {
      accepted: decoded.logs.length,
      rejected: decoded.rejected,
      errors: decoded.errors,
      persist: (queue) => queue.write('logs', decoded.logs),
    };
  },
};

/**
 * Metrics are accepted so that SDKs exporting them by default (Node's, Java's agent) see no errors,
 * but otel-mcp has no metric model: they are validated and their data points counted, never stored.
 */
export const METRICS: OtlpSignal = {
  name: 'metrics',
  httpPath: '/v1/metrics',
  grpcService: 'opentelemetry.proto.collector.metrics.v1.MetricsService',
  rejectedJsonName: 'rejectedDataPoints',
  decode(format, body) {
    const counted =
      format === 'protobuf' ? countMetricsRequestProtobuf(body) : countMetricsRequestJson(text(body));
    return { accepted: counted.dataPoints, rejected: 0, errors: [], persist: () => Promise.resolve() };
  },
};

export const SIGNALS: readonly OtlpSignal[] = [TRACES, LOGS, METRICS];
