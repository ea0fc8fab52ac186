import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { connectionFor } from '../../../src/backends/create-backend.js';
import type { BackendEntryConfig } from '../../../src/config/backend-entry.js';
import { createHttpClient } from '../../../src/backends/http/http-client.js';
import { OtelMcpError } from '../../../src/model/errors.js';
import { freePort } from '../../support/free-port.js';

/** A real HTTP server on loopback whose answers are scripted per request, recording what it got. */
async function scriptedServer(answers: ((response: ServerResponse) => void)[]) {
  const requests: { url: string; headers: IncomingHttpHeaders }[] = [];
  const server: Server = createServer((request, response) => {
    requests.push({ url: request.url ?? '', headers: request.headers });
    const answer = answers[Math.min(requests.length - 1, answers.length - 1)]!;
    answer(response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}) =>
  (response: ServerResponse) => {
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(JSON.stringify(body));
  };

function clientFor(entry: BackendEntryConfig, waits: number[] = []) {
  return createHttpClient(connectionFor('jaeger', 'jaeger', entry), {
    sleep: async (ms) => {
      waits.push(ms);
    },
    random: () => 0.5,
  });
}

async function failure(promise: Promise<unknown>): Promise<OtelMcpError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof OtelMcpError)) throw new Error(`expected an OtelMcpError, got ${String(error)}`);
  return error;
}

describe('the backend HTTP client', () => {
  it('retries a 503 after the delay its Retry-After asks for, then returns the answer', async () => {
    const server = await scriptedServer([
      json(503, { error: 'warming up' }, { 'retry-after': '2' }),
      json(200, { ok: true }),
    ]);
    const waits: number[] = [];
    const response = await clientFor({ endpoint: server.url }, waits).get('/api/services');
    expect(response.json()).toEqual({ ok: true });
    expect(waits).toEqual([2000]);
    expect(server.requests).toHaveLength(2);
  });

  it('backs off exponentially on 429, 502 and 504, and gives up after the configured attempts', async () => {
    const server = await scriptedServer([
      json(429, {}),
      json(502, {}),
      json(504, { error: 'gateway timeout' }),
    ]);
    const waits: number[] = [];
    const error = await failure(
      clientFor({ endpoint: server.url, retries: 2 }, waits).get('/api/v3/services'),
    );
    expect(waits).toEqual([250, 500]);
    expect(error.code).toBe('BACKEND_UNAVAILABLE');
    expect(error.message).toContain(`jaeger at ${server.url}: GET /api/v3/services answered 504`);
    expect(error.message).toContain('after 3 attempts');
  });

  it('does not wait for a Retry-After longer than 30 s, and says what was asked', async () => {
    const server = await scriptedServer([json(503, {}, { 'retry-after': '3600' })]);
    const error = await failure(clientFor({ endpoint: server.url }).get('/x'));
    expect(error.message).toContain('asked to retry after 3600 s');
    expect(server.requests).toHaveLength(1);
  });

  it('does not retry a 400, and passes on what the server said', async () => {
    const server = await scriptedServer([json(400, { error: 'parse error at line 1' })]);
    const error = await failure(clientFor({ endpoint: server.url }).get('/api/search'));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toContain('parse error at line 1');
    expect(server.requests).toHaveLength(1);
  });

  it('reports a refused credential as UNAUTHENTICATED without ever showing the token', async () => {
    const server = await scriptedServer([json(401, { error: 'bad token' })]);
    const error = await failure(
      clientFor({ endpoint: server.url, auth: 'secret-token-123' }).get('/api/services'),
    );
    expect(error.code).toBe('UNAUTHENTICATED');
    expect(`${error.message} ${error.hint}`).not.toContain('secret-token-123');
    expect(server.requests[0]!.headers.authorization).toBe('Bearer secret-token-123');
  });

  it('sends basic auth from the endpoint URL, the tenant header and extra headers, and shows the URL without credentials', async () => {
    const server = await scriptedServer([json(500, { error: 'boom' })]);
    const url = server.url.replace('http://', 'http://ops:p%40ss@');
    const error = await failure(
      clientFor({ endpoint: url, tenant: 'team-a', headers: { 'x-extra': '1' } }).get('/api/services'),
    );
    const headers = server.requests[0]!.headers;
    expect(headers.authorization).toBe(`Basic ${Buffer.from('ops:p@ss').toString('base64')}`);
    expect(headers['x-tenant']).toBe('team-a');
    expect(headers['x-extra']).toBe('1');
    expect(error.message).toContain(server.url);
    expect(error.message).not.toContain('p@ss');
    expect(error.message).not.toContain('p%40ss');
  });

  it('names the endpoint when nothing listens there', async () => {
    const port = await freePort();
    const error = await failure(
      clientFor({ endpoint: `http://127.0.0.1:${port}`, retries: 1 }).get('/api/services'),
    );
    expect(error.code).toBe('BACKEND_UNAVAILABLE');
    expect(error.message).toBe(
      `jaeger at http://127.0.0.1:${port}: GET /api/services failed: connection refused (after 2 attempts)`,
    );
  });

  it('gives up on a server that does not answer within the timeout, without retrying', async () => {
    const server = await scriptedServer([() => undefined]);
    const error = await failure(clientFor({ endpoint: server.url, timeout_ms: 1000 }).get('/api/services'));
    expect(error.code).toBe('BACKEND_UNAVAILABLE');
    expect(error.message).toContain('no answer within 1000 ms');
    // At most one: on a loaded machine the timeout may fire before the request is even accepted.
    expect(server.requests.length).toBeLessThanOrEqual(1);
  });

  it('hands a 404 back to the caller when asked to', async () => {
    const server = await scriptedServer([json(404, { error: { httpCode: 404 } })]);
    const response = await clientFor({ endpoint: server.url }).get('/api/v3/traces/abc', {
      passStatuses: [404],
    });
    expect(response.status).toBe(404);
  });
});
