/**
 * KQL queries through Azure's Log Analytics query client (@azure/monitor-query-logs), to a
 * workspace (`POST /v1/workspaces/{id}/query`) or in one resource's scope (`POST /v1/{resource id}/query`).
 * The client authenticates with a TokenCredential (DefaultAzureCredential unless one is given) and retries
 * throttling (honouring Retry-After) and transient failures. Every answer leaves as rows by column
 * name or as an OtelMcpError (azure-monitor-errors.ts); a partial answer is refused.
 */
import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';
import { LogsQueryClient, LogsQueryResultStatus, type LogsTable } from '@azure/monitor-query-logs';
import { unreadableAnswer } from '../backend-answer.js';
import {
  azureMonitorError,
  partialAnswerError,
  type AzureMonitorTarget,
  type QueryScope,
} from './azure-monitor-errors.js';
import type { TelemetryRow } from './telemetry-mapping.js';

export const DEFAULT_QUERY_ENDPOINT = 'https://api.loganalytics.io/v1';

export interface LogsClientOptions {
  backendName: string;
  scope: QueryScope;
  /** The query API's base URL (with its /v1); the public cloud's when absent. */
  endpoint?: string;
  timeoutMs: number;
  retries: number;
  /** DefaultAzureCredential when absent; tests pass a fixed one. */
  credential?: TokenCredential;
}

export interface QueryWindow {
  start: Date;
  end: Date;
}

export interface LogsClient {
  readonly endpoint: string;
  /** The rows of the answer's first table. */
  query(kql: string, window: QueryWindow): Promise<TelemetryRow[]>;
}

export function createLogsClient(options: LogsClientOptions): LogsClient {
  const endpoint = (options.endpoint ?? DEFAULT_QUERY_ENDPOINT).replace(/\/+$/, '');
  const target: AzureMonitorTarget = {
    backendName: options.backendName,
    scope: options.scope,
    endpoint,
  };
  // Built on first use: DefaultAzureCredential reads the environment when it is made.
  let credential = options.credential;
  const token = () => (credential ??= new DefaultAzureCredential());
  const url = new URL(endpoint);
  // The token is for the cloud the endpoint belongs to (api.loganalytics.azure.cn for China, ...).
  const scope = `${url.origin}/.default`;
  const loopback = url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  const client = new LogsQueryClient(
    {
      getToken: (scopes, getTokenOptions) => token().getToken(scopes, getTokenOptions),
    },
    {
      endpoint,
      audience: scope,
      credentials: { scopes: [scope] },
      retryOptions: { maxRetries: options.retries },
      ...(loopback ? { allowInsecureConnection: true } : {}),
    },
  );
  if (loopback) {
    // Azure's pipeline sends a bearer token over https only; a local stand-in on loopback http
    // gets the same token from the same credential here (createBackend refuses http elsewhere).
    client.pipeline.removePolicy({ name: 'bearerTokenAuthenticationPolicy' });
    client.pipeline.addPolicy({
      name: 'otelMcpLoopbackToken',
      async sendRequest(request, next) {
        const access = await token().getToken([scope]);
        if (access) request.headers.set('authorization', `Bearer ${access.token}`);
        return next(request);
      },
    });
  }

  const queryScope = options.scope;
  // The client puts the id after the base URL as it is (`/{+resourceId}/query`): with the portal's
  // leading '/' that is `/v1//subscriptions/...`, not the documented `/v1/subscriptions/.../query`.
  const resourcePath = queryScope.kind === 'resource' ? queryScope.resourceId.replace(/^\/+/, '') : '';

  return {
    endpoint,
    async query(kql, window) {
      let result;
      try {
        const timespan = { startTime: window.start, endTime: window.end };
        const queryOptions = {
          serverTimeoutInSeconds: Math.max(1, Math.ceil(options.timeoutMs / 1000)),
          requestOptions: { timeout: options.timeoutMs },
        };
        result =
          queryScope.kind === 'workspace'
            ? await client.queryWorkspace(queryScope.workspaceId, kql, timespan, queryOptions)
            : await client.queryResource(resourcePath, kql, timespan, queryOptions);
      } catch (error) {
        throw azureMonitorError(target, error);
      }
      if (result.status === LogsQueryResultStatus.PartialFailure) {
        throw partialAnswerError(
          target,
          result.partialError as { code?: string; message?: string; details?: unknown },
        );
      }
      const table = result.tables[0];
      if (!table) return [];
      return rowsOf(table, target);
    },
  };
}

function rowsOf(table: LogsTable, target: AzureMonitorTarget): TelemetryRow[] {
  const columns = table.columnDescriptors;
  if (!Array.isArray(columns) || !Array.isArray(table.rows)) {
    throw unreadableAnswer(
      target.backendName,
      target.endpoint,
      'a Log Analytics query',
      new Error('expected tables with columns and rows'),
    );
  }
  const names = columns.map((column) => column.name ?? '');
  return table.rows.map((cells) => {
    if (!Array.isArray(cells) || cells.length !== names.length) {
      throw unreadableAnswer(
        target.backendName,
        target.endpoint,
        'a Log Analytics query',
        new Error(
          `a row has ${Array.isArray(cells) ? cells.length : 'no'} cells for ${names.length} columns`,
        ),
      );
    }
    const row: TelemetryRow = {};
    names.forEach((name, i) => (row[name] = cells[i]));
    return row;
  });
}
