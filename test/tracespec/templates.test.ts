/** Templates: each instantiates to a valid spec, a trace of its shape passes it, and bad parameters are refused. */
import { describe, expect, it } from 'vitest';
import { isOtelMcpError } from '../../src/model/index.js';
import {
  compareTraceToSpec,
  instantiateTemplate,
  listSpecTemplates,
  validateTraceSpec,
} from '../../src/tracespec/index.js';
import { buildTrace, type SpanSketch } from '../support/trace-builder.js';

const http = (method: string, route: string, status: number, service: string): SpanSketch => ({
  name: `${method} ${route}`,
  service,
  kind: 'server',
  attributes: { 'http.request.method': method, 'http.route': route, 'http.response.status_code': status },
});
const db = (name: string, service: string, system: string, operation: string, startMs = 1): SpanSketch => ({
  name,
  service,
  kind: 'client',
  startMs,
  attributes: { 'db.system.name': system, 'db.operation.name': operation },
});

const conforming: Record<string, { params?: Record<string, unknown>; trace: SpanSketch | SpanSketch[] }[]> = {
  http_service_with_database: [
    {
      trace: {
        ...http('GET', '/users/{id}', 200, 'api-service'),
        durationMs: 120,
        children: [db('SELECT users', 'api-service', 'postgresql', 'SELECT')],
      },
    },
    {
      // As Flask and the DB-API instrumentations 0.66b1 send it: the older HTTP names, the DB span
      // named by the statement's first word, db.system and db.statement.
      params: {
        method: 'POST',
        route: '/orders',
        status_code: 201,
        db_system: 'sqlite',
        db_operation: 'INSERT',
        db_collection: 'orders',
        db_semconv: 'legacy',
      },
      trace: {
        name: 'POST /orders',
        service: 'api-service',
        kind: 'server',
        attributes: { 'http.method': 'POST', 'http.route': '/orders', 'http.status_code': 201 },
        children: [
          {
            name: 'INSERT',
            service: 'api-service',
            kind: 'client',
            attributes: {
              'db.system': 'sqlite',
              'db.statement': 'INSERT INTO orders (id, total) VALUES (?, ?)',
            },
          },
        ],
      },
    },
    {
      // The stable template against a service on the older HTTP names: the attributes match either way.
      params: { db_system: 'sqlite' },
      trace: {
        name: 'GET /users/{id}',
        service: 'api-service',
        kind: 'server',
        attributes: { 'http.method': 'GET', 'http.route': '/users/{id}', 'http.status_code': 200 },
        children: [
          {
            name: 'SELECT users',
            service: 'api-service',
            kind: 'client',
            attributes: { 'db.system': 'sqlite', 'db.operation': 'SELECT' },
          },
        ],
      },
    },
  ],
  rest_crud: [
    {
      trace: {
        ...http('GET', '/users/{id}', 200, 'users-service'),
        children: [db('SELECT users', 'users-service', 'postgresql', 'SELECT')],
      },
    },
    {
      params: { operation: 'create' },
      trace: {
        ...http('POST', '/users', 201, 'users-service'),
        children: [db('INSERT users', 'users-service', 'postgresql', 'INSERT')],
      },
    },
    {
      params: { operation: 'delete' },
      trace: {
        ...http('DELETE', '/users/{id}', 204, 'users-service'),
        children: [db('DELETE users', 'users-service', 'postgresql', 'DELETE')],
      },
    },
  ],
  grpc_client_server: [
    {
      trace: {
        name: 'helloworld.Greeter/SayHello',
        service: 'frontend',
        kind: 'client',
        attributes: { 'rpc.system': 'grpc', 'rpc.service': 'helloworld.Greeter', 'rpc.method': 'SayHello' },
        children: [
          {
            name: 'helloworld.Greeter/SayHello',
            service: 'greeter-service',
            kind: 'server',
            attributes: {
              'rpc.system': 'grpc',
              'rpc.service': 'helloworld.Greeter',
              'rpc.method': 'SayHello',
              'rpc.grpc.status_code': 0,
            },
          },
        ],
      },
    },
  ],
  queue_producer_consumer: [
    {
      trace: {
        ...http('POST', '/orders', 202, 'order-service'),
        name: 'POST /orders',
        children: [
          {
            name: 'send orders',
            kind: 'producer',
            spanId: 'a1a1a1a1a1a1a1a1',
            attributes: {
              'messaging.system': 'kafka',
              'messaging.destination.name': 'orders',
              'messaging.operation.type': 'send',
            },
            children: [
              {
                name: 'process orders',
                service: 'fulfillment-service',
                kind: 'consumer',
                startMs: 5,
                attributes: {
                  'messaging.system': 'kafka',
                  'messaging.destination.name': 'orders',
                  'messaging.operation.type': 'process',
                },
                links: [{ traceId: 'a'.repeat(32), spanId: 'a1a1a1a1a1a1a1a1' }],
              },
            ],
          },
        ],
      },
    },
  ],
  cache_aside: [
    {
      trace: {
        ...http('GET', '/products/{id}', 200, 'catalog-service'),
        durationMs: 50,
        children: [
          { name: 'GET', kind: 'client', startMs: 1, attributes: { 'db.system.name': 'redis' } },
          db('SELECT products', 'catalog-service', 'postgresql', 'SELECT', 5),
          { name: 'SET', kind: 'client', startMs: 20, attributes: { 'db.system.name': 'redis' } },
        ],
      },
    },
    {
      params: { scenario: 'hit' },
      trace: {
        ...http('GET', '/products/{id}', 200, 'catalog-service'),
        children: [{ name: 'GET', kind: 'client', attributes: { 'db.system.name': 'redis' } }],
      },
    },
  ],
  checkout_saga: [
    {
      trace: {
        ...http('POST', '/checkout', 200, 'checkout-service'),
        durationMs: 400,
        children: [
          { name: 'inventory.reserve', service: 'inventory-service', startMs: 10 },
          { name: 'payment.process', service: 'payment-service', startMs: 100 },
          { name: 'order.confirm', service: 'order-service', startMs: 300 },
        ],
      },
    },
    {
      params: { outcome: 'payment_declined' },
      trace: {
        ...http('POST', '/checkout', 402, 'checkout-service'),
        status: 'error',
        durationMs: 400,
        children: [
          { name: 'inventory.reserve', service: 'inventory-service', startMs: 10 },
          {
            name: 'payment.process',
            service: 'payment-service',
            startMs: 100,
            status: 'error',
            events: [
              {
                name: 'exception',
                attributes: {
                  'exception.type': 'payments.CardDeclinedError',
                  'exception.message': 'insufficient funds',
                },
              },
            ],
          },
          { name: 'inventory.release', service: 'inventory-service', startMs: 300 },
        ],
      },
    },
  ],
};

