/** An HTTP server span with one database call beneath it. */
import { dbCall, dbSemconvParameter, specNameParameter, type SpecTemplate } from './spec-template.js';

export const httpServiceWithDatabase: SpecTemplate = {
  name: 'http_service_with_database',
  title: 'HTTP service with database',
  description:
    'One HTTP request handled by a service that queries its database once or more (OpenTelemetry HTTP and database semantic conventions).',
  parameters: [
    specNameParameter('http_service_with_database'),
    {
      name: 'service_name',
      description: 'service.name of the HTTP service',
      type: 'string',
      default: 'api-service',
    },
    {
      name: 'method',
      description: 'HTTP request method',
      type: 'string',
      default: 'GET',
      values: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'],
    },
    {
      name: 'route',
      description: 'http.route: the route template, not the concrete path',
      type: 'string',
      default: '/users/{id}',
    },
    {
      name: 'status_code',
      description: 'Expected http.response.status_code',
      type: 'number',
      default: 200,
      min: 100,
      max: 599,
    },
    {
      name: 'db_system',
      description: 'Database system (postgresql, mysql, mongodb, redis, ...)',
      type: 'string',
      default: 'postgresql',
    },
    dbSemconvParameter(),
    {
      name: 'db_operation',
      description: 'Database operation (SELECT, INSERT, find, ...)',
      type: 'string',
      default: 'SELECT',
    },
    { name: 'db_collection', description: 'Table or collection queried', type: 'string', default: 'users' },
    {
      name: 'max_duration_ms',
      description: 'Budget of the HTTP server span in ms; 0 for none',
      type: 'number',
      default: 500,
      min: 0,
    },
  ],
  build(p) {
    const budget = p.max_duration_ms as number;
    return {
      name: p.spec_name,
      description: `${p.method} ${p.route} in ${p.service_name}, reading ${p.db_collection} from ${p.db_system}`,
      expected_spans: [
        {
          operation_name: `${p.method} ${p.route}`,
          service_name: p.service_name,
          kind: 'server',
          required_tags: {
            'http.request.method': p.method,
            'http.route': p.route,
            'http.response.status_code': p.status_code,
          },
          ...(budget > 0 ? { expected_duration_ms: { max: budget } } : {}),
          children: [
            {
              ...dbCall(p.db_semconv as string, {
                system: p.db_system as string,
                operation: p.db_operation as string,
                collection: p.db_collection as string,
              }),
              service_name: p.service_name,
              kind: 'client',
            },
          ],
        },
      ],
    };
  },
};
