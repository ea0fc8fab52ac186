import type { ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createBackend } from '../../../src/backends/create-backend.js';
import type { CloudTraceAuth } from '../../../src/backends/cloudtrace/cloudtrace-client.js';
import type { TraceSpanV1, TraceV1 } from '../../../src/backends/cloudtrace/trace-v1.js';
import type { TraceBackend } from '../../../src/backends/trace-backend.js';
import { OtelMcpError } from '../../../src/model/errors.js';
import { fixedTokenAuth } from '../support/cloudtrace-auth.js';
import {
  googleError,
  json,
  startCloudTraceStandIn,
  type CloudTraceStandIn,
} from '../support/cloudtrace-stand-in.js';

const standIns: CloudTraceStandIn[] = [];
const backends: TraceBackend[] = [];
afterEach(async () => {
  await Promise.all(backends.splice(0).map((backend) => backend.close()));
  await Promise.all(standIns.splice(0).map((standIn) => standIn.close()));
});

interface Options {
  retries?: number;
  auth?: CloudTraceAuth;
  projectId?: string;
}

/** The stand-in on loopback, and an adapter reading it whose sleeps are recorded, not slept. */
async function setUp(options: Options = {}) {
  const standIn = await startCloudTraceStandIn();
  standIns.push(standIn);
  const slept: number[] = [];
  const backend = createBackend(
    'gcp',
    {
      type: 'cloud-trace',
      project_id: options.projectId ?? standIn.projectId,
      endpoint: standIn.restUrl,
      retries: options.retries ?? 0,
    },
    {
      cloudTrace: { auth: options.auth ?? fixedTokenAuth() },
      sleep: async (ms) => void slept.push(ms),
      random: () => 0.5,
    },
  );
  backends.push(backend);
  return { standIn, backend, slept };
}

