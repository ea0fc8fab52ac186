/**
 * The one error type of otel-mcp. Each edge maps `code` once: to an MCP tool result
 * (`isError: true`), an HTTP status, a gRPC status, or a CLI exit code.
 */
export type ErrorCode =
  | 'INVALID_ARGUMENT'
  | 'NOT_FOUND'
  | 'AMBIGUOUS'
  | 'UNSUPPORTED'
  | 'UNAUTHENTICATED'
  | 'RESOURCE_EXHAUSTED'
  | 'BACKEND_UNAVAILABLE'
  | 'TIMEOUT'
  | 'CONFLICT'
  | 'INTERNAL';

export class OtelMcpError extends Error {
  override readonly name = 'OtelMcpError';

  constructor(
    readonly code: ErrorCode,
    message: string,
    /** What the caller can do about it: the accepted format, the valid names, the nearest match. */
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isOtelMcpError(error: unknown): error is OtelMcpError {
  return error instanceof OtelMcpError;
}

export function invalidArgument(message: string, hint?: string): OtelMcpError {
  return new OtelMcpError('INVALID_ARGUMENT', message, hint);
}

export function notFound(message: string, hint?: string): OtelMcpError {
  return new OtelMcpError('NOT_FOUND', message, hint);
}

export function unsupported(message: string, hint?: string): OtelMcpError {
  return new OtelMcpError('UNSUPPORTED', message, hint);
}

/** The message of anything thrown, for logs and error results. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
