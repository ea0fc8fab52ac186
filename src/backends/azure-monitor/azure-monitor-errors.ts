/**
 * Log Analytics query failures as OtelMcpErrors that name what to fix. The Azure pipeline has
 * already retried throttling (429 and 503 after their Retry-After) and other transient failures
 * (`retries` times, with backoff) by the time one of these reaches here.
 */
import { OtelMcpError, errorMessage } from '../../model/errors.js';
import { unreadableAnswer } from '../backend-answer.js';

/** What queries go to: a Log Analytics workspace by its GUID, or one Application Insights resource. */
export type QueryScope =
  { kind: 'workspace'; workspaceId: string } | { kind: 'resource'; resourceId: string };

export interface AzureMonitorTarget {
  backendName: string;
  scope: QueryScope;
  /** The query API's base URL. */
  endpoint: string;
}

function scopeName(scope: QueryScope): string {
  return scope.kind === 'workspace'
    ? `Log Analytics workspace ${scope.workspaceId}`
    : `Application Insights resource ${scope.resourceId}`;
}

interface RestErrorLike {
  name?: string;
  code?: string;
  statusCode?: number;
  message?: string;
  details?: { error?: { code?: string; message?: string } };
}

/** What DefaultAzureCredential tries, in its order, and how to satisfy each. */
export const CREDENTIAL_SOURCES =
  'DefaultAzureCredential tries, in order: the environment (AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH), workload identity, managed identity, the Azure CLI (`az login`), Azure PowerShell (`Connect-AzAccount`) and the Azure Developer CLI (`azd auth login`)';

const CREDENTIAL_ERRORS = new Set([
  'CredentialUnavailableError',
  'AggregateAuthenticationError',
  'AuthenticationRequiredError',
  'AuthenticationError',
]);

