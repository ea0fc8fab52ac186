/**
 * Attribute readers that accept both the current OpenTelemetry semantic-convention names and the
 * older ones still emitted by many SDKs (http.method → http.request.method in semconv 1.21+,
 * db.statement → db.query.text and db.system → db.system.name in the 1.2x database conventions).
 * Current names come first in every list.
 */
import type { AttributeValue, Span } from '../model/index.js';

export const HTTP_METHOD_KEYS = ['http.request.method', 'http.method'] as const;
export const HTTP_STATUS_KEYS = ['http.response.status_code', 'http.status_code'] as const;
export const HTTP_ROUTE_KEYS = ['http.route'] as const;
export const URL_TEMPLATE_KEYS = ['url.template'] as const;
export const URL_FULL_KEYS = ['url.full', 'http.url'] as const;
export const URL_PATH_KEYS = ['url.path', 'http.target'] as const;
export const SERVER_ADDRESS_KEYS = ['server.address', 'net.peer.name', 'http.host'] as const;
export const DB_SYSTEM_KEYS = ['db.system.name', 'db.system'] as const;
export const DB_STATEMENT_KEYS = ['db.query.text', 'db.statement'] as const;
export const DB_OPERATION_KEYS = ['db.operation.name', 'db.operation'] as const;
export const RPC_GRPC_STATUS_KEYS = ['rpc.grpc.status_code'] as const;

const DB_MARKER_KEYS = [
  ...DB_SYSTEM_KEYS,
  ...DB_STATEMENT_KEYS,
  ...DB_OPERATION_KEYS,
  'db.namespace',
  'db.name',
];

export function attribute(span: Span, keys: readonly string[]): AttributeValue | undefined {
  for (const key of keys) {
    const value = span.attributes[key];
    if (value !== undefined && value !== null && value !== '') return value;
  }
  return undefined;
}

export function stringAttribute(span: Span, keys: readonly string[]): string | undefined {
  const value = attribute(span, keys);
  if (value === undefined || typeof value === 'object') return undefined;
  return String(value);
}

/** A number, also from a numeric string (int64 values arrive as strings beyond 2^53; status codes as text from some SDKs). */
export function numberAttribute(span: Span, keys: readonly string[]): number | undefined {
  const value = attribute(span, keys);
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  return undefined;
}

export function httpMethod(span: Span): string | undefined {
  return stringAttribute(span, HTTP_METHOD_KEYS)?.toUpperCase();
}

export function httpStatusCode(span: Span): number | undefined {
  return numberAttribute(span, HTTP_STATUS_KEYS);
}

export function grpcStatusCode(span: Span): number | undefined {
  return numberAttribute(span, RPC_GRPC_STATUS_KEYS);
}

export function dbStatement(span: Span): string | undefined {
  return stringAttribute(span, DB_STATEMENT_KEYS);
}

export function dbSystem(span: Span): string | undefined {
  return stringAttribute(span, DB_SYSTEM_KEYS);
}

/** A database call: any of the db.* markers, on a span that is not the serving side of a request. */
export function isDbSpan(span: Span): boolean {
  if (span.kind === 'server' || span.kind === 'consumer') return false;
  return attribute(span, DB_MARKER_KEYS) !== undefined;
}

/** An HTTP request or response span, by its http.* / url.* attributes (either generation). */
export function isHttpSpan(span: Span): boolean {
  if (span.kind !== 'server' && span.kind !== 'client') return false;
  return (
    attribute(span, HTTP_METHOD_KEYS) !== undefined ||
    attribute(span, HTTP_STATUS_KEYS) !== undefined ||
    attribute(span, URL_FULL_KEYS) !== undefined ||
    attribute(span, HTTP_ROUTE_KEYS) !== undefined
  );
}

/** A span that waits on another process: an outgoing request, a database call, or a message send. */
export function isOutgoingCall(span: Span): boolean {
  return span.kind === 'client' || span.kind === 'producer' || isDbSpan(span);
}

/** The service name is the SDK's fallback (`unknown_service`, or `unknown_service:<process>` in several SDKs). */
export function hasUnknownService(span: Span): boolean {
  return span.serviceName === '' || span.serviceName.startsWith('unknown_service');
}
