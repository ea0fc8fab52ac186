import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import {
  decodeGetOperationsResponse,
  decodeGetServicesResponse,
  encodeFindTracesRequest,
  encodeGetTraceRequest,
} from '../../../src/backends/jaeger/api-v3-messages.js';

// An independent encoder/decoder: protobufjs built from the message definitions of
// jaegertracing/jaeger-idl proto/api_v3/query_service.proto (Timestamp/Duration inlined).
const root = protobuf.parse(`
  syntax = "proto3";
  message Timestamp { int64 seconds = 1; int32 nanos = 2; }
  message Duration { int64 seconds = 1; int32 nanos = 2; }
  message GetTraceRequest { string trace_id = 1; Timestamp start_time = 2; Timestamp end_time = 3; bool raw_traces = 4; }
  message TraceQueryParameters {
    string service_name = 1; string operation_name = 2; map<string, string> attributes = 3;
    Timestamp start_time_min = 4; Timestamp start_time_max = 5; Duration duration_min = 6; Duration duration_max = 7;
    int32 search_depth = 8; bool raw_traces = 9;
  }
  message FindTracesRequest { TraceQueryParameters query = 1; }
  message GetServicesResponse { repeated string services = 1; }
  message Operation { string name = 1; string span_kind = 2; }
  message GetOperationsResponse { repeated Operation operations = 1; }
`).root;

describe('the api_v3 gRPC messages', () => {
  it('encodes FindTracesRequest as the proto defines it, nanoseconds exact', () => {
    const bytes = encodeFindTracesRequest({
      serviceName: 'checkout',
      operationName: 'GET /cart',
      attributes: { 'http.route': '/cart', error: 'true' },
      startTimeMinNanos: 1_764_000_000_123_456_789n,
      startTimeMaxNanos: 1_764_000_100_000_000_000n,
      durationMinNanos: 1_500_000n,
      durationMaxNanos: 2_000_000_001n,
      searchDepth: 20,
    });
    const decoded = root
      .lookupType('FindTracesRequest')
      .toObject(root.lookupType('FindTracesRequest').decode(bytes), { longs: String });
    expect(decoded).toEqual({
      query: {
        serviceName: 'checkout',
        operationName: 'GET /cart',
        attributes: { 'http.route': '/cart', error: 'true' },
        startTimeMin: { seconds: '1764000000', nanos: 123456789 },
        startTimeMax: { seconds: '1764000100' },
        durationMin: { nanos: 1500000 },
        durationMax: { seconds: '2', nanos: 1 },
        searchDepth: 20,
      },
    });
  });

  it('encodes GetTraceRequest with the trace id as hex text', () => {
    const type = root.lookupType('GetTraceRequest');
    expect(type.toObject(type.decode(encodeGetTraceRequest('ab'.repeat(16))))).toEqual({
      traceId: 'ab'.repeat(16),
    });
  });

  it('decodes the services and operations answers', () => {
    const services = root.lookupType('GetServicesResponse');
    expect(decodeGetServicesResponse(services.encode({ services: ['a', 'b'] }).finish())).toEqual(['a', 'b']);
    const operations = root.lookupType('GetOperationsResponse');
    const bytes = operations
      .encode({ operations: [{ name: 'GET /', spanKind: 'server' }, { name: 'work' }] })
      .finish();
    expect(decodeGetOperationsResponse(bytes)).toEqual([
      { name: 'GET /', spanKind: 'server' },
      { name: 'work' },
    ]);
  });
});