describe('spec templates', () => {
  it('lists the six shapes with described parameters and defaults', () => {
    const templates = listSpecTemplates();
    expect(templates.map((template) => template.name)).toEqual([
      'http_service_with_database',
      'rest_crud',
      'grpc_client_server',
      'queue_producer_consumer',
      'cache_aside',
      'checkout_saga',
    ]);
    for (const template of templates) {
      expect(template.description.length).toBeGreaterThan(20);
      for (const parameter of template.parameters) {
        expect(parameter.description.length).toBeGreaterThan(5);
        expect(typeof parameter.default).toBe(parameter.type);
      }
    }
  });

  it.each(
    listSpecTemplates().flatMap((template) => [
      { template: template.name, params: {} },
      ...enumVariants(template.name),
    ]),
  )('instantiates $template with $params to a valid spec', ({ template, params }) => {
    const spec = instantiateTemplate(template, params);
    expect(validateTraceSpec(spec).ok).toBe(true);
  });

  const shaped = Object.entries(conforming).flatMap(([template, variants]) =>
    variants.map((variant) => ({ template, ...variant })),
  );
  it.each(shaped)('passes a trace built to the shape of $template $params', ({ template, params, trace }) => {
    const result = compareTraceToSpec(buildTrace(trace), instantiateTemplate(template, params ?? {}));
    expect(result.violations).toEqual([]);
  });

  it('fails the cache-hit spec when the database is queried', () => {
    const spec = instantiateTemplate('cache_aside', { scenario: 'hit' });
    const trace = buildTrace({
      ...http('GET', '/products/{id}', 200, 'catalog-service'),
      children: [
        { name: 'GET', kind: 'client', attributes: { 'db.system.name': 'redis' } },
        db('SELECT products', 'catalog-service', 'postgresql', 'SELECT'),
      ],
    });
    expect(compareTraceToSpec(trace, spec).violations.map((violation) => violation.kind)).toEqual([
      'forbidden_present',
    ]);
  });

  it('fails the queue spec when the consumer does not link to the producer', () => {
    const spec = instantiateTemplate('queue_producer_consumer', { route: '' });
    const trace = buildTrace([
      {
        name: 'send orders',
        service: 'order-service',
        kind: 'producer',
        attributes: {
          'messaging.system': 'kafka',
          'messaging.destination.name': 'orders',
          'messaging.operation.type': 'send',
        },
      },
      {
        name: 'process orders',
        service: 'fulfillment-service',
        kind: 'consumer',
        startMs: 3,
        attributes: {
          'messaging.system': 'kafka',
          'messaging.destination.name': 'orders',
          'messaging.operation.type': 'process',
        },
      },
    ]);
    expect(compareTraceToSpec(trace, spec).violations.map((violation) => violation.kind)).toEqual(['links']);
  });

  it('refuses an unknown template with the nearest name', () => {
    expect(() => instantiateTemplate('rest_crd')).toThrow(
      'no spec template named "rest_crd"; did you mean rest_crud?',
    );
  });

  it('refuses unknown, mistyped and out-of-range parameters, all at once', () => {
    try {
      instantiateTemplate('http_service_with_database', {
        servce_name: 'x',
        status_code: '200',
        method: 'FETCH',
        max_duration_ms: -1,
      });
      expect.unreachable();
    } catch (error) {
      expect(isOtelMcpError(error) && error.code).toBe('INVALID_ARGUMENT');
      const message = (error as Error).message;
      expect(message).toContain(
        'servce_name: unknown parameter of http_service_with_database; did you mean service_name?',
      );
      expect(message).toContain('status_code: expected a number (got "200")');
      expect(message).toContain(
        'method: expected one of GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS (got "FETCH")',
      );
      expect(message).toContain('max_duration_ms: expected a number from 0 to ∞ (got -1)');
    }
  });

  it('refuses a spec name the spec language would refuse', () => {
    expect(() => instantiateTemplate('rest_crud', { spec_name: 'my spec' })).toThrow(
      'name: expected a lower-case letter or digit',
    );
  });
});

function enumVariants(template: string): { template: string; params: Record<string, unknown> }[] {
  const info = listSpecTemplates().find((item) => item.name === template);
  return (info?.parameters ?? []).flatMap((parameter) =>
    (parameter.values ?? [])
      .filter((value) => value !== parameter.default)
      .map((value) => ({ template, params: { [parameter.name]: value } })),
  );
}
