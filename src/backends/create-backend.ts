/**
 * Builds a backend adapter from one `backends:` entry (backend-config.ts). The entry name picks the
 * adapter when it is jaeger, zipkin, tempo, xray, cloud-trace or azure-monitor; any other name needs
 * `type`.
 */
import { OtelMcpError } from '../model/errors.js';
import {
  backendEntrySchema,
  BACKEND_TYPES,
  DEFAULT_TIMEOUT_MS,
  type BackendEntryConfig,
  type BackendType,
} from '../config/backend-entry.js';
import { createAzureMonitorBackend, type AzureMonitorDeps } from './azure-monitor/azure-monitor-backend.js';
import type { QueryScope } from './azure-monitor/azure-monitor-errors.js';
import { authorizationHeader, type BackendConnection } from './http/connection.js';
import { parseEndpoint } from './http/endpoint.js';
import type { HttpDeps } from './http/http-client.js';
import { DEFAULT_RETRY_POLICY } from './http/retry-policy.js';
import { createJaegerBackend, JAEGER_TENANT_HEADER } from './jaeger/jaeger-backend.js';
import { createCloudTraceBackend, type CloudTraceDeps } from './cloudtrace/cloudtrace-backend.js';
import { createTempoBackend, TEMPO_TENANT_HEADER } from './tempo/tempo-backend.js';
import type { TraceBackend } from './trace-backend.js';
import { createXrayBackend, type XrayDeps } from './xray/xray-backend.js';
import { createZipkinBackend } from './zipkin/zipkin-backend.js';

export interface BackendDeps extends HttpDeps {
  /** Milliseconds since the epoch; default windows of searches end here. */
  now?: () => number;
  /** For X-Ray only (xray-backend.ts). */
  xray?: Omit<XrayDeps, 'now'>;
  /** For Cloud Trace only (cloudtrace-backend.ts): credentials other than Application Default Credentials. */
  cloudTrace?: Pick<CloudTraceDeps, 'auth'>;
  /** For Azure Monitor only (azure-monitor-backend.ts). */
  azureMonitor?: Omit<AzureMonitorDeps, 'now'>;
}

export function createBackend(name: string, entry: unknown, deps: BackendDeps = {}): TraceBackend {
  const config = parseEntry(name, entry);
  const type = backendType(name, config);
  if (type === 'xray') return xrayBackend(name, config, deps);
  if (type === 'cloud-trace') return cloudTraceBackend(name, config, deps);
  if (type === 'azure-monitor') return azureMonitorBackend(name, config, deps);
  const connection = connectionFor(name, type, config);
  switch (type) {
    case 'jaeger':
      return createJaegerBackend(name, connection, deps);
    case 'zipkin':
      return createZipkinBackend(name, connection, deps);
    case 'tempo':
      return createTempoBackend(name, connection, deps);
  }
}

function xrayBackend(name: string, config: BackendEntryConfig, deps: BackendDeps): TraceBackend {
  const notForXray = (
    ['auth', 'headers', 'tenant', 'tenant_header', 'workspace_id', 'resource_id', 'schema'] as const
  ).filter((key) => config[key] !== undefined);
  if (notForXray.length > 0) {
    throw new OtelMcpError(
      'INVALID_ARGUMENT',
      `backends.${name}: xray does not take ${notForXray.join(', ')}`,
      'X-Ray requests are signed with AWS credentials from the SDK chain: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY instead',
    );
  }
  if (config.region === undefined) {
    throw new OtelMcpError(
      'INVALID_ARGUMENT',
      `backends.${name}: xray needs region`,
      'add region: <the AWS region of the traces>, like us-east-1',
    );
  }
  const endpoint = config.endpoint === undefined ? undefined : parseEndpoint(config.endpoint, name);
  if (endpoint && endpoint.scheme !== 'http' && endpoint.scheme !== 'https') {
    throw new OtelMcpError(
      'INVALID_ARGUMENT',
      `backends.${name}: xray's endpoint must be http:// or https://, got ${endpoint.scheme}://`,
      'leave endpoint out to use https://xray.<region>.amazonaws.com',
    );
  }
  return createXrayBackend(
    name,
    {
      region: config.region,
      ...(endpoint ? { endpoint: endpoint.url } : {}),
      timeoutMs: config.timeout_ms ?? DEFAULT_TIMEOUT_MS,
      retries: config.retries ?? DEFAULT_RETRY_POLICY.attempts - 1,
    },
    { ...deps.xray, ...(deps.now ? { now: deps.now } : {}) },
  );
}

