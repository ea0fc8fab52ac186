import { describe, expect, it } from 'vitest';
import { backendEntrySchema } from '../../src/config/backend-entry.js';
import { createBackend } from '../../src/backends/create-backend.js';
import { assertQuerySupported } from '../../src/backends/query-support.js';
import { OtelMcpError } from '../../src/model/errors.js';
import { freePort } from '../support/free-port.js';

function thrown(run: () => unknown): OtelMcpError {
  try {
    run();
  } catch (error) {
    if (error instanceof OtelMcpError) return error;
    throw error;
  }
  throw new Error('expected an error');
}

describe('creating a backend from its configuration entry', () => {
  it('picks the adapter from the entry name, or from type for any other name', () => {
    expect(createBackend('zipkin', { endpoint: 'http://127.0.0.1:9411' }).kind).toBe('zipkin');
    expect(createBackend('prod-traces', { type: 'tempo', endpoint: 'http://127.0.0.1:3200' }).kind).toBe(
      'tempo',
    );
    const error = thrown(() => createBackend('prod-traces', { endpoint: 'http://127.0.0.1:3200' }));
    expect(error.message).toContain("cannot tell which kind of backend 'prod-traces' is");
    expect(error.hint).toContain('jaeger | zipkin | tempo');
  });

  it('names every wrong key of the entry and the shape it accepts', () => {
    const error = thrown(() => createBackend('jaeger', { endpoint: '', timeout_ms: -1, colour: 'blue' }));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toMatch(/^backends\.jaeger: /);
    expect(error.message).toContain('endpoint');
    expect(error.message).toContain('timeout_ms');
    expect(error.message).toContain('colour');
    expect(error.hint).toContain('bearer_token');
  });

  it('refuses a malformed or unsupported endpoint', () => {
    expect(thrown(() => createBackend('jaeger', { endpoint: 'localhost 16686' })).message).toContain(
      'is not a URL',
    );
    expect(thrown(() => createBackend('tempo', { endpoint: 'grpc://127.0.0.1:3200' })).message).toContain(
      'tempo has no gRPC query API',
    );
    expect(thrown(() => createBackend('zipkin', { endpoint: 'ftp://x' })).message).toContain(
      '"ftp:" is not supported',
    );
  });

  it('builds an X-Ray backend from a region, with the regional endpoint unless overridden', async () => {
    const regional = createBackend('xray', { region: 'eu-west-1' });
    expect(regional.kind).toBe('xray');
    expect(regional.endpoint).toBe('https://xray.eu-west-1.amazonaws.com');
    const local = createBackend('traces', {
      type: 'xray',
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:5000',
    });
    expect(local.endpoint).toBe('http://127.0.0.1:5000');
    await regional.close();
    await local.close();
  });

  it('asks X-Ray for a region and refuses what only HTTP backends take, naming the credential sources', () => {
    expect(thrown(() => createBackend('xray', {})).hint).toContain('region');
    expect(thrown(() => createBackend('xray', { region: 'Ireland' })).message).toContain(
      'expected an AWS region like us-east-1',
    );
    const auth = thrown(() => createBackend('xray', { region: 'us-east-1', auth: 'token' }));
    expect(auth.message).toContain('xray does not take auth');
    expect(auth.hint).toContain('AWS_PROFILE');
    expect(
      thrown(() => createBackend('zipkin', { endpoint: 'http://127.0.0.1:9411', region: 'us-east-1' })).hint,
    ).toContain('type: xray');
    expect(thrown(() => createBackend('zipkin', {})).message).toContain('zipkin needs endpoint');
  });

  it('builds a Cloud Trace backend from a project id, reaching Google unless the endpoint is overridden', async () => {
    const google = createBackend('cloud-trace', { project_id: 'shop-prod-123' });
    expect(google.kind).toBe('cloud-trace');
    expect(google.endpoint).toBe('https://cloudtrace.googleapis.com');
    const local = createBackend('gcp', {
      type: 'cloud-trace',
      project_id: 'example.com:shop-prod',
      endpoint: 'http://127.0.0.1:8085/',
    });
    expect(local.endpoint).toBe('http://127.0.0.1:8085');
    await google.close();
    await local.close();
  });

  it('asks Cloud Trace for a project id and refuses what it does not take, naming Application Default Credentials', () => {
    expect(thrown(() => createBackend('cloud-trace', {})).hint).toContain('project_id');
    expect(thrown(() => createBackend('cloud-trace', { project_id: 'My Project' })).message).toContain(
      'expected a Google Cloud project ID',
    );
    const auth = thrown(() => createBackend('cloud-trace', { project_id: 'shop-prod', auth: 'token' }));
    expect(auth.message).toContain('cloud-trace does not take auth');
    expect(auth.hint).toContain('gcloud auth application-default login');
    expect(
      thrown(() => createBackend('cloud-trace', { project_id: 'shop-prod', region: 'us-east-1' })).message,
    ).toContain('does not take region');
    expect(
      thrown(() => createBackend('tempo', { endpoint: 'http://127.0.0.1:3200', project_id: 'shop-prod' }))
        .hint,
    ).toContain('type: cloud-trace');
  });

  it('asks for a tenant header before sending a tenant to Zipkin', () => {
    expect(
      thrown(() => createBackend('zipkin', { endpoint: 'http://127.0.0.1:9411', tenant: 't' })).hint,
    ).toContain('tenant_header');
    expect(
      createBackend('zipkin', { endpoint: 'http://127.0.0.1:9411', tenant: 't', tenant_header: 'x-org' })
        .kind,
    ).toBe('zipkin');
  });

  it('accepts the auth forms the config documents', () => {
    for (const auth of ['token', { bearer_token: 'token' }, { username: 'u', password: 'p' }]) {
      expect(backendEntrySchema.safeParse({ endpoint: 'http://h:1', auth }).success).toBe(true);
    }
    expect(backendEntrySchema.safeParse({ endpoint: 'http://h:1', auth: { token: 'x' } }).success).toBe(
      false,
    );
  });

  it('reports an unreachable backend as unhealthy, naming its endpoint, and fails reads with BACKEND_UNAVAILABLE', async () => {
    const port = await freePort();
    for (const name of ['jaeger', 'zipkin', 'tempo']) {
      const backend = createBackend(name, { endpoint: `http://127.0.0.1:${port}`, retries: 0 });
      const health = await backend.health();
      expect(health.ok).toBe(false);
      expect(health.message).toContain(`${name} at http://127.0.0.1:${port}`);
      await expect(backend.getTrace('ab'.repeat(16))).rejects.toMatchObject({ code: 'BACKEND_UNAVAILABLE' });
      await backend.close();
    }
    const grpc = createBackend('jaeger', {
      endpoint: `grpc://127.0.0.1:${port}`,
      retries: 0,
      timeout_ms: 2000,
    });
    await expect(grpc.listServices()).rejects.toMatchObject({
      code: 'BACKEND_UNAVAILABLE',
      message: expect.stringContaining(`grpc://127.0.0.1:${port}`),
    });
    await grpc.close();
  });
});

