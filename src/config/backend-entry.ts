/**
 * One entry of the configuration's `backends:` block: the one schema, checked when the
 * configuration loads and again by createBackend for an entry given directly.
 *
 * ```yaml
 * backends:
 *   jaeger: { endpoint: "http://localhost:16686", auth: "${JAEGER_TOKEN}" }   # or grpc://localhost:16685
 *   zipkin: { endpoint: "http://localhost:9411" }
 *   tempo:  { endpoint: "http://localhost:3200", tenant: "team-a" }
 *   prod-traces:                                 # any other name needs `type`
 *     type: tempo
 *     endpoint: "https://tempo.example.com"
 *     auth: { username: "${TEMPO_USER}", password: "${TEMPO_PASSWORD}" }
 *     headers: { x-extra: "1" }
 *     timeout_ms: 15000
 *   xray: { region: "eu-west-1" }               # credentials: the AWS SDK's default chain
 *   cloud-trace: { project_id: "my-project" }   # credentials: Application Default Credentials
 *   azure-monitor: { workspace_id: "<GUID>" }   # credentials: DefaultAzureCredential
 *   app-insights:                               # or one Application Insights resource by its id
 *     type: azure-monitor
 *     resource_id: "/subscriptions/<GUID>/resourceGroups/<group>/providers/Microsoft.Insights/components/<name>"
 * ```
 *
 * - `auth` is a bearer token as a plain string (the plan's `auth: "…"` shorthand), `{ bearer_token }`,
 *   or `{ username, password }` for basic auth; user info in the endpoint URL is basic auth too.
 * - `tenant` is sent in `tenant_header` (default `x-tenant` for Jaeger, `X-Scope-OrgID` for Tempo;
 *   Zipkin has no tenancy, so there it needs an explicit `tenant_header`).
 * - `xray` takes `region` (required) and an optional `endpoint` override (a VPC endpoint, a local
 *   stand-in); `auth`, `headers` and `tenant` do not apply, since the AWS SDK signs every request
 *   with credentials from its default chain (env, AWS_PROFILE, credential_process, SSO, roles).
 * - `cloud-trace` takes `project_id` (required) and an optional `endpoint` override of
 *   https://cloudtrace.googleapis.com; `auth`, `headers` and `tenant` do not apply, since Google's
 *   client signs every request with Application Default Credentials.
 * - `azure-monitor` takes exactly one of `workspace_id` (the Log Analytics workspace's GUID) and
 *   `resource_id` (an Application Insights component's Azure resource id, queried in its own scope,
 *   which serves the classic table names and needs only a role on the component), `schema`
 *   (`workspace` for AppRequests and the other workspace tables, the default with `workspace_id`;
 *   `classic` for the requests/dependencies tables, the default with `resource_id`) and an optional `endpoint` override of
 *   https://api.loganalytics.io/v1 (a sovereign cloud, a local stand-in); no `auth`, `headers` or
 *   `tenant`, since requests carry a token from DefaultAzureCredential (env, managed identity, az login).
 * - `timeout_ms` bounds one request (default 10 000); `retries` is how many times a transient failure
 *   (429/502/503/504, refused connection) is retried (default 2).
 */
import * as z from 'zod';

export const BACKEND_TYPES = ['jaeger', 'zipkin', 'tempo', 'xray', 'cloud-trace', 'azure-monitor'] as const;
export type BackendType = (typeof BACKEND_TYPES)[number];

// 10 s: a backend answering slower than that leaves an agent idle; 5 min caps a typo like 300000000.
export const DEFAULT_TIMEOUT_MS = 10_000;
const MAX_TIMEOUT_MS = 300_000;

const secret = z.string().min(1);

/**
 * An Application Insights component's Azure resource id. Azure compares resource ids without regard
 * to case; group names are 1-90 letters, digits, '.', '_', '-', '(' and ')', component names 1-255
 * characters, so any segment without a slash, space, '?' or '#' is let through. The leading '/' the
 * portal shows may be left out.
 */
export const APP_INSIGHTS_RESOURCE_ID =
  /^\/?subscriptions\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\/resourceGroups\/[^/?#\s]+\/providers\/Microsoft\.Insights\/components\/[^/?#\s]+$/i;

export const backendAuthSchema = z.union([
  secret.describe('A bearer token'),
  z.object({ bearer_token: secret.describe('Sent as `Authorization: Bearer …`') }).strict(),
  z.object({ username: z.string().min(1), password: z.string().describe('Sent as basic auth') }).strict(),
]);

export const backendEntrySchema = z
  .object({
    type: z
      .enum(BACKEND_TYPES)
      .optional()
      .describe(
        'Which adapter; defaults to the entry name when that is jaeger, zipkin, tempo, xray, cloud-trace or azure-monitor',
      ),
    endpoint: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Base URL: http://host:16686 (Jaeger query), grpc://host:16685 (Jaeger gRPC), http://host:9411 (Zipkin), http://host:3200 (Tempo); for X-Ray an optional override of https://xray.<region>.amazonaws.com; for Cloud Trace an optional override of https://cloudtrace.googleapis.com; for Azure Monitor an optional override of https://api.loganalytics.io/v1',
      ),
    region: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'expected an AWS region like us-east-1')
      .optional()
      .describe('AWS region of the X-Ray traces (xray only), like us-east-1'),
    project_id: z
      .string()
      // Project IDs are 6–30 lower-case letters, digits and hyphens; older ones carry a domain prefix.
      .regex(
        /^([a-z0-9.-]+:)?[a-z][a-z0-9-]{4,28}[a-z0-9]$/,
        'expected a Google Cloud project ID like my-project-123',
      )
      .optional()
      .describe('Google Cloud project holding the traces (cloud-trace only), its ID, not its display name'),
    workspace_id: z
      .string()
      .regex(
        /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
        "expected the workspace's Workspace ID, a GUID like 6f1a0c1e-0000-4000-8000-000000000000",
      )
      .optional()
      .describe('Log Analytics workspace ID (azure-monitor only; or resource_id)'),
    resource_id: z
      .string()
      .regex(
        APP_INSIGHTS_RESOURCE_ID,
        'expected an Application Insights resource id like /subscriptions/<subscription GUID>/resourceGroups/<group>/providers/Microsoft.Insights/components/<name>',
      )
      .optional()
      .describe(
        "Application Insights resource's Azure resource id, queried in its own scope (azure-monitor only; or workspace_id)",
      ),
    schema: z
      .enum(['workspace', 'classic'])
      .optional()
      .describe(
        'App Insights tables: workspace (AppRequests, ...; default with workspace_id) or classic (requests, ...; default with resource_id); azure-monitor only',
      ),
    auth: backendAuthSchema.optional(),
    headers: z.record(z.string().min(1), z.string()).optional().describe('Sent with every request'),
    tenant: z.string().min(1).optional().describe('Tenant id, sent in tenant_header'),
    tenant_header: z
      .string()
      .min(1)
      .optional()
      .describe('Header carrying the tenant (x-tenant for Jaeger, X-Scope-OrgID for Tempo)'),
    timeout_ms: z
      .number()
      .int()
      .positive()
      .max(MAX_TIMEOUT_MS)
      .optional()
      .describe('Per-request timeout, default 10000'),
    retries: z.number().int().min(0).max(10).optional().describe('Retries of a transient failure, default 2'),
  })
  .strict();

export type BackendEntryConfig = z.infer<typeof backendEntrySchema>;
