import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_TRACE_ROWS } from '../../../src/backends/azure-monitor/azure-monitor-backend.js';
import { createBackend } from '../../../src/backends/create-backend.js';
import type { TraceBackend } from '../../../src/backends/trace-backend.js';
import { OtelMcpError } from '../../../src/model/errors.js';

/**
 * A real HTTP server on loopback standing in for the Log Analytics query API: each query is answered
 * by the next scripted answer (the last one repeats), recording the bodies and headers it was sent.
 */
type Answer = (response: ServerResponse) => void;
const servers: Server[] = [];
const backends: TraceBackend[] = [];
afterEach(async () => {
  await Promise.all(backends.splice(0).map((backend) => backend.close()));
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

const WORKSPACE = '6f1a0c1e-7d2b-4c3a-9e8f-0123456789ab';
const RESOURCE =
  '/subscriptions/0b9a3c0e-1d2f-4a5b-8c7d-9e0f1a2b3c4d/resourceGroups/shop-rg/providers/Microsoft.Insights/components/shop-insights';
const TRACE = '5f84c7a10123456789abcdef01234567';
const TOKEN = { getToken: async () => ({ token: 'scripted', expiresOnTimestamp: Date.now() + 3_600_000 }) };

async function scriptedLogAnalytics(
  answers: Answer[],
  retries = 0,
  credential: object = TOKEN,
  timeoutMs?: number,
  scope: object = { workspace_id: WORKSPACE },
) {
  const seen: {
    path: string;
    authorization?: string;
    at: number;
    body: { query: string; timespan: string };
  }[] = [];
  const server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => {
      seen.push({
        path: request.url ?? '',
        authorization: request.headers.authorization,
        at: Date.now(),
        body: JSON.parse(text || '{}'),
      });
      answers[Math.min(seen.length - 1, answers.length - 1)]!(response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  const backend = createBackend(
    'azure-monitor',
    { ...scope, endpoint, retries, ...(timeoutMs ? { timeout_ms: timeoutMs } : {}) },
    { azureMonitor: { credential: credential as typeof TOKEN } },
  );
  backends.push(backend);
  return { backend, seen };
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Answer {
  return (response) => {
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(JSON.stringify(body));
  };
}
const apiError = (status: number, code: string, message: string, headers: Record<string, string> = {}) =>
  json(status, { error: { code, message } }, headers);
const table = (columns: [string, string][], rows: unknown[][]) =>
  json(200, {
    tables: [{ name: 'PrimaryResult', columns: columns.map(([name, type]) => ({ name, type })), rows }],
  });

async function failure(promise: Promise<unknown>): Promise<OtelMcpError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(OtelMcpError);
  return error as OtelMcpError;
}

describe('Azure Monitor failures a user can act on', () => {
  it('says how to log in, and what DefaultAzureCredential tries, when no credential gets a token', async () => {
    const { backend, seen } = await scriptedLogAnalytics([table([], [])], 0, {
      getToken: async () => {
        throw Object.assign(
          new Error('DefaultAzureCredential failed to retrieve a token from the included credentials.'),
          {
            name: 'AggregateAuthenticationError',
          },
        );
      },
    });
    const error = await failure(backend.getTrace(TRACE));
    expect(seen).toHaveLength(0);
    expect(error.code).toBe('UNAUTHENTICATED');
    expect(error.hint).toMatch(/az login.*AZURE_TENANT_ID.*AZURE_CLIENT_SECRET.*managed identity/);
  });

  it('sends the credential’s token as a bearer token to the workspace’s query path', async () => {
    const { backend, seen } = await scriptedLogAnalytics([table([], [])]);
    expect(await backend.getTrace(TRACE)).toBeUndefined();
    expect(seen[0]).toMatchObject({
      path: `/v1/workspaces/${WORKSPACE}/query`,
      authorization: 'Bearer scripted',
    });
    expect(seen[0]!.body.query).toContain(`OperationId in ("${TRACE}")`);
    expect(seen[0]!.body.timespan).toMatch(/^\d{4}-.*Z\/\d{4}-.*Z$/);
  });

  it('says to log in again when Azure refuses the token (401)', async () => {
    const { backend } = await scriptedLogAnalytics([
      apiError(401, 'InvalidTokenError', 'The provided authentication is not valid'),
    ]);
    const error = await failure(backend.getTrace(TRACE));
    expect(error.code).toBe('UNAUTHENTICATED');
    expect(error.hint).toContain('az login');
  });

  it('names the Log Analytics Reader role when the identity may not read the workspace (403)', async () => {
    const { backend } = await scriptedLogAnalytics([
      apiError(
        403,
        'InsufficientAccessError',
        'The provided credentials have insufficient access to perform the requested operation',
      ),
    ]);
    const error = await failure(backend.findTraces({ serviceName: 'web', limit: 5 }));
    expect(error.code).toBe('UNAUTHENTICATED');
    expect(error.message).toContain('InsufficientAccessError');
    expect(error.hint).toContain(`Log Analytics Reader role (or Reader) on workspace ${WORKSPACE}`);
  });

  it('says what workspace_id is when the workspace is not found (404)', async () => {
    const { backend } = await scriptedLogAnalytics([
      apiError(404, 'PathNotFoundError', 'The requested path does not exist'),
    ]);
    const error = await failure(backend.listServices());
    expect(error.message).toContain(`no workspace ${WORKSPACE}`);
    expect(error.hint).toContain('Workspace ID (a GUID on its Overview page');
  });

  it('retries a throttled query after the Retry-After Azure sends, then answers', async () => {
    const { backend, seen } = await scriptedLogAnalytics(
      [
        apiError(429, 'ThrottledError', 'Too many requests', { 'retry-after': '1' }),
        table([['Ok', 'int']], [[1]]),
      ],
      2,
    );
    expect(await backend.health()).toEqual({ ok: true });
    expect(seen).toHaveLength(2);
    expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(900);
  });

  it('says Log Analytics is throttling once the retries of a 429 run out, and how to ease it', async () => {
    const { backend, seen } = await scriptedLogAnalytics(
      [apiError(429, 'ThrottledError', 'Too many requests', { 'retry-after-ms': '10' })],
      1,
    );
    const error = await failure(backend.getTrace(TRACE));
    expect(seen).toHaveLength(2);
    expect(error.code).toBe('RESOURCE_EXHAUSTED');
    expect(error.hint).toContain('retries');
  });

  it('reports a 5xx as the backend being unavailable, naming workspace and endpoint', async () => {
    const { backend } = await scriptedLogAnalytics([apiError(500, 'InternalServerError', 'boom')]);
    const error = await failure(backend.getTrace(TRACE));
    expect(error.code).toBe('BACKEND_UNAVAILABLE');
    expect(error.message).toMatch(
      new RegExp(`workspace ${WORKSPACE} at http://127\\.0\\.0\\.1:\\d+/v1.*answered 500`),
    );
  });

  it('says a query that outlasts timeout_ms timed out, and what to change', async () => {
    const { backend } = await scriptedLogAnalytics(
      [() => {}], // never answers
      0,
      TOKEN,
      300,
    );
    const error = await failure(backend.getTrace(TRACE));
    expect(error.code).toBe('TIMEOUT');
    expect(error.hint).toContain('timeout_ms');
  });

  it('says the answer could not be read when the body is not a query result', async () => {
    const { backend } = await scriptedLogAnalytics([
      (response) => {
        response.writeHead(200, { 'content-type': 'text/html' });
        response.end('<html>proxy login</html>');
      },
    ]);
    const error = await failure(backend.getTrace(TRACE));
    expect(error.code).toBe('BACKEND_UNAVAILABLE');
    expect(error.message).toContain('could not be read');
  });

  it('says a row whose cells do not fit its columns could not be read', async () => {
    const { backend } = await scriptedLogAnalytics([
      table(
        [
          ['Type', 'string'],
          ['Id', 'string'],
        ],
        [['AppRequests']],
      ),
    ]);
    expect((await failure(backend.getTrace(TRACE))).message).toContain('1 cells for 2 columns');
  });

  it('refuses a partial answer instead of showing part of a trace', async () => {
    const { backend } = await scriptedLogAnalytics([
      json(200, {
        tables: [{ name: 'PrimaryResult', columns: [{ name: 'Type', type: 'string' }], rows: [] }],
        error: {
          code: 'PartialError',
          message: 'There were some errors when processing your query.',
          details: [{ code: 'EngineError', message: 'a node did not answer' }],
        },
      }),
    ]);
    const error = await failure(backend.getTrace(TRACE));
    expect(error.code).toBe('BACKEND_UNAVAILABLE');
    expect(error.message).toContain('only part of the query (PartialError: a node did not answer)');
  });

  it('says a partial answer cut by a query limit is a limit, and how to narrow it', async () => {
    const { backend } = await scriptedLogAnalytics([
      json(200, {
        tables: [{ name: 'PrimaryResult', columns: [{ name: 'Type', type: 'string' }], rows: [] }],
        error: {
          code: 'PartialError',
          message: 'There were some errors when processing your query.',
          details: [
            {
              code: 'EngineError',
              message: 'Query result set has exceeded the internal record count limit 500000 records.',
            },
          ],
        },
      }),
    ]);
    const error = await failure(backend.findTraces({ serviceName: 'web', limit: 5 }));
    expect(error.code).toBe('RESOURCE_EXHAUSTED');
    expect(error.hint).toContain('narrow the window');
  });

  it(`refuses a trace with more than ${MAX_TRACE_ROWS} rows instead of showing it cut`, async () => {
    const rows = Array.from({ length: MAX_TRACE_ROWS + 1 }, (_, i) => [
      'AppDependencies',
      i.toString(16).padStart(16, '0'),
      TRACE,
      '2026-12-05T10:00:00Z',
    ]);
    const { backend } = await scriptedLogAnalytics([
      table(
        [
          ['Type', 'string'],
          ['Id', 'string'],
          ['OperationId', 'string'],
          ['TimeGenerated', 'datetime'],
        ],
        rows,
      ),
    ]);
    const error = await failure(backend.getTrace(TRACE));
    expect(error.code).toBe('RESOURCE_EXHAUSTED');
    expect(error.message).toContain(`trace ${TRACE} has more than ${MAX_TRACE_ROWS} rows`);
  });

  it('refuses a search on an attribute App Insights does not keep, before asking', async () => {
    const { backend, seen } = await scriptedLogAnalytics([table([], [])]);
    const error = await failure(
      backend.findTraces({ attributes: [{ key: 'http.route', value: '/x' }], limit: 5 }),
    );
    expect(error.code).toBe('UNSUPPORTED');
    expect(error.hint).toContain("'METHOD route'");
    expect(seen).toHaveLength(0);
  });

  it('refuses db.system filters App Insights cannot answer whole: another system, or mere presence', async () => {
    const { backend, seen } = await scriptedLogAnalytics([
      table(
        [
          ['OperationId', 'string'],
          ['Seen', 'datetime'],
        ],
        [],
      ),
    ]);
    const mssql = await failure(
      backend.findTraces({ attributes: [{ key: 'db.system', value: 'mssql' }], limit: 5 }),
    );
    expect(mssql.code).toBe('UNSUPPORTED');
    expect(mssql.message).toContain('(not mssql); filter by app_insights.dependency.type instead');
    const present = await failure(backend.findTraces({ attributes: [{ key: 'db.system' }], limit: 5 }));
    expect(present.code).toBe('UNSUPPORTED');
    expect(seen).toHaveLength(0);
    expect(
      await backend.findTraces({ attributes: [{ key: 'db.system', value: 'postgresql' }], limit: 5 }),
    ).toEqual([]);
    expect(seen).toHaveLength(1);
  });

  it('refuses a search matching more traces than it can read and check, saying how to narrow it', async () => {
    const rows = Array.from({ length: 201 }, (_, i) => [
      i.toString(16).padStart(32, '0'),
      '2026-12-05T10:00:00Z',
    ]);
    const { backend, seen } = await scriptedLogAnalytics([
      table(
        [
          ['OperationId', 'string'],
          ['Seen', 'datetime'],
        ],
        rows,
      ),
    ]);
    const error = await failure(backend.findTraces({ serviceName: 'web', limit: 5 }));
    expect(error.code).toBe('RESOURCE_EXHAUSTED');
    expect(error.hint).toContain('narrow the window');
    expect(seen).toHaveLength(1);
  });
});

describe('Azure Monitor failures when querying an Application Insights resource by its id', () => {
  const byResource = (answers: Answer[]) =>
    scriptedLogAnalytics(answers, 0, TOKEN, undefined, { resource_id: RESOURCE });

  it('sends the query to the documented resource route, reading the classic tables by default', async () => {
    const { backend, seen } = await byResource([table([], [])]);
    expect(await backend.getTrace(TRACE)).toBeUndefined();
    // The portal's leading '/' must not become '/v1//subscriptions/...'.
    expect(seen[0]).toMatchObject({ path: `/v1${RESOURCE}/query`, authorization: 'Bearer scripted' });
    expect(seen[0]!.body.query).toContain('union isfuzzy=true requests, dependencies, traces, exceptions');
    expect(seen[0]!.body.query).toContain(`operation_Id in ("${TRACE}")`);
  });

  it('takes the resource id without its leading slash too', async () => {
    const { backend, seen } = await scriptedLogAnalytics([table([], [])], 0, TOKEN, undefined, {
      resource_id: RESOURCE.slice(1),
      schema: 'workspace',
    });
    await backend.getTrace(TRACE);
    expect(seen[0]!.path).toBe(`/v1${RESOURCE}/query`);
    expect(seen[0]!.body.query).toContain('AppRequests');
  });

  it('names the Reader role on the component when the identity may not read it (403)', async () => {
    const { backend } = await byResource([
      apiError(403, 'InsufficientAccessError', 'The provided credentials have insufficient access'),
    ]);
    const error = await failure(backend.findTraces({ serviceName: 'web', limit: 5 }));
    expect(error.code).toBe('UNAUTHENTICATED');
    expect(error.message).toContain(`Application Insights resource ${RESOURCE}`);
    expect(error.hint).toContain(`Reader role (or Monitoring Reader) on ${RESOURCE}`);
  });

  it('names the resource id and how to check it when the resource is not found (404)', async () => {
    const { backend } = await byResource([
      apiError(404, 'ResourceNotFoundError', 'The resource was not found'),
    ]);
    const error = await failure(backend.listServices());
    expect(error.code).toBe('BACKEND_UNAVAILABLE');
    expect(error.message).toContain(`no Application Insights resource ${RESOURCE} was found`);
    expect(error.hint).toContain('az monitor app-insights component show');
  });

  it('reports a 5xx naming the resource and the endpoint', async () => {
    const { backend } = await byResource([apiError(503, 'ServiceUnavailable', 'down')]);
    const error = await failure(backend.getTrace(TRACE));
    expect(error.code).toBe('BACKEND_UNAVAILABLE');
    expect(error.message).toContain(`Application Insights resource ${RESOURCE} at http://127.0.0.1:`);
  });

  it('says the answer could not be read when a log row has no known severity', async () => {
    const { backend } = await byResource([
      table(
        [
          ['timestamp', 'datetime'],
          ['operation_Id', 'string'],
          ['severityLevel', 'int'],
          ['message', 'string'],
        ],
        [['2026-12-05T10:00:00Z', TRACE, 9, 'hello']],
      ),
    ]);
    const error = await failure(backend.getLogs!({ traceId: TRACE, limit: 5 }));
    expect(error.message).toContain('could not be read');
  });
});

describe('Azure Monitor configuration', () => {
  it('refuses to send a token over plain http to anything but loopback', () => {
    expect(() =>
      createBackend('azure-monitor', { workspace_id: WORKSPACE, endpoint: 'http://logs.example.com/v1' }),
    ).toThrow(/must be https:\/\/ \(http:\/\/ only on loopback\)/);
  });

  const configError = (entry: object) => {
    try {
      createBackend('azure-monitor', entry);
      return undefined;
    } catch (caught) {
      return caught as OtelMcpError;
    }
  };

  it('needs a workspace id or a resource id, and says where to find each', () => {
    const error = configError({});
    expect(error?.message).toContain('needs exactly one of workspace_id and resource_id, got neither');
    expect(error?.hint).toContain('Overview page');
    expect(error?.hint).toContain('/providers/Microsoft.Insights/components/<name>');
  });

  it('refuses a workspace id and a resource id together', () => {
    expect(configError({ workspace_id: WORKSPACE, resource_id: RESOURCE })?.message).toContain(
      'exactly one of workspace_id and resource_id, got both',
    );
  });

  it('refuses a resource id that is not an Application Insights component’s, showing the shape', () => {
    const error = configError({
      resource_id: RESOURCE.replace(
        'Microsoft.Insights/components',
        'Microsoft.OperationalInsights/workspaces',
      ),
    });
    expect(error?.code).toBe('INVALID_ARGUMENT');
    expect(error?.message).toContain(
      'resource_id: expected an Application Insights resource id like /subscriptions/',
    );
  });

  it('refuses resource_id on a backend of another kind', () => {
    expect(() =>
      createBackend('jaeger', { endpoint: 'http://localhost:16686', resource_id: RESOURCE }),
    ).toThrow(/jaeger does not take resource_id/);
  });

  it('refuses settings of other backends, naming the login to use instead', () => {
    expect(() => createBackend('azure-monitor', { workspace_id: WORKSPACE, auth: 'token' })).toThrow(
      /azure-monitor does not take auth/,
    );
  });
});