describe('refusing a search a backend cannot answer', () => {
  it('names the filter and lists what the backend can search by', () => {
    const error = thrown(() =>
      assertQuerySupported(
        'jaeger',
        { attributeFilters: true, durationFilters: true },
        { serviceName: 's', status: 'error', limit: 5 },
      ),
    );
    expect(error.code).toBe('UNSUPPORTED');
    expect(error.message).toBe("jaeger cannot filter traces by status 'error'");
    expect(error.hint).toBe(
      'jaeger can search by service (required), operation, attributes (key=value), span duration, time window',
    );
  });

  it('refuses a search without a service unless declared, and attribute presence unless declared', () => {
    expect(thrown(() => assertQuerySupported('x', {}, { limit: 1 })).message).toBe(
      'x cannot search traces without a service name',
    );
    expect(
      thrown(() =>
        assertQuerySupported(
          'x',
          { attributeFilters: true },
          { serviceName: 's', attributes: [{ key: 'k' }], limit: 1 },
        ),
      ).message,
    ).toContain("'k' without a value");
  });

  it('accepts status error from a backend that declares only the error filter', () => {
    expect(() =>
      assertQuerySupported('x', { errorStatusFilter: true }, { serviceName: 's', status: 'error', limit: 1 }),
    ).not.toThrow();
    expect(() =>
      assertQuerySupported('x', { errorStatusFilter: true }, { serviceName: 's', status: 'ok', limit: 1 }),
    ).toThrow(/status 'ok'/);
  });
});
