/**
 * The one place where the error type's codes become wire statuses: HTTP for OTLP/HTTP, gRPC status
 * codes for OTLP/gRPC (and for the google.rpc.Status body of an HTTP error). 400 tells an SDK not to
 * retry; 503 / UNAVAILABLE tells it to retry (OTLP spec, "Failures").
 */
import { status as GrpcStatus } from '@grpc/grpc-js';
import type { ErrorCode } from '../model/index.js';

export interface WireStatus {
  http: number;
  grpc: GrpcStatus;
}

const STATUS: Record<ErrorCode, WireStatus> = {
  INVALID_ARGUMENT: { http: 400, grpc: GrpcStatus.INVALID_ARGUMENT },
  NOT_FOUND: { http: 404, grpc: GrpcStatus.NOT_FOUND },
  AMBIGUOUS: { http: 400, grpc: GrpcStatus.INVALID_ARGUMENT },
  UNSUPPORTED: { http: 415, grpc: GrpcStatus.UNIMPLEMENTED },
  UNAUTHENTICATED: { http: 401, grpc: GrpcStatus.UNAUTHENTICATED },
  RESOURCE_EXHAUSTED: { http: 413, grpc: GrpcStatus.RESOURCE_EXHAUSTED },
  BACKEND_UNAVAILABLE: { http: 503, grpc: GrpcStatus.UNAVAILABLE },
  TIMEOUT: { http: 503, grpc: GrpcStatus.UNAVAILABLE },
  CONFLICT: { http: 409, grpc: GrpcStatus.ABORTED },
  INTERNAL: { http: 500, grpc: GrpcStatus.INTERNAL },
};

export function wireStatus(code: ErrorCode): WireStatus {
  return STATUS[code];
}