/** Answers the first `times` REST requests with `answer`, then lets the stand-in answer. */
function failFirst(standIn: CloudTraceStandIn, times: number, answer: (response: ServerResponse) => void) {
  let left = times;
  standIn.intercept = (_request, _url, response) => {
    if (left <= 0) return false;
    left--;
    answer(response);
    return true;
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

const NOW = Date.now();
const iso = (ms: number) => new Date(ms).toISOString();

/** A one-span trace started `agoMs` ago, its id from `n`. */
function trace(n: number, agoMs: number, labels: Record<string, string> = {}): TraceV1 {
  const span: TraceSpanV1 = {
    spanId: String(1000 + n),
    kind: 'RPC_SERVER',
    name: 'GET /item',
    startTime: iso(NOW - agoMs),
    endTime: iso(NOW - agoMs + 5),
    labels: { 'service.name': 'shop', ...labels },
  };
  return { traceId: n.toString(16).padStart(32, 'a'), spans: [span] };
}

describe('Cloud Trace failures a user can act on', () => {
  it('says how to set up Application Default Credentials when none are found', async () => {
    // google-auth-library's own error when ADC finds nothing (no env, no gcloud file, no metadata server).
    const noCredentials = {
      request: async () => {
        throw new Error(
          'Could not load the default credentials. Browse to https://cloud.google.com/docs/authentication/getting-started for more information.',
        );
      },
    } as unknown as CloudTraceAuth;
    const { backend } = await setUp({ auth: noCredentials });
    const error = await failure(backend.findTraces({ limit: 5 }));
    expect(error.code).toBe('UNAUTHENTICATED');
    expect(error.hint).toContain('gcloud auth application-default login');
    expect(error.hint).toContain('GOOGLE_APPLICATION_CREDENTIALS');
  });

  it('says the credentials were refused when Google answers 401', async () => {
    const { standIn, backend } = await setUp();
    failFirst(standIn, 1, (response) =>
      googleError(response, 401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.'),
    );
    const error = await failure(backend.getTrace('ab'.repeat(16)));
    expect(error.code).toBe('UNAUTHENTICATED');
    expect(error.message).toContain('401');
    expect(error.hint).toContain('gcloud auth application-default login');
  });

  it('names roles/cloudtrace.user and the project when Google answers 403', async () => {
    const { standIn, backend } = await setUp();
    failFirst(standIn, 1, (response) =>
      googleError(response, 403, 'PERMISSION_DENIED', "Permission 'cloudtrace.traces.list' denied"),
    );
    const error = await failure(backend.findTraces({ limit: 5 }));
    expect(error.code).toBe('UNAUTHENTICATED');
    expect(error.message).toContain("PERMISSION_DENIED: Permission 'cloudtrace.traces.list' denied");
    expect(error.hint).toContain('roles/cloudtrace.user');
    expect(error.hint).toContain(standIn.projectId);
  });

  it('asks to enable the API when the 403 says Cloud Trace is disabled in the project', async () => {
    const { standIn, backend } = await setUp();
    failFirst(standIn, 1, (response) =>
      googleError(
        response,
        403,
        'PERMISSION_DENIED',
        'Cloud Trace API has not been used in project 42 before or it is disabled.',
      ),
    );
    expect((await failure(backend.findTraces({ limit: 5 }))).hint).toContain('enable the Cloud Trace API');
  });

  it('names project_id when the project does not exist, and reports itself unhealthy', async () => {
    const { backend } = await setUp({ projectId: 'no-such-project' });
    const error = await failure(backend.findTraces({ limit: 5 }));
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toContain('project no-such-project was not found');
    expect(error.hint).toContain('project_id');
    expect(await backend.health()).toMatchObject({
      ok: false,
      message: expect.stringContaining('no-such-project'),
    });
  });

  it('waits as long as a 429’s Retry-After asks, then reads the answer', async () => {
    const { standIn, backend, slept } = await setUp({ retries: 2 });
    standIn.put([trace(1, 1_000)]);
    failFirst(standIn, 1, (response) =>
      json(
        response,
        429,
        { error: { code: 429, message: 'Quota exceeded', status: 'RESOURCE_EXHAUSTED' } },
        { 'retry-after': '2' },
      ),
    );
    expect((await backend.getTrace(trace(1, 0).traceId))?.spans).toHaveLength(1);
    expect(slept).toEqual([2_000]);
    expect(standIn.requests).toHaveLength(2);
  });

  it('says Cloud Trace is throttling once the retries of a 429 run out, and how to ease it', async () => {
    const { standIn, backend, slept } = await setUp({ retries: 1 });
    failFirst(standIn, 5, (response) =>
      googleError(response, 429, 'RESOURCE_EXHAUSTED', 'Quota exceeded for quota metric read requests'),
    );
    const error = await failure(backend.findTraces({ limit: 5 }));
    expect(standIn.requests).toHaveLength(2);
    // No Retry-After: the policy's backoff (250 ms at random 0.5).
    expect(slept).toEqual([250]);
    expect(error.code).toBe('RESOURCE_EXHAUSTED');
    expect(error.message).toMatch(/throttling.*after 2 attempts/);
    expect(error.hint).toContain('retries');
  });

  it('fails at once when Retry-After asks for longer than an agent should wait', async () => {
    const { standIn, backend, slept } = await setUp({ retries: 2 });
    failFirst(standIn, 5, (response) =>
      json(
        response,
        429,
        { error: { code: 429, message: 'slow down', status: 'RESOURCE_EXHAUSTED' } },
        { 'retry-after': '600' },
      ),
    );
    const error = await failure(backend.findTraces({ limit: 5 }));
    expect(slept).toEqual([]);
    expect(error.message).toContain('retry after 600 s');
  });

  it('retries a 503 and then reports the backend unavailable, naming project and endpoint', async () => {
    const { standIn, backend } = await setUp({ retries: 1 });
    failFirst(standIn, 5, (response) =>
      googleError(response, 503, 'UNAVAILABLE', 'The service is currently unavailable.'),
    );
    const error = await failure(backend.findTraces({ limit: 5 }));
    expect(standIn.requests).toHaveLength(2);
    expect(error.code).toBe('BACKEND_UNAVAILABLE');
    expect(error.message).toMatch(
      /Cloud Trace project otel-mcp-stand-in at http:\/\/127\.0\.0\.1:\d+.*answered 503/,
    );
  });

  it('does not retry a 500', async () => {
    const { standIn, backend } = await setUp({ retries: 2 });
    failFirst(standIn, 5, (response) =>
      googleError(response, 500, 'INTERNAL', 'Internal error encountered.'),
    );
    expect((await failure(backend.findTraces({ limit: 5 }))).code).toBe('BACKEND_UNAVAILABLE');
    expect(standIn.requests).toHaveLength(1);
  });

  it('says the answer could not be read when the body is not Cloud Trace JSON', async () => {
    const { standIn, backend } = await setUp();
    failFirst(standIn, 2, (response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end('<html>proxy login</html>');
    });
    const error = await failure(backend.getTrace('ab'.repeat(16)));
    expect(error.code).toBe('BACKEND_UNAVAILABLE');
    expect(error.message).toContain('could not be read');
    expect((await failure(backend.findTraces({ limit: 5 }))).message).toContain('projects.traces.list');
  });

  it('says a span id that is not a decimal uint64 could not be read', async () => {
    const { standIn, backend } = await setUp();
    failFirst(standIn, 1, (response) =>
      json(response, 200, { traceId: 'ab'.repeat(16), spans: [{ spanId: 'f34b60a6c9e93527', name: 'x' }] }),
    );
    expect((await failure(backend.getTrace('ab'.repeat(16)))).message).toContain('decimal spanId');
  });

  it('answers undefined for a trace Cloud Trace has not got', async () => {
    const { backend } = await setUp();
    expect(await backend.getTrace('cd'.repeat(16))).toBeUndefined();
  });
});

describe('Cloud Trace paging', () => {
  it('follows pageToken past a page of 100 traces, newest first', async () => {
    const { standIn, backend } = await setUp();
    standIn.put(Array.from({ length: 150 }, (_, n) => trace(n + 1, 10_000 + n * 10)));
    const found = await backend.findTraces({ limit: 120, serviceName: 'shop' });
    expect(found).toHaveLength(120);
    expect(found[0]!.traceId).toBe(trace(1, 0).traceId);
    const pages = standIn.requests.filter((url) => url.pathname.endsWith('/traces'));
    expect(pages).toHaveLength(2);
    expect(pages[0]!.searchParams.get('orderBy')).toBe('start desc');
    expect(pages[0]!.searchParams.get('view')).toBe('COMPLETE');
    expect(pages[1]!.searchParams.get('pageToken')).toBeTruthy();
  });

  it('stops reading pages once the newest matches fill the limit', async () => {
    const { standIn, backend } = await setUp();
    standIn.put(Array.from({ length: 150 }, (_, n) => trace(n + 1, 10_000 + n * 10)));
    expect(await backend.findTraces({ limit: 3, serviceName: 'shop' })).toHaveLength(3);
    expect(standIn.requests).toHaveLength(1);
  });

  it('reads a trace whose spans come on two pages as one trace', async () => {
    const { standIn, backend } = await setUp();
    const whole = trace(7, 5_000);
    const child: TraceSpanV1 = {
      ...whole.spans[0]!,
      spanId: '2001',
      parentSpanId: whole.spans[0]!.spanId,
      kind: 'RPC_CLIENT',
      name: 'SELECT',
    };
    let page = 0;
    standIn.intercept = (_request, url, response) => {
      if (!url.pathname.endsWith('/traces')) return false;
      page++;
      if (page === 1) json(response, 200, { traces: [whole], nextPageToken: 'second' });
      else json(response, 200, { traces: [{ ...whole, spans: [child, whole.spans[0]] }] });
      return true;
    };
    const found = await backend.findTraces({ limit: 5, operationName: 'SELECT' });
    expect(found.map((summary) => [summary.traceId, summary.spanCount])).toEqual([[whole.traceId, 2]]);
  });

  it('refuses a search that would need more than 500 traces checked, instead of answering from some', async () => {
    const { standIn, backend } = await setUp();
    standIn.put(Array.from({ length: 520 }, (_, n) => trace(n + 1, 10_000 + n)));
    // No span failed: every page is read and nothing matches.
    const error = await failure(backend.findTraces({ limit: 5, status: 'error' }));
    expect(error.code).toBe('RESOURCE_EXHAUSTED');
    expect(error.hint).toContain('narrow the window');
    expect(standIn.requests).toHaveLength(5);
  });
});

describe('Cloud Trace searches', () => {
  it('sends what Cloud Trace can filter and checks the rest on each trace', async () => {
    const { standIn, backend } = await setUp();
    standIn.put([
      trace(1, 2_000, { '/http/route': '/item', 'tenant.id': 't1' }),
      trace(2, 1_000, { 'http.route': '/item', 'tenant.id': 't2' }),
      trace(3, 3_000, { '/http/route': '/other', 'tenant.id': 't1' }),
    ]);
    const found = await backend.findTraces({
      limit: 5,
      serviceName: 'shop',
      attributes: [{ key: 'http.route', value: '/item' }, { key: 'tenant.id' }],
    });
    // Both label spellings of http.route are found; the stand-in was asked only for tenant.id.
    expect(found.map((summary) => summary.traceId)).toEqual([trace(2, 0).traceId, trace(1, 0).traceId]);
    expect(standIn.requests[0]!.searchParams.get('filter')).toBe('label:tenant.id');
  });

  it('lists services and operations from the newest traces with two list calls at most', async () => {
    const { standIn, backend } = await setUp();
    standIn.put(
      Array.from({ length: 250 }, (_, n) =>
        trace(n + 1, 10_000 + n, n === 3 ? { 'service.name': 'cart' } : {}),
      ),
    );
    expect(await backend.listServices()).toEqual(['cart', 'shop']);
    expect(await backend.listOperations('cart')).toEqual([{ name: 'GET /item' }]);
    expect(standIn.requests).toHaveLength(4);
  });
});

describe('Cloud Trace out of reach', () => {
  it('retries a refused connection, then says it could not be reached and where', async () => {
    const slept: number[] = [];
    const backend = createBackend(
      'gcp',
      { type: 'cloud-trace', project_id: 'my-project', endpoint: 'http://127.0.0.1:1', retries: 1 },
      { cloudTrace: { auth: fixedTokenAuth() }, sleep: async (ms) => void slept.push(ms), random: () => 0.5 },
    );
    backends.push(backend);
    const error = await failure(backend.findTraces({ limit: 5 }));
    expect(slept).toEqual([250]);
    expect(error.code).toBe('BACKEND_UNAVAILABLE');
    expect(error.message).toContain('connection refused (after 2 attempts)');
    expect(error.hint).toContain('http://127.0.0.1:1');
  });

  it('gives up after timeout_ms without retrying, and says which setting to raise', async () => {
    const { standIn } = await setUp();
    standIn.intercept = () => true; // never answers
    const backend = createBackend(
      'gcp',
      {
        type: 'cloud-trace',
        project_id: standIn.projectId,
        endpoint: standIn.restUrl,
        timeout_ms: 200,
        retries: 2,
      },
      { cloudTrace: { auth: fixedTokenAuth() } },
    );
    backends.push(backend);
    const error = await failure(backend.findTraces({ limit: 5 }));
    expect(error.message).toContain('no answer within 200 ms');
    expect(error.hint).toContain('timeout_ms');
    expect(standIn.requests).toHaveLength(1);
  });
});
