/**
 * A stand-in for Azure Monitor on loopback, since no Azure Monitor server runs outside Azure. It
 * implements the two documented APIs the tests touch, in the shapes Azure documents:
 * - ingestion, `POST <IngestionEndpoint>/v2.1/track`: a JSON array (or newline-delimited JSON) of
 *   envelopes, optionally gzip-encoded, answered `{itemsReceived, itemsAccepted, errors}`. It is fed
 *   by Azure's own exporter (@azure/monitor-opentelemetry-exporter), so the stored shape is Azure's.
 * - the Log Analytics query API, `POST /v1/workspaces/{id}/query` with `{query, timespan}`, answered
 *   `{tables: [{name, columns: [{name, type}], rows}]}`; a missing or wrong bearer token is 401
 *   (InvalidTokenError), another workspace 404 (PathNotFoundError), a query it cannot read 400
 *   (BadArgumentError). Queries run on kql-stand-in.ts over rows stored as app-insights-rows.ts says.
 * - the same API in one resource's scope, `POST /v1/subscriptions/{s}/resourceGroups/{g}/providers/
 *   Microsoft.Insights/components/{name}/query` (Azure's "resource-centric" query, the route
 *   LogsQueryClient.queryResource calls), for the one component it holds; resource ids are compared
 *   without regard to case, as Azure does, and another component is 404 (ResourceNotFoundError).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { AzureMonitorLogExporter, AzureMonitorTraceExporter } from '@azure/monitor-opentelemetry-exporter';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { envelopeRows, type Envelope, type Row } from './app-insights-rows.js';
import { KqlError, runKql, timeNanos } from './kql-stand-in.js';

export const STAND_IN_WORKSPACE_ID = '6f1a0c1e-7d2b-4c3a-9e8f-0123456789ab';
export const STAND_IN_RESOURCE_ID =
  '/subscriptions/0b9a3c0e-1d2f-4a5b-8c7d-9e0f1a2b3c4d/resourceGroups/shop-rg/providers/Microsoft.Insights/components/shop-insights';
export const STAND_IN_TOKEN = 'stand-in-token';
/** What the adapter is given in place of DefaultAzureCredential: a fixed token, as the stand-in wants. */
export const STAND_IN_CREDENTIAL = {
  getToken: async () => ({ token: STAND_IN_TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 }),
};
const INSTRUMENTATION_KEY = '00000000-0000-4000-8000-000000000000';

export interface AzureMonitorStandIn {
  /** The query API base, as the adapter's `endpoint`. */
  queryEndpoint: string;
  /** A connection string whose IngestionEndpoint is this stand-in. */
  connectionString: string;
  tables: Record<string, Row[]>;
  /** Every query body received, in order, with the path it was sent to. */
  queries: { query: string; timespan?: string; path: string }[];
  close(): Promise<void>;
}