export function azureMonitorError(target: AzureMonitorTarget, error: unknown): OtelMcpError {
  if (error instanceof OtelMcpError) return error;
  const rest = (typeof error === 'object' && error !== null ? error : {}) as RestErrorLike;
  const name = rest.name ?? '';
  const status = rest.statusCode;
  const code = rest.details?.error?.code ?? rest.code ?? '';
  const where = `${target.backendName} (${scopeName(target.scope)} at ${target.endpoint})`;
  const { scope } = target;
  const detail = rest.details?.error?.message ?? errorMessage(error);
  const fail = (errorCode: OtelMcpError['code'], message: string, hint: string) =>
    new OtelMcpError(errorCode, `${where}: ${message}`, hint, { cause: error });

  if (CREDENTIAL_ERRORS.has(name)) {
    return fail(
      'UNAUTHENTICATED',
      `no Azure credential could get a token (${name}: ${firstLine(detail)})`,
      `log in with \`az login\` or set the AZURE_* variables of a service principal; ${CREDENTIAL_SOURCES}`,
    );
  }
  if (status === 401) {
    return fail(
      'UNAUTHENTICATED',
      `Azure refused the token (401 ${code}: ${detail})`,
      `log in again (\`az login\`), and check that AZURE_TENANT_ID, if set, is the tenant of the ${scope.kind === 'workspace' ? 'workspace' : 'Application Insights resource'}`,
    );
  }
  if (status === 403) {
    return scope.kind === 'workspace'
      ? fail(
          'UNAUTHENTICATED',
          `the signed-in identity may not read this workspace (403 ${code}: ${detail})`,
          `give the identity the Log Analytics Reader role (or Reader) on workspace ${scope.workspaceId}, or on its resource group`,
        )
      : fail(
          'UNAUTHENTICATED',
          `the signed-in identity may not read this Application Insights resource (403 ${code}: ${detail})`,
          `give the identity the Reader role (or Monitoring Reader) on ${scope.resourceId}, or on its resource group or subscription`,
        );
  }
  if (status === 404) {
    return scope.kind === 'workspace'
      ? fail(
          'BACKEND_UNAVAILABLE',
          `no workspace ${scope.workspaceId} was found (404 ${code}: ${detail})`,
          "workspace_id is the workspace's Workspace ID (a GUID on its Overview page in the portal), not its name or resource id",
        )
      : fail(
          'BACKEND_UNAVAILABLE',
          `no Application Insights resource ${scope.resourceId} was found (404 ${code}: ${detail})`,
          "resource_id is the component's full resource id, /subscriptions/<subscription>/resourceGroups/<group>/providers/Microsoft.Insights/components/<name>: check each part against the resource's JSON View in the portal, or `az monitor app-insights component show --app <name> -g <group> --query id`",
        );
  }
  if (status === 429) {
    return fail(
      'RESOURCE_EXHAUSTED',
      `Log Analytics is throttling queries (429 ${code}) and still was after the retries`,
      'search a shorter window or fewer traces, wait a minute, or raise `retries` in the backend entry',
    );
  }
  if (status === 400) {
    return fail(
      'INVALID_ARGUMENT',
      `Log Analytics refused the query (400 ${code}: ${detail})`,
      /resolve|table|column/i.test(detail)
        ? scope.kind === 'workspace'
          ? 'the tables were not found: a workspace serves AppRequests and the other workspace tables (schema: workspace); for the classic requests/dependencies tables query the Application Insights resource by resource_id'
          : 'the tables were not found: set schema: classic (requests, dependencies, ...) or schema: workspace (AppRequests, ...)'
        : 'simplify the search filters',
    );
  }
  if (status !== undefined && status >= 500) {
    return fail(
      'BACKEND_UNAVAILABLE',
      `Log Analytics answered ${status} (${code || detail})`,
      'try again later; if it persists, check the endpoint override',
    );
  }
  if (name === 'AbortError' || /timed? ?out|timeout/i.test(detail)) {
    return fail(
      'TIMEOUT',
      `the query took too long (${detail})`,
      'search a shorter window, or raise timeout_ms',
    );
  }
  if (status === 200 || name === 'SyntaxError' || name === 'TypeError' || code === 'PARSE_ERROR') {
    return unreadableAnswer(target.backendName, target.endpoint, 'a Log Analytics query', error);
  }
  return fail(
    'BACKEND_UNAVAILABLE',
    `the Log Analytics query API could not be reached: ${detail}`,
    `check the network and any endpoint override; without one the adapter calls https://api.loganalytics.io/v1`,
  );
}

/** A partial answer (the query API's PartialError): refused, since part of a trace is a wrong trace. */
export function partialAnswerError(
  target: AzureMonitorTarget,
  partial: { code?: string; message?: string; details?: unknown },
): OtelMcpError {
  const text = JSON.stringify(partial.details ?? '');
  const limit = /exceeded|limit|too large|E_QUERY_RESULT_SET_TOO_LARGE/i.test(`${partial.message} ${text}`);
  const where = `${target.backendName} (${scopeName(target.scope)} at ${target.endpoint})`;
  const detail = firstInnerMessage(partial.details) ?? partial.message ?? 'no message';
  return new OtelMcpError(
    limit ? 'RESOURCE_EXHAUSTED' : 'BACKEND_UNAVAILABLE',
    `${where}: Log Analytics answered only part of the query (${partial.code ?? 'PartialError'}: ${detail})`,
    limit
      ? 'the answer hit a Log Analytics query limit: narrow the window or add filters'
      : 'try again; a partial answer is not used, since part of a trace would read as a different trace',
  );
}

function firstInnerMessage(details: unknown): string | undefined {
  if (!Array.isArray(details)) return undefined;
  for (const detail of details as { message?: unknown; innererror?: { message?: unknown } }[]) {
    const inner = detail?.innererror?.message ?? detail?.message;
    if (typeof inner === 'string') return inner;
  }
  return undefined;
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? text;
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
