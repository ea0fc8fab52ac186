/**
 * The Cloud Trace v1 read API through Google's own client (`@googleapis/cloudtrace`), which finds
 * credentials by Application Default Credentials (google-auth-library: GOOGLE_APPLICATION_CREDENTIALS,
 * `gcloud auth application-default login`, the metadata server) and signs every request. Retries
 * follow otel-mcp's HTTP policy (src/backends/http/retry-policy.ts: 429/502/503/504 and refused
 * connections, honouring Retry-After) instead of the library's, so every backend behaves alike.
 */
import type { cloudtrace_v1 } from '@googleapis/cloudtrace';
import { unreadableAnswer } from '../backend-answer.js';
import {
  backoffDelayMs,
  isRetryableStatus,
  parseRetryAfterMs,
  type RetryPolicy,
} from '../http/retry-policy.js';
import {
  cloudTraceError,
  isNetworkError,
  statusOfError,
  type CloudTraceTarget,
} from './cloudtrace-errors.js';
import { invalidTrace, type TraceV1 } from './trace-v1.js';

export const DEFAULT_ROOT_URL = 'https://cloudtrace.googleapis.com';
/** Reading traces needs no more than this scope (roles/cloudtrace.user grants the permissions). */
const READ_SCOPE = 'https://www.googleapis.com/auth/trace.readonly';

export type CloudTraceAuth = NonNullable<cloudtrace_v1.Options['auth']>;

export interface CloudTraceClientOptions {
  backendName: string;
  projectId: string;
  /** Root URL override (a private endpoint, a local stand-in); default https://cloudtrace.googleapis.com. */
  endpoint?: string;
  timeoutMs: number;
  retry: RetryPolicy;
}

export interface CloudTraceClientDeps {
  /** Application Default Credentials when absent; tests pass a client with a fixed token. */
  auth?: CloudTraceAuth;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  now?: () => number;
}

export interface ListRequest {
  view: 'MINIMAL' | 'ROOTSPAN' | 'COMPLETE';
  startTime: string;
  endTime: string;
  filter?: string;
  orderBy?: string;
  pageSize: number;
  pageToken?: string;
}

export interface CloudTraceClient {
  readonly endpoint: string;
  /** One trace, or undefined when Cloud Trace has none with this id. */
  getTrace(traceId: string): Promise<TraceV1 | undefined>;
  /** One page of `projects.traces.list`. */
  listPage(request: ListRequest): Promise<{ traces: TraceV1[]; nextPageToken?: string }>;
}

export function createCloudTraceClient(
  options: CloudTraceClientOptions,
  deps: CloudTraceClientDeps = {},
): CloudTraceClient {
  const endpoint = (options.endpoint ?? DEFAULT_ROOT_URL).replace(/\/+$/, '');
  const target: CloudTraceTarget = {
    backendName: options.backendName,
    projectId: options.projectId,
    endpoint,
    timeoutMs: options.timeoutMs,
  };
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = deps.random ?? Math.random;
  const now = deps.now ?? Date.now;
  // Google's client and its auth library are loaded on the first request, not at start-up: most
  // configurations have no Cloud Trace backend, and loading them took 65–85 ms of every start-up.
  let api: Promise<cloudtrace_v1.Cloudtrace> | undefined;
  const client = () =>
    (api ??= import('@googleapis/cloudtrace').then(
      (google) =>
        new google.cloudtrace_v1.Cloudtrace({
          auth: deps.auth ?? new google.auth.GoogleAuth({ scopes: [READ_SCOPE] }),
        }),
    ));
  // The library's own retries are off: the loop below retries with the project's policy.
  const methodOptions = { rootUrl: `${endpoint}/`, timeout: options.timeoutMs, retry: false };

  async function call<T>(action: string, send: () => Promise<{ data: T }>, passNotFound = false) {
    for (let tried = 1; ; tried++) {
      try {
        return (await send()).data;
      } catch (error) {
        const status = statusOfError(error);
        if (passNotFound && status === 404) return undefined;
        const transient = status === undefined ? isNetworkError(error) : isRetryableStatus(status);
        if (!transient || tried >= options.retry.attempts)
          throw cloudTraceError(target, action, error, tried);
        const retryAfter = parseRetryAfterMs(retryAfterOf(error), now());
        // A Retry-After beyond what an agent should sit through fails now, saying how long.
        if (retryAfter !== undefined && retryAfter > options.retry.maxRetryAfterMs)
          throw cloudTraceError(
            target,
            `${action} (asked to retry after ${Math.round(retryAfter / 1000)} s)`,
            error,
            tried,
          );
        await sleep(retryAfter ?? backoffDelayMs(tried - 1, options.retry, random));
      }
    }
  }

  const checked = (value: unknown, what: string): TraceV1 => {
    const problem = invalidTrace(value);
    if (problem) throw unreadableAnswer(options.backendName, endpoint, what, new Error(problem));
    const trace = value as TraceV1;
    return { ...trace, spans: trace.spans ?? [] };
  };

  return {
    endpoint,
    async getTrace(traceId) {
      const data = await call(
        'projects.traces.get',
        async () =>
          (await client()).projects.traces.get({ projectId: options.projectId, traceId }, methodOptions),
        true,
      );
      return data === undefined ? undefined : checked(data, 'projects.traces.get');
    },
    async listPage(request) {
      const data: unknown = await call('projects.traces.list', async () =>
        (await client()).projects.traces.list({ projectId: options.projectId, ...request }, methodOptions),
      );
      if (typeof data !== 'object' || data === null || Array.isArray(data)) {
        throw unreadableAnswer(
          options.backendName,
          endpoint,
          'projects.traces.list',
          new Error('expected a JSON object'),
        );
      }
      const page = data as { traces?: unknown; nextPageToken?: unknown };
      if (page.traces !== undefined && !Array.isArray(page.traces)) {
        throw unreadableAnswer(
          options.backendName,
          endpoint,
          'projects.traces.list',
          new Error('expected traces to be a list'),
        );
      }
      const traces = ((page.traces ?? []) as unknown[]).map((trace) =>
        checked(trace, 'projects.traces.list'),
      );
      const token =
        typeof page.nextPageToken === 'string' && page.nextPageToken !== '' ? page.nextPageToken : undefined;
      return token === undefined ? { traces } : { traces, nextPageToken: token };
    },
  };
}

function retryAfterOf(error: unknown): string | undefined {
  const headers = (error as { response?: { headers?: unknown } } | null)?.response?.headers;
  if (typeof headers !== 'object' || headers === null) return undefined;
  // A Fetch Headers, though not always this realm's (gaxios' fetch may bring its own class).
  const get = (headers as { get?: unknown }).get;
  if (typeof get === 'function') return (get.call(headers, 'retry-after') as string | null) ?? undefined;
  const value = (headers as Record<string, unknown>)['retry-after'];
  return typeof value === 'string' ? value : undefined;
}
