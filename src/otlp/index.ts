/**
 * The pure OTLP codec: OTLP protobuf and OTLP/JSON export requests → the normalized model. Free of
 * transport concerns so the receiver and the backend adapters (Jaeger api_v3 answers OTLP JSON,
 * Tempo OTLP protobuf) share it.
 */
export type { DecodedLogs, DecodedSpans } from './decoded-batch.js';
export { MAX_REJECTION_MESSAGES } from './decoded-batch.js';
export { decodeTraceRequestProtobuf } from './trace-protobuf.js';
export { decodeTraceRequestJson } from './trace-json.js';
export type { DecodedSpanColumns, SpanColumns, SpanColumnsSlice } from './span-columns.js';
export { decodeTraceRequestColumns } from './span-columns.js';
export { decodeLogsRequestProtobuf } from './logs-protobuf.js';
export { decodeLogsRequestJson } from './logs-json.js';
export type { CountedMetrics } from './metrics-protobuf.js';
export { countMetricsRequestProtobuf } from './metrics-protobuf.js';
export { countMetricsRequestJson } from './metrics-json.js';