export async function startAzureMonitorStandIn(): Promise<AzureMonitorStandIn> {
  const tables: Record<string, Row[]> = {};
  const queries: { query: string; timespan?: string; path: string }[] = [];
  const server: Server = createServer((request, response) => {
    const answer = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    readBody(request)
      .then((body) => {
        const path = (request.url ?? '').split('?')[0]!;
        if (request.method === 'POST' && path.endsWith('/v2.1/track')) {
          const text = body.toString('utf8').trim();
          const envelopes = (
            text.startsWith('[') ? JSON.parse(text) : text.split('\n').map((line) => JSON.parse(line))
          ) as Envelope[];
          for (const envelope of envelopes) {
            const rows = envelopeRows(envelope);
            if (!rows) continue;
            for (const [table, row] of [rows.workspace, rows.classic]) (tables[table] ??= []).push(row);
          }
          return answer(200, {
            itemsReceived: envelopes.length,
            itemsAccepted: envelopes.length,
            errors: [],
          });
        }
        const workspace = /^\/v1\/workspaces\/([^/]+)\/query$/.exec(path);
        const resource = RESOURCE_QUERY_PATH.exec(path);
        if (request.method !== 'POST' || (!workspace && !resource)) {
          return answer(404, {
            error: { code: 'PathNotFoundError', message: 'The requested path does not exist' },
          });
        }
        if (request.headers.authorization !== `Bearer ${STAND_IN_TOKEN}`) {
          return answer(401, {
            error: {
              code: 'InvalidTokenError',
              message: 'The provided authentication is not valid for this resource',
            },
          });
        }
        if (workspace && decodeURIComponent(workspace[1]!) !== STAND_IN_WORKSPACE_ID) {
          return answer(404, {
            error: { code: 'PathNotFoundError', message: 'The requested path does not exist' },
          });
        }
        const resourceId = resource ? `/${decodeURIComponent(resource[1]!)}` : undefined;
        if (resourceId !== undefined && resourceId.toLowerCase() !== STAND_IN_RESOURCE_ID.toLowerCase()) {
          return answer(404, {
            error: {
              code: 'ResourceNotFoundError',
              message: `The resource ${resourceId} was not found`,
            },
          });
        }
        const { query, timespan } = JSON.parse(body.toString('utf8')) as { query: string; timespan?: string };
        queries.push({ query, timespan, path });
        try {
          return answer(200, { tables: [runKql(query, tables, parseTimespan(timespan))] });
        } catch (error) {
          if (!(error instanceof KqlError)) throw error;
          return answer(400, {
            error: {
              code: 'BadArgumentError',
              message: 'The request had some invalid properties',
              details: [{ code: 'SyntaxError', message: error.message }],
            },
          });
        }
      })
      .catch((error: unknown) => answer(500, { error: { code: 'InternalError', message: String(error) } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    queryEndpoint: `${base}/v1`,
    connectionString: `InstrumentationKey=${INSTRUMENTATION_KEY};IngestionEndpoint=${base}/`,
    tables,
    queries,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The documented resource-centric route: the id's segments, then `/query`; Azure ignores their case. */
const RESOURCE_QUERY_PATH =
  /^\/v1\/(subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Insights\/components\/[^/]+)\/query$/i;

/** `start/end` (ISO 8601) → nanoseconds; durations alone are not sent by the adapter. */
function parseTimespan(timespan: string | undefined): { start: bigint; end: bigint } | undefined {
  if (!timespan) return undefined;
  const [start, end] = timespan.split('/');
  if (!start || !end) throw new KqlError(`timespan ${timespan} is not start/end`);
  const padded = (iso: string) => (iso.includes('.') ? iso : iso.replace('Z', '.000Z'));
  return { start: timeNanos(padded(start)), end: timeNanos(padded(end)) };
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  return request.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body;
}

function exporterOptions(connectionString: string) {
  return {
    connectionString,
    disableOfflineStorage: true,
    // The exporter turns every http:// ingestion endpoint into https://; the stand-in speaks plain
    // http on loopback, so the request goes back to http here. Body and headers are the exporter's.
    additionalPolicies: [
      {
        position: 'perCall' as const,
        policy: {
          name: 'standInPlainHttp',
          sendRequest(
            request: { url: string; allowInsecureConnection?: boolean },
            next: (request: never) => Promise<unknown>,
          ) {
            request.url = request.url.replace(/^https:/, 'http:');
            request.allowInsecureConnection = true;
            return next(request as never);
          },
        },
      },
    ],
  };
}

/** Sends SDK log records through Azure's own log exporter to the stand-in's ingestion endpoint. */
export async function exportLogsWithAzureExporter(
  connectionString: string,
  records: ReadableLogRecord[],
): Promise<void> {
  const exporter = new AzureMonitorLogExporter(exporterOptions(connectionString) as never);
  try {
    // The exporter is built on its own copy of @opentelemetry/sdk-logs, whose record type differs
    // from the SDK's in name only: the records are the SDK's, passed as they are.
    await new Promise<void>((resolve, reject) =>
      exporter.export(records as never, (result) =>
        result.code === 0 ? resolve() : reject(result.error ?? new Error('the Azure log exporter failed')),
      ),
    );
  } finally {
    await exporter.shutdown();
  }
}

/** Sends SDK spans through Azure's own exporter to the stand-in's ingestion endpoint. */
export async function exportWithAzureExporter(
  connectionString: string,
  spans: ReadableSpan[],
): Promise<void> {
  const exporter = new AzureMonitorTraceExporter(exporterOptions(connectionString) as never);
  try {
    await new Promise<void>((resolve, reject) =>
      exporter.export(spans, (result) =>
        result.code === 0 ? resolve() : reject(result.error ?? new Error('the Azure exporter failed')),
      ),
    );
  } finally {
    await exporter.shutdown();
  }
}
