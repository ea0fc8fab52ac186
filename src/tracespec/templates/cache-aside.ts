/** Cache-aside reads: on a hit only the cache is read; on a miss the database is read and the cache filled. */
import { dbCall, dbSemconvParameter, specNameParameter, type SpecTemplate } from './spec-template.js';

export const cacheAside: SpecTemplate = {
  name: 'cache_aside',
  title: 'Cache-aside read',
  description:
    'A read through a cache: a hit makes no database call (count 0); a miss reads the database and then writes the cache, in that order.',
  parameters: [
    specNameParameter('cache_aside'),
    {
      name: 'service_name',
      description: 'service.name of the reading service',
      type: 'string',
      default: 'catalog-service',
    },
    {
      name: 'route',
      description: 'http.route of the read endpoint',
      type: 'string',
      default: '/products/{id}',
    },
    {
      name: 'scenario',
      description: 'Which path the trace takes',
      type: 'string',
      default: 'miss',
      values: ['hit', 'miss'],
    },
    { name: 'cache_system', description: 'Cache database system', type: 'string', default: 'redis' },
    { name: 'cache_get', description: 'Span name of the cache read', type: 'string', default: 'GET' },
    { name: 'cache_set', description: 'Span name of the cache write', type: 'string', default: 'SET' },
    {
      name: 'db_system',
      description: 'Database system behind the cache',
      type: 'string',
      default: 'postgresql',
    },
    { name: 'db_collection', description: 'Table read on a miss', type: 'string', default: 'products' },
    dbSemconvParameter(),
  ],
  build(p) {
    const cache = (name: string, count: number) => ({
      operation_name: name,
      service_name: p.service_name,
      kind: 'client',
      count,
      required_tags: { [p.db_semconv === 'legacy' ? 'db.system' : 'db.system.name']: p.cache_system },
    });
    const query = (count: number) => ({
      ...dbCall(p.db_semconv as string, {
        system: p.db_system as string,
        operation: 'SELECT',
        collection: p.db_collection as string,
      }),
      service_name: p.service_name,
      kind: 'client',
      count,
    });
    const hit = p.scenario === 'hit';
    return {
      name: p.spec_name,
      description: `GET ${p.route} on a cache ${p.scenario}`,
      expected_spans: [
        {
          operation_name: `GET ${p.route}`,
          service_name: p.service_name,
          kind: 'server',
          required_tags: {
            'http.request.method': 'GET',
            'http.route': p.route,
            'http.response.status_code': 200,
          },
          ...(hit ? {} : { ordered: true }),
          children: hit
            ? [cache(p.cache_get as string, 1), query(0), cache(p.cache_set as string, 0)]
            : [cache(p.cache_get as string, 1), query(1), cache(p.cache_set as string, 1)],
        },
      ],
    };
  },
};
