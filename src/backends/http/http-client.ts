/**
 * GET requests to a backend's HTTP API with a timeout, bounded retries on transient failures
 * (429/502/503/504 and refused connections, honouring Retry-After), and errors that name the
 * backend, the endpoint and what failed, never a header value.
 */
import { Buffer } from 'node:buffer';
import { OtelMcpError } from '../../model/errors.js';
import type { BackendConnection } from './connection.js';
import { backoffDelayMs, isRetryableStatus, parseRetryAfterMs } from './retry-policy.js';

export interface HttpDeps {
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  body: Uint8Array;
  text(): string;
  json(): unknown;
}

export interface GetOptions {
  query?: Record<string, string | number | undefined>;
  accept?: string;
  /** Statuses returned to the caller instead of thrown (404 for "not found"). */
  passStatuses?: readonly number[];
}

export interface HttpClient {
  /** The endpoint as it may be shown (no credentials). */
  readonly endpoint: string;
  get(path: string, options?: GetOptions): Promise<HttpResponse>;
}

/** Enough of an error body to explain it; whole HTML pages help no one. */
const MAX_BODY_IN_MESSAGE = 300;

export function createHttpClient(connection: BackendConnection, deps: HttpDeps = {}): HttpClient {
  const doFetch = deps.fetch ?? fetch;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = deps.random ?? Math.random;
  const now = deps.now ?? Date.now;
  const { backendName, endpoint, retry } = connection;
  const where = `${backendName} at ${endpoint.url}`;

  async function attempt(url: string, accept: string): Promise<Response> {
    try {
      return await doFetch(url, {
        method: 'GET',
        headers: { accept, ...connection.headers },
        signal: AbortSignal.timeout(connection.timeoutMs),
      });
    } catch (error) {
      throw new NetworkFailure(describeNetworkError(error, connection.timeoutMs), isTimeout(error));
    }
  }

  return {
    endpoint: endpoint.url,
    async get(path, options = {}) {
      const url = buildUrl(endpoint.url, path, options.query);
      const accept = options.accept ?? 'application/json';
      for (let tried = 1; ; tried++) {
        let response: Response;
        try {
          response = await attempt(url, accept);
        } catch (error) {
          if (!(error instanceof NetworkFailure)) throw error;
          // A timeout already cost the full budget: retrying would multiply the wait.
          if (error.timeout || tried >= retry.attempts) {
            throw new OtelMcpError(
              'BACKEND_UNAVAILABLE',
              `${where}: GET ${path} failed: ${error.message}${tried > 1 ? ` (after ${tried} attempts)` : ''}`,
              `check that ${backendName} is running and reachable at ${endpoint.url}`,
            );
          }
          await sleep(backoffDelayMs(tried - 1, retry, random));
          continue;
        }
        const status = response.status;
        if (status >= 200 && status < 300) return readResponse(response);
        if (options.passStatuses?.includes(status)) return readResponse(response);
        if (isRetryableStatus(status) && tried < retry.attempts) {
          const retryAfter = parseRetryAfterMs(response.headers.get('retry-after'), now());
          await response.arrayBuffer().catch(() => undefined);
          if (retryAfter !== undefined && retryAfter > retry.maxRetryAfterMs) {
            throw new OtelMcpError(
              'BACKEND_UNAVAILABLE',
              `${where}: GET ${path} answered ${status} and asked to retry after ${Math.round(retryAfter / 1000)} s`,
              'try again later',
            );
          }
          await sleep(retryAfter ?? backoffDelayMs(tried - 1, retry, random));
          continue;
        }
        const body = (await readResponse(response)).text();
        throw statusError(where, backendName, path, status, body, tried);
      }
    },
  };
}

class NetworkFailure extends Error {
  constructor(
    message: string,
    readonly timeout: boolean,
  ) {
    super(message);
  }
}

export function buildUrl(base: string, path: string, query?: GetOptions['query']): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined) search.append(key, String(value));
  }
  const text = search.toString();
  return `${base}${path}${text ? `?${text}` : ''}`;
}

async function readResponse(response: Response): Promise<HttpResponse> {
  const body = new Uint8Array(await response.arrayBuffer());
  let decoded: string | undefined;
  const text = () =>
    (decoded ??= Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
  return {
    status: response.status,
    headers: response.headers,
    body,
    text,
    json: () => JSON.parse(text()) as unknown,
  };
}

function statusError(
  where: string,
  backendName: string,
  path: string,
  status: number,
  body: string,
  tried: number,
): OtelMcpError {
  const detail = summarizeBody(body);
  const attempts = tried > 1 ? ` (after ${tried} attempts)` : '';
  if (status === 401 || status === 403) {
    return new OtelMcpError(
      'UNAUTHENTICATED',
      `${where}: GET ${path} was refused with ${status}${detail ? `: ${detail}` : ''}`,
      `set auth (bearer_token, or username and password) or headers for backend '${backendName}' in the config file`,
    );
  }
  if (status === 400 || status === 422) {
    return new OtelMcpError(
      'INVALID_ARGUMENT',
      `${where} rejected GET ${path} (${status})${detail ? `: ${detail}` : ''}`,
    );
  }
  return new OtelMcpError(
    'BACKEND_UNAVAILABLE',
    `${where}: GET ${path} answered ${status}${detail ? `: ${detail}` : ''}${attempts}`,
    `check the ${backendName} server's logs`,
  );
}

function summarizeBody(body: string): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_BODY_IN_MESSAGE ? `${flat.slice(0, MAX_BODY_IN_MESSAGE)}…` : flat;
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

function describeNetworkError(error: unknown, timeoutMs: number): string {
  if (isTimeout(error)) return `no answer within ${timeoutMs} ms`;
  const cause =
    error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  const code = cause?.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND') return 'host not found';
  if (code === 'ECONNRESET') return 'connection reset';
  return cause?.message ?? (error instanceof Error ? error.message : String(error));
}
