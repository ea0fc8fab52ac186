/**
 * A backend endpoint as configured, split into what requests need (a URL without credentials) and
 * what may be shown (the same URL: credentials never reach messages or logs).
 */
import { OtelMcpError } from '../../model/errors.js';

export interface ParsedEndpoint {
  /** scheme://host:port/base-path without a trailing slash and without user info. */
  url: string;
  /** `http`, `https` or `grpc` / `grpcs`. */
  scheme: 'http' | 'https' | 'grpc' | 'grpcs';
  /** host:port, for gRPC targets. */
  authority: string;
  /** User info found in the URL (`http://user:pass@host`), turned into basic auth by the caller. */
  username?: string;
  password?: string;
}

const DEFAULT_PORTS: Record<ParsedEndpoint['scheme'], string> = {
  http: '80',
  https: '443',
  grpc: '80',
  grpcs: '443',
};

export function parseEndpoint(endpoint: string, backendName: string): ParsedEndpoint {
  let url: URL;
  try {
    url = new URL(endpoint.trim());
  } catch {
    throw new OtelMcpError(
      'INVALID_ARGUMENT',
      `backend '${backendName}': endpoint "${redactUserInfo(endpoint)}" is not a URL`,
      'write it as http://host:port (or https://, or grpc://host:port for Jaeger gRPC)',
    );
  }
  const scheme = url.protocol.replace(/:$/, '');
  if (scheme !== 'http' && scheme !== 'https' && scheme !== 'grpc' && scheme !== 'grpcs') {
    throw new OtelMcpError(
      'INVALID_ARGUMENT',
      `backend '${backendName}': endpoint scheme "${scheme}:" is not supported`,
      'use http://, https://, or grpc:// / grpcs:// (Jaeger only)',
    );
  }
  const username = url.username ? decodeURIComponent(url.username) : undefined;
  const password = url.password ? decodeURIComponent(url.password) : undefined;
  url.username = '';
  url.password = '';
  url.search = '';
  url.hash = '';
  const port = url.port || DEFAULT_PORTS[scheme];
  return {
    url: url.toString().replace(/\/+$/, ''),
    scheme,
    authority: `${url.hostname}:${port}`,
    username,
    password,
  };
}

/** Removes `user:pass@` from anything that looks like a URL, for messages about a bad endpoint. */
export function redactUserInfo(text: string): string {
  return text.replace(/\/\/[^/@\s]*@/g, '//');
}
