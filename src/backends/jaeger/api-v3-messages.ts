/**
 * The request and small response messages of `jaeger.api_v3.QueryService`, field numbers from
 * jaegertracing/jaeger-idl proto/api_v3/query_service.proto. Trace streams carry OTLP TracesData,
 * which the shared OTLP decoder reads (its field 1 is ExportTraceServiceRequest's field 1).
 */
import protobuf from 'protobufjs';
import type { OperationInfo } from '../../model/query.js';

export interface FindTracesParams {
  serviceName?: string;
  operationName?: string;
  /** Compared by Jaeger as strings. */
  attributes?: Record<string, string>;
  startTimeMinNanos: bigint;
  startTimeMaxNanos: bigint;
  durationMinNanos?: bigint;
  durationMaxNanos?: bigint;
  /** How many traces at most (`search_depth`). */
  searchDepth: number;
}

const NANOS_PER_SECOND = 1_000_000_000n;

/** google.protobuf.Timestamp and Duration share the layout: seconds = 1 (int64), nanos = 2 (int32). */
function writeSecondsNanos(writer: protobuf.Writer, field: number, nanos: bigint): void {
  const seconds = nanos / NANOS_PER_SECOND;
  const rest = Number(nanos % NANOS_PER_SECOND);
  writer.uint32((field << 3) | 2).fork();
  if (seconds !== 0n) writer.uint32(8).int64(seconds.toString());
  if (rest !== 0) writer.uint32(16).int32(rest);
  writer.ldelim();
}

/** GetTraceRequest { string trace_id = 1; Timestamp start_time = 2; Timestamp end_time = 3; bool raw_traces = 4 }. */
export function encodeGetTraceRequest(traceId: string): Uint8Array {
  return protobuf.Writer.create().uint32(10).string(traceId).finish();
}

/** FindTracesRequest { TraceQueryParameters query = 1 }. */
export function encodeFindTracesRequest(params: FindTracesParams): Uint8Array {
  const writer = protobuf.Writer.create();
  writer.uint32(10).fork();
  if (params.serviceName) writer.uint32(10).string(params.serviceName);
  if (params.operationName) writer.uint32(18).string(params.operationName);
  for (const [key, value] of Object.entries(params.attributes ?? {})) {
    // map<string,string> attributes = 3: entries are messages { key = 1; value = 2 }.
    writer.uint32(26).fork().uint32(10).string(key).uint32(18).string(value).ldelim();
  }
  writeSecondsNanos(writer, 4, params.startTimeMinNanos);
  writeSecondsNanos(writer, 5, params.startTimeMaxNanos);
  if (params.durationMinNanos !== undefined) writeSecondsNanos(writer, 6, params.durationMinNanos);
  if (params.durationMaxNanos !== undefined) writeSecondsNanos(writer, 7, params.durationMaxNanos);
  writer.uint32(64).int32(params.searchDepth);
  writer.ldelim();
  return writer.finish();
}

export function encodeGetServicesRequest(): Uint8Array {
  return new Uint8Array(0);
}

/** GetOperationsRequest { string service = 1; string span_kind = 2 }. */
export function encodeGetOperationsRequest(service: string): Uint8Array {
  return protobuf.Writer.create().uint32(10).string(service).finish();
}

/** GetServicesResponse { repeated string services = 1 }. */
export function decodeGetServicesResponse(bytes: Uint8Array): string[] {
  const reader = protobuf.Reader.create(bytes);
  const services: string[] = [];
  while (reader.pos < reader.len) {
    const key = reader.uint32();
    if (key >>> 3 === 1 && (key & 7) === 2) services.push(reader.string());
    else reader.skipType(key & 7);
  }
  return services;
}

/** GetOperationsResponse { repeated Operation operations = 1 }, Operation { name = 1; span_kind = 2 }. */
export function decodeGetOperationsResponse(bytes: Uint8Array): OperationInfo[] {
  const reader = protobuf.Reader.create(bytes);
  const operations: OperationInfo[] = [];
  while (reader.pos < reader.len) {
    const key = reader.uint32();
    if (key >>> 3 !== 1 || (key & 7) !== 2) {
      reader.skipType(key & 7);
      continue;
    }
    const end = reader.uint32() + reader.pos;
    let name = '';
    let spanKind = '';
    while (reader.pos < end) {
      const inner = reader.uint32();
      if (inner >>> 3 === 1 && (inner & 7) === 2) name = reader.string();
      else if (inner >>> 3 === 2 && (inner & 7) === 2) spanKind = reader.string();
      else reader.skipType(inner & 7);
    }
    operations.push(spanKind ? { name, spanKind } : { name });
  }
  return operations;
}
