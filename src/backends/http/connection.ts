/**
 * Everything an adapter needs to reach its backend, resolved once from the configuration:
 * where, with which headers (auth, tenant, extras), how long to wait, how often to retry.
 */
import { Buffer } from 'node:buffer';
import type { ParsedEndpoint } from './endpoint.js';
import type { RetryPolicy } from './retry-policy.js';

export interface BackendConnection {
  /** The configured name, used in every message (`jaeger`, `prod-tempo`). */
  backendName: string;
  endpoint: ParsedEndpoint;
  /** Sent with every request. Holds secrets: never put into messages or logs. */
  headers: Record<string, string>;
  timeoutMs: number;
  retry: RetryPolicy;
}

export interface ConnectionAuth {
  bearerToken?: string;
  username?: string;
  password?: string;
}

/** The Authorization header for the configured auth; user info in the URL counts as basic auth. */
export function authorizationHeader(
  auth: ConnectionAuth | undefined,
  endpoint: ParsedEndpoint,
): string | undefined {
  if (auth?.bearerToken) return `Bearer ${auth.bearerToken}`;
  const username = auth?.username ?? endpoint.username;
  const password = auth?.password ?? endpoint.password ?? '';
  if (username === undefined) return undefined;
  return `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}`;
}
