/**
 * Failures of the Cloud Trace API as OtelMcpErrors that name what to fix. Google's answers carry
 * `{error: {code, message, status}}`; throttling and the gateway family (429/502/503/504) have
 * already been retried with backoff by the time one of these is built.
 */
import { OtelMcpError, errorMessage } from '../../model/errors.js';

export interface CloudTraceTarget {
  backendName: string;
  projectId: string;
  /** The root URL requests go to (the override, or https://cloudtrace.googleapis.com). */
  endpoint: string;
  timeoutMs: number;
}

/** What the client library throws: gaxios' GaxiosError, or google-auth-library's plain Error. */
interface ClientError {
  status?: number;
  code?: string | number;
  message?: string;
  response?: { status?: number; data?: unknown };
  cause?: { code?: string; message?: string; name?: string };
  error?: { name?: string };
}

/** Enough of an error body to explain it; whole HTML pages help no one. */
const MAX_DETAIL = 300;

export function statusOfError(error: unknown): number | undefined {
  const e = (typeof error === 'object' && error !== null ? error : {}) as ClientError;
  return e.response?.status ?? e.status;
}

export function isNetworkError(error: unknown): boolean {
  const e = (typeof error === 'object' && error !== null ? error : {}) as ClientError;
  const code = e.cause?.code ?? e.code;
  return code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'UND_ERR_SOCKET';
}

export function cloudTraceError(
  target: CloudTraceTarget,
  action: string,
  error: unknown,
  attempts: number,
): OtelMcpError {
  if (error instanceof OtelMcpError) return error;
  const where = `${target.backendName} (Cloud Trace project ${target.projectId} at ${target.endpoint})`;
  const fail = (code: OtelMcpError['code'], message: string, hint: string) =>
    new OtelMcpError(code, `${where}: ${action} failed: ${message}`, hint, { cause: error });
  const status = statusOfError(error);
  const detail = googleMessage(error);
  const after = attempts > 1 ? ` (after ${attempts} attempts)` : '';

  if (status === undefined && /default credentials|could not load the default/i.test(errorMessage(error))) {
    return fail(
      'UNAUTHENTICATED',
      'no Google credentials were found (Application Default Credentials)',
      'run `gcloud auth application-default login`, or set GOOGLE_APPLICATION_CREDENTIALS to a service-account key file; on Google Cloud the attached service account is used',
    );
  }
  if (status === 401) {
    return fail(
      'UNAUTHENTICATED',
      `Google refused the credentials (401: ${detail})`,
      'the Application Default Credentials are missing, expired or revoked: run `gcloud auth application-default login` again, or check the key file GOOGLE_APPLICATION_CREDENTIALS names',
    );
  }
  if (status === 403) {
    const disabled = /has not been used|is disabled|SERVICE_DISABLED/i.test(detail);
    return fail(
      'UNAUTHENTICATED',
      `permission denied (403: ${detail})`,
      disabled
        ? `enable the Cloud Trace API (cloudtrace.googleapis.com) in project ${target.projectId}`
        : `grant the credentials' identity the role roles/cloudtrace.user on project ${target.projectId} (it holds cloudtrace.traces.list and cloudtrace.traces.get), and check that project_id is the project holding the traces`,
    );
  }
  if (status === 404) {
    return fail(
      'NOT_FOUND',
      `project ${target.projectId} was not found (404: ${detail})`,
      'check project_id in the backend entry: it is the project ID (`gcloud projects list` shows them), not the display name',
    );
  }
  if (status === 429) {
    return fail(
      'RESOURCE_EXHAUSTED',
      `Cloud Trace is throttling requests (429: ${detail})${after}`,
      'search a shorter window or add filters, wait a little, or raise `retries` in the backend entry; the read quota is per project',
    );
  }
  if (status === 400) {
    return fail(
      'INVALID_ARGUMENT',
      `Cloud Trace rejected the request (400: ${detail})`,
      'simplify the search filters',
    );
  }
  if (status !== undefined && status >= 500) {
    return fail(
      'BACKEND_UNAVAILABLE',
      `Cloud Trace answered ${status} (${detail})${after}`,
      'try again later; if it persists, check the endpoint override',
    );
  }
  if (status !== undefined) {
    return fail(
      'BACKEND_UNAVAILABLE',
      `Cloud Trace answered ${status} (${detail})`,
      'check the endpoint override',
    );
  }
  if (isTimeout(error)) {
    return fail(
      'BACKEND_UNAVAILABLE',
      `no answer within ${target.timeoutMs} ms`,
      'Cloud Trace may be slow for a wide window: narrow it, or raise timeout_ms in the backend entry',
    );
  }
  return fail(
    'BACKEND_UNAVAILABLE',
    `Cloud Trace could not be reached: ${networkDetail(error)}${after}`,
    `check the network and any endpoint override (${target.endpoint})`,
  );
}

/** Google's own message (`error.message` of its JSON body), else the body or the error, shortened. */
function googleMessage(error: unknown): string {
  const e = (typeof error === 'object' && error !== null ? error : {}) as ClientError;
  const data = e.response?.data;
  let text: string;
  if (typeof data === 'object' && data !== null) {
    const inner = (data as { error?: { message?: unknown; status?: unknown } }).error;
    text =
      typeof inner?.message === 'string'
        ? `${typeof inner.status === 'string' ? `${inner.status}: ` : ''}${inner.message}`
        : JSON.stringify(data);
  } else if (typeof data === 'string' && data !== '') text = data;
  else text = errorMessage(error);
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_DETAIL ? `${flat.slice(0, MAX_DETAIL)}…` : flat;
}

/** The request's timeout fired (gaxios aborts the fetch). */
function isTimeout(error: unknown): boolean {
  const e = (typeof error === 'object' && error !== null ? error : {}) as ClientError;
  return e.cause?.name === 'AbortError' || e.error?.name === 'AbortError' || e.cause?.name === 'TimeoutError';
}

function networkDetail(error: unknown): string {
  const e = (typeof error === 'object' && error !== null ? error : {}) as ClientError;
  const code = e.cause?.code ?? e.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND') return 'host not found';
  if (code === 'ECONNRESET') return 'connection reset';
  return e.cause?.message ?? errorMessage(error);
}