function cloudTraceBackend(name: string, config: BackendEntryConfig, deps: BackendDeps): TraceBackend {
  const notForCloudTrace = (
    ['auth', 'headers', 'tenant', 'tenant_header', 'region', 'workspace_id', 'resource_id', 'schema'] as const
  ).filter((key) => config[key] !== undefined);
  if (notForCloudTrace.length > 0) {
    throw new OtelMcpError(
      'INVALID_ARGUMENT',
      `backends.${name}: cloud-trace does not take ${notForCloudTrace.join(', ')}`,
      'Cloud Trace requests are signed with Application Default Credentials: run `gcloud auth application-default login` or set GOOGLE_APPLICATION_CREDENTIALS instead',
    );
  }
  if (config.project_id === undefined) {
    throw new OtelMcpError(
      'INVALID_ARGUMENT',
      `backends.${name}: cloud-trace needs project_id`,
      'add project_id: <the ID of the Google Cloud project holding the traces>',
    );
  }
  const endpoint = config.endpoint === undefined ? undefined : parseEndpoint(config.endpoint, name);
  if (endpoint && endpoint.scheme !== 'http' && endpoint.scheme !== 'https') {
    throw new OtelMcpError(
      'INVALID_ARGUMENT',
      `backends.${name}: cloud-trace's endpoint must be http:// or https://, got ${endpoint.scheme}://`,
      'leave endpoint out to use https://cloudtrace.googleapis.com',
    );
  }
  return createCloudTraceBackend(
    name,
    {
      projectId: config.project_id,
      ...(endpoint ? { endpoint: endpoint.url } : {}),
      timeoutMs: config.timeout_ms ?? DEFAULT_TIMEOUT_MS,
      retry: { ...DEFAULT_RETRY_POLICY, attempts: (config.retries ?? DEFAULT_RETRY_POLICY.attempts - 1) + 1 },
    },
    {
      ...deps.cloudTrace,
      ...(deps.now ? { now: deps.now } : {}),
      ...(deps.sleep ? { sleep: deps.sleep } : {}),
      ...(deps.random ? { random: deps.random } : {}),
    },
  );
}

function azureMonitorBackend(name: string, config: BackendEntryConfig, deps: BackendDeps): TraceBackend {
  const notForAzure = (['auth', 'headers', 'tenant', 'tenant_header', 'region'] as const).filter(
    (key) => config[key] !== undefined,
  );
  if (notForAzure.length > 0) {
    throw new OtelMcpError(
      'INVALID_ARGUMENT',
      `backends.${name}: azure-monitor does not take ${notForAzure.join(', ')}`,
      'Azure Monitor queries carry a token from DefaultAzureCredential: run `az login`, or set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET',
    );
  }
  const scope = azureQueryScope(name, config);
  const endpoint = config.endpoint === undefined ? undefined : parseEndpoint(config.endpoint, name);
  // A bearer token goes over TLS only; plain http is for a stand-in on this machine.
  const loopback =
    endpoint !== undefined && ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(endpoint.url).hostname);
  if (endpoint && endpoint.scheme !== 'https' && !(endpoint.scheme === 'http' && loopback)) {
    throw new OtelMcpError(
      'INVALID_ARGUMENT',
      `backends.${name}: azure-monitor's endpoint must be https:// (http:// only on loopback), got ${endpoint.url}`,
      'leave endpoint out to use https://api.loganalytics.io/v1',
    );
  }
  return createAzureMonitorBackend(
    name,
    {
      scope,
      ...(endpoint ? { endpoint: endpoint.url } : {}),
      // An Application Insights resource's own scope is where Azure serves the classic table names.
      schema: config.schema ?? (scope.kind === 'resource' ? 'classic' : 'workspace'),
      timeoutMs: config.timeout_ms ?? DEFAULT_TIMEOUT_MS,
      retries: config.retries ?? DEFAULT_RETRY_POLICY.attempts - 1,
    },
    { ...deps.azureMonitor, ...(deps.now ? { now: deps.now } : {}) },
  );
}

/** Exactly one of workspace_id and resource_id says where queries go. */
function azureQueryScope(name: string, config: BackendEntryConfig): QueryScope {
  const both = config.workspace_id !== undefined && config.resource_id !== undefined;
  if (both || (config.workspace_id === undefined && config.resource_id === undefined)) {
    throw new OtelMcpError(
      'INVALID_ARGUMENT',
      `backends.${name}: azure-monitor needs exactly one of workspace_id and resource_id, got ${both ? 'both' : 'neither'}`,
      "set workspace_id to a Log Analytics workspace's Workspace ID (a GUID on its Overview page), or resource_id to an Application Insights resource's id (/subscriptions/<subscription>/resourceGroups/<group>/providers/Microsoft.Insights/components/<name>, on its JSON View)",
    );
  }
  return config.workspace_id !== undefined
    ? { kind: 'workspace', workspaceId: config.workspace_id }
    : { kind: 'resource', resourceId: config.resource_id! };
}

