/** One REST operation on a resource (create, read, update, delete, list) and the query it makes. */
import { dbCall, dbSemconvParameter, specNameParameter, type SpecTemplate } from './spec-template.js';

const OPERATIONS = {
  create: { method: 'POST', item: false, status: 201, sql: 'INSERT' },
  read: { method: 'GET', item: true, status: 200, sql: 'SELECT' },
  update: { method: 'PUT', item: true, status: 200, sql: 'UPDATE' },
  delete: { method: 'DELETE', item: true, status: 204, sql: 'DELETE' },
  list: { method: 'GET', item: false, status: 200, sql: 'SELECT' },
} as const;

export const restCrud: SpecTemplate = {
  name: 'rest_crud',
  title: 'REST CRUD operation',
  description:
    'A REST endpoint of a resource: the server span with the conventional method, route and status, and exactly one database statement of the matching kind.',
  parameters: [
    specNameParameter('rest_crud'),
    {
      name: 'service_name',
      description: 'service.name of the REST service',
      type: 'string',
      default: 'users-service',
    },
    { name: 'resource', description: 'Resource (and table) name, plural', type: 'string', default: 'users' },
    {
      name: 'operation',
      description: 'Which CRUD operation the trace performs',
      type: 'string',
      default: 'read',
      values: Object.keys(OPERATIONS),
    },
    { name: 'db_system', description: 'Database system', type: 'string', default: 'postgresql' },
    dbSemconvParameter(),
  ],
  build(p) {
    const operation = OPERATIONS[p.operation as keyof typeof OPERATIONS];
    const route = operation.item ? `/${p.resource}/{id}` : `/${p.resource}`;
    return {
      name: p.spec_name,
      description: `${p.operation} ${p.resource}: ${operation.method} ${route} → ${operation.status}, one ${operation.sql}`,
      expected_spans: [
        {
          operation_name: `${operation.method} ${route}`,
          service_name: p.service_name,
          kind: 'server',
          count: 1,
          required_tags: {
            'http.request.method': operation.method,
            'http.route': route,
            'http.response.status_code': operation.status,
          },
          children: [
            {
              ...dbCall(p.db_semconv as string, {
                system: p.db_system as string,
                operation: operation.sql,
                collection: p.resource as string,
              }),
              service_name: p.service_name,
              kind: 'client',
              count: 1,
            },
          ],
        },
      ],
    };
  },
};
