import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createBackend } from '../../../src/backends/create-backend.js';
import type { TraceBackend } from '../../../src/backends/trace-backend.js';
import { OtelMcpError } from '../../../src/model/errors.js';

/**
 * A real HTTP server on loopback standing in for X-Ray: each request is answered by the script for
 * its path (/TraceSummaries, /Traces), in turn, recording the JSON bodies it was sent.
 */
type Answer = (response: ServerResponse, body: unknown) => void;
const servers: Server[] = [];
const backends: TraceBackend[] = [];
afterEach(async () => {
  await Promise.all(backends.splice(0).map((backend) => backend.close()));
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

async function scriptedXray(script: Record<string, Answer[]>, retries = 0) {
  const bodies: Record<string, unknown[]> = {};
  const server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => {
      const path = request.url ?? '';
      const seen = (bodies[path] ??= []);
      const body: unknown = JSON.parse(text || '{}');
      seen.push(body);
      const answers = script[path] ?? [json(404, { message: 'no such path' })];
      answers[Math.min(seen.length - 1, answers.length - 1)]!(response, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const backend = createBackend(
    'xray',
    { region: 'eu-west-1', endpoint, retries },
    { xray: { credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' } } },
  );
  backends.push(backend);
  return { backend, bodies };
}

function json(status: number, body: unknown, errorType?: string): Answer {
  return (response) => {
    response.writeHead(status, {
      'content-type': 'application/json',
      ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
    });
    response.end(JSON.stringify(body));
  };
}

async function failure(promise: Promise<unknown>): Promise<OtelMcpError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(OtelMcpError);
  return error as OtelMcpError;
}

const XRAY_ID = '1-5f84c7a1-0123456789abcdef01234567';
const OTEL_ID = '5f84c7a10123456789abcdef01234567';
const doc = (id: string, extra: object = {}) =>
  JSON.stringify({
    name: 'checkout',
    id,
    trace_id: XRAY_ID,
    start_time: 1602537377.1,
    end_time: 1602537377.2,
    ...extra,
  });

describe('X-Ray failures a user can act on', () => {
  it('names the missing permission when AWS answers 403 AccessDenied', async () => {
    const { backend } = await scriptedXray({
      '/TraceSummaries': [
        json(
          403,
          { message: 'User is not authorized to perform: xray:GetTraceSummaries' },
          'AccessDeniedException',
        ),
      ],
    });
    const error = await failure(backend.findTraces({ limit: 5 }));
    expect(error.code).toBe('UNAUTHENTICATED');
    expect(error.message).toContain('AccessDeniedException');
    expect(error.hint).toContain('xray:GetTraceSummaries and xray:BatchGetTraces');
  });

  it('says X-Ray is throttling once the retries of a 429 run out, and how to ease it', async () => {
    const { backend, bodies } = await scriptedXray(
      { '/Traces': [json(429, { message: 'Rate exceeded' }, 'ThrottledException')] },
      1,
    );
    const error = await failure(backend.getTrace(OTEL_ID));
    expect(bodies['/Traces']).toHaveLength(2);
    expect(error.code).toBe('RESOURCE_EXHAUSTED');
    expect(error.message).toMatch(/throttling.*after 2 attempts/);
    expect(error.hint).toContain('retries');
  });

  it('reports a 5xx as the backend being unavailable, naming region and endpoint', async () => {
    const { backend } = await scriptedXray({
      '/TraceSummaries': [json(503, { message: 'try later' }, 'ServiceUnavailableException')],
    });
    const error = await failure(backend.findTraces({ limit: 5 }));
    expect(error.code).toBe('BACKEND_UNAVAILABLE');
    expect(error.message).toMatch(/X-Ray in eu-west-1 at http:\/\/127\.0\.0\.1:\d+.*answered 503/);
  });

  it('says the answer could not be read when the body is not X-Ray JSON', async () => {
    const { backend } = await scriptedXray({
      '/Traces': [
        (response) => {
          response.writeHead(200, { 'content-type': 'text/html' });
          response.end('<html>proxy login</html>');
        },
      ],
    });
    const error = await failure(backend.getTrace(OTEL_ID));
    expect(error.code).toBe('BACKEND_UNAVAILABLE');
    expect(error.message).toContain('could not be read');
    expect(error.hint).toContain('check that');
  });

  it('says a segment document that is not JSON could not be read', async () => {
    const { backend } = await scriptedXray({
      '/Traces': [json(200, { Traces: [{ Id: XRAY_ID, Segments: [{ Id: 'x', Document: '{"name":' }] }] })],
    });
    expect((await failure(backend.getTrace(OTEL_ID))).message).toContain('segment document');
  });

  it('names the credential sources when no credentials are found', async () => {
    const server = await scriptedXray({});
    const backend = createBackend(
      'xray',
      { region: 'eu-west-1', endpoint: server.backend.endpoint!, retries: 0 },
      {
        xray: {
          credentials: async () => {
            throw Object.assign(new Error('Could not load credentials from any providers'), {
              name: 'CredentialsProviderError',
            });
          },
        },
      },
    );
    backends.push(backend);
    const error = await failure(backend.findTraces({ limit: 5 }));
    expect(error.code).toBe('UNAUTHENTICATED');
    expect(error.hint).toMatch(/AWS_ACCESS_KEY_ID.*AWS_PROFILE.*credential_process/);
  });

  it('says what to check when the endpoint cannot be reached', async () => {
    const backend = createBackend(
      'xray',
      { region: 'eu-west-1', endpoint: 'http://127.0.0.1:1', retries: 0 },
      { xray: { credentials: { accessKeyId: 'a', secretAccessKey: 'b' } } },
    );
    backends.push(backend);
    const error = await failure(backend.findTraces({ limit: 5 }));
    expect(error.code).toBe('BACKEND_UNAVAILABLE');
    expect(error.hint).toContain('check region (eu-west-1)');
  });
});

describe('X-Ray paging', () => {
  it('reads a trace split over several BatchGetTraces pages', async () => {
    const { backend, bodies } = await scriptedXray({
      '/Traces': [
        json(200, {
          Traces: [{ Id: XRAY_ID, Segments: [{ Id: 'a', Document: doc('1000000000000001') }] }],
          NextToken: 'page-2',
        }),
        json(200, {
          Traces: [
            {
              Id: XRAY_ID,
              Segments: [{ Id: 'b', Document: doc('2000000000000002', { parent_id: '1000000000000001' }) }],
            },
          ],
        }),
      ],
    });
    const trace = await backend.getTrace(XRAY_ID);
    expect(trace?.spans.map((span) => span.spanId)).toEqual(['1000000000000001', '2000000000000002']);
    expect(bodies['/Traces']).toEqual([
      { TraceIds: [XRAY_ID] },
      { TraceIds: [XRAY_ID], NextToken: 'page-2' },
    ]);
  });

  it('asks BatchGetTraces for at most five ids at a time and sends the search as a filter expression', async () => {
    const ids = Array.from({ length: 7 }, (_, i) => `1-5f84c7a1-${String(i).padStart(24, '0')}`);
    const { backend, bodies } = await scriptedXray({
      '/TraceSummaries': [json(200, { TraceSummaries: ids.map((Id) => ({ Id })) })],
      '/Traces': [json(200, { Traces: [] })],
    });
    expect(await backend.findTraces({ serviceName: 'checkout', status: 'error', limit: 5 })).toEqual([]);
    expect(bodies['/TraceSummaries']![0]).toMatchObject({
      FilterExpression: 'service("checkout") AND (error OR fault)',
      TimeRangeType: 'Event',
    });
    expect((bodies['/Traces'] as { TraceIds: string[] }[]).map((body) => body.TraceIds.length)).toEqual([
      5, 2,
    ]);
  });

  it('fetches the newest candidates first and stops once older ones cannot make the limit', async () => {
    const nowSeconds = Math.floor(Date.now() / 1000);
    const candidates = Array.from({ length: 12 }, (_, i) => ({
      Id: `1-${(nowSeconds - 100).toString(16)}-${String(i).padStart(24, '0')}`,
      StartTime: nowSeconds - 10 - i,
    }));
    const startOf = new Map(candidates.map((each) => [each.Id, each.StartTime]));
    // X-Ray's order is not by time: the newest are listed last.
    const { backend, bodies } = await scriptedXray({
      '/TraceSummaries': [json(200, { TraceSummaries: [...candidates].reverse() })],
      '/Traces': [
        (response, body) =>
          json(200, {
            Traces: (body as { TraceIds: string[] }).TraceIds.map((id, i) => ({
              Id: id,
              Segments: [
                {
                  Id: String(i),
                  Document: JSON.stringify({
                    name: 'checkout',
                    id: `${String(i + 1).padStart(16, '0')}`,
                    trace_id: id,
                    start_time: startOf.get(id)!,
                    end_time: startOf.get(id)! + 0.5,
                  }),
                },
              ],
            })),
          })(response, body),
      ],
    });
    const found = await backend.findTraces({ serviceName: 'checkout', limit: 2 });
    expect(found.map((summary) => summary.traceId.slice(-2))).toEqual(['00', '01']);
    expect(bodies['/Traces']).toHaveLength(1);
  });

  it('refuses a search matching more traces than it can fetch and check, saying how to narrow it', async () => {
    const ids = Array.from({ length: 201 }, (_, i) => ({ Id: `1-5f84c7a1-${String(i).padStart(24, '0')}` }));
    const { backend } = await scriptedXray({ '/TraceSummaries': [json(200, { TraceSummaries: ids })] });
    const error = await failure(backend.findTraces({ limit: 5 }));
    expect(error.code).toBe('RESOURCE_EXHAUSTED');
    expect(error.message).toContain('more than 200');
    expect(error.hint).toContain('narrow the window');
  });

  it('answers undefined for a trace X-Ray does not have', async () => {
    const { backend } = await scriptedXray({
      '/Traces': [json(200, { Traces: [], UnprocessedTraceIds: [XRAY_ID] })],
    });
    expect(await backend.getTrace(OTEL_ID)).toBeUndefined();
  });
});