function parseEntry(name: string, entry: unknown): BackendEntryConfig {
  const parsed = backendEntrySchema.safeParse(entry);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map(
    (issue) => `${issue.path.length > 0 ? `${issue.path.join('.')}: ` : ''}${issue.message}`,
  );
  throw new OtelMcpError(
    'INVALID_ARGUMENT',
    `backends.${name}: ${issues.join('; ')}`,
    'an entry is { endpoint, type?, auth?: "<token>" | { bearer_token } | { username, password }, headers?, tenant?, tenant_header?, timeout_ms?, retries? }, or for xray { region, endpoint?, timeout_ms?, retries? }, or for cloud-trace { project_id, endpoint?, timeout_ms?, retries? }, or for azure-monitor { workspace_id | resource_id, schema?, endpoint?, timeout_ms?, retries? }',
  );
}

function backendType(name: string, config: BackendEntryConfig): BackendType {
  if (config.type) return config.type;
  const byName = BACKEND_TYPES.find((type) => type === name.toLowerCase());
  if (byName) return byName;
  throw new OtelMcpError(
    'INVALID_ARGUMENT',
    `backends.${name}: cannot tell which kind of backend '${name}' is`,
    `add type: ${BACKEND_TYPES.join(' | ')}`,
  );
}

const DEFAULT_ENDPOINT_EXAMPLES: Record<BackendType, string> = {
  jaeger: 'http://localhost:16686',
  zipkin: 'http://localhost:9411',
  tempo: 'http://localhost:3200',
  xray: 'https://xray.us-east-1.amazonaws.com',
  'cloud-trace': 'https://cloudtrace.googleapis.com',
  'azure-monitor': 'https://api.loganalytics.io/v1',
};

export function connectionFor(
  name: string,
  type: BackendType,
  config: BackendEntryConfig,
): BackendConnection {
  if (config.region !== undefined) {
    throw new OtelMcpError(
      'INVALID_ARGUMENT',
      `backends.${name}: ${type} does not take region`,
      'region is for type: xray; remove it, or set type: xray',
    );
  }
  if (config.project_id !== undefined) {
    throw new OtelMcpError(
      'INVALID_ARGUMENT',
      `backends.${name}: ${type} does not take project_id`,
      'project_id is for type: cloud-trace; remove it, or set type: cloud-trace',
    );
  }
  const azureOnly = (['workspace_id', 'resource_id', 'schema'] as const).find(
    (key) => config[key] !== undefined,
  );
  if (azureOnly !== undefined) {
    throw new OtelMcpError(
      'INVALID_ARGUMENT',
      `backends.${name}: ${type} does not take ${azureOnly}`,
      'workspace_id, resource_id and schema are for type: azure-monitor; remove them, or set type: azure-monitor',
    );
  }
  if (config.endpoint === undefined) {
    throw new OtelMcpError(
      'INVALID_ARGUMENT',
      `backends.${name}: ${type} needs endpoint`,
      `add endpoint: the ${type} query URL, like ${DEFAULT_ENDPOINT_EXAMPLES[type]}`,
    );
  }
  const endpoint = parseEndpoint(config.endpoint, name);
  if ((endpoint.scheme === 'grpc' || endpoint.scheme === 'grpcs') && type !== 'jaeger') {
    throw new OtelMcpError(
      'INVALID_ARGUMENT',
      `backends.${name}: ${type} has no gRPC query API`,
      `use http:// or https:// for ${type}`,
    );
  }
  const auth = config.auth;
  const authorization = authorizationHeader(
    auth === undefined
      ? undefined
      : typeof auth === 'string'
        ? { bearerToken: auth }
        : 'bearer_token' in auth
          ? { bearerToken: auth.bearer_token }
          : { username: auth.username, password: auth.password },
    endpoint,
  );
  const headers: Record<string, string> = { ...config.headers };
  if (authorization) headers.authorization = authorization;
  if (config.tenant !== undefined) {
    const header =
      config.tenant_header ??
      (type === 'jaeger' ? JAEGER_TENANT_HEADER : type === 'tempo' ? TEMPO_TENANT_HEADER : undefined);
    if (!header) {
      throw new OtelMcpError(
        'INVALID_ARGUMENT',
        `backends.${name}: zipkin has no tenancy header of its own`,
        'set tenant_header to the header your proxy reads',
      );
    }
    headers[header] = config.tenant;
  }
  return {
    backendName: name,
    endpoint,
    headers,
    timeoutMs: config.timeout_ms ?? DEFAULT_TIMEOUT_MS,
    retry: { ...DEFAULT_RETRY_POLICY, attempts: (config.retries ?? DEFAULT_RETRY_POLICY.attempts - 1) + 1 },
  };
}
