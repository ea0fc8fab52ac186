import type { Span } from '../model/index.js';
import { grpcStatusCode, httpStatusCode } from './semantic-conventions.js';

/** Why a span counts as failed. */
export interface SpanFailure {
  /** The span's status is ERROR. */
  statusError: boolean;
  /** An HTTP status that signals failure for this side of the call. */
  httpStatus?: number;
  /** A non-zero gRPC status code. */
  grpcStatus?: number;
  /** Short text for a reader: `status ERROR: timeout`, `HTTP 503`, `gRPC 14 UNAVAILABLE`. */
  label: string;
}

// google.golang.org/grpc/codes, the same numbering in every gRPC implementation.
const GRPC_CODE_NAMES = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED',
];

/**
 * Whether a span failed: its status, or a response code that signals failure even when the
 * instrumentation left the status unset. HTTP follows the semantic conventions: a client fails
 * from 400 (the request did not succeed), a server only from 500 (a 4xx is the caller's fault).
 */
export function spanFailure(span: Span): SpanFailure | undefined {
  const statusError = span.status.code === 'error';
  const http = httpStatusCode(span);
  const httpLimit = span.kind === 'client' ? 400 : 500;
  const httpStatus = http !== undefined && http >= httpLimit ? http : undefined;
  const grpc = grpcStatusCode(span);
  const grpcStatus = grpc !== undefined && grpc !== 0 ? grpc : undefined;
  if (!statusError && httpStatus === undefined && grpcStatus === undefined) return undefined;

  const parts: string[] = [];
  if (statusError) parts.push(span.status.message ? `status ERROR: ${span.status.message}` : 'status ERROR');
  if (httpStatus !== undefined) parts.push(`HTTP ${httpStatus}`);
  if (grpcStatus !== undefined)
    parts.push(`gRPC ${grpcStatus} ${GRPC_CODE_NAMES[grpcStatus] ?? ''}`.trimEnd());
  const failure: SpanFailure = { statusError, label: parts.join(', ') };
  if (httpStatus !== undefined) failure.httpStatus = httpStatus;
  if (grpcStatus !== undefined) failure.grpcStatus = grpcStatus;
  return failure;
}
