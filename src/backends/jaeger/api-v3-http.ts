/**
 * Jaeger's api_v3 over HTTP (the grpc-gateway on the query port, 16686 by default). Trace answers
 * are `{"result": TracesData}` in OTLP JSON with every match merged into one document; "no traces"
 * is a 404 with `{"error":{...}}` for both a lookup and a search.
 */
import { decodeTraceRequestJson } from '../../otlp/index.js';
import type { OperationInfo } from '../../model/query.js';
import type { Span } from '../../model/span.js';
import { parseJsonAnswer, unreadableAnswer } from '../backend-answer.js';
import type { HttpClient } from '../http/http-client.js';
import { msToGoDuration, nanosToRfc3339 } from '../search-window.js';
import type { FindTracesParams, JaegerTransport } from './jaeger-transport.js';

const NANOS_PER_MS = 1_000_000;

export function createApiV3HttpTransport(http: HttpClient, backendName: string): JaegerTransport {
  const decodeResult = (text: string, what: string): Span[] => {
    const document = parseJsonAnswer(text, backendName, http.endpoint, what) as { result?: unknown };
    try {
      return decodeTraceRequestJson(document.result ?? {}).spans;
    } catch (error) {
      throw unreadableAnswer(backendName, http.endpoint, what, error);
    }
  };

  return {
    api: 'api_v3 HTTP',
    async getTrace(traceId) {
      const path = `/api/v3/traces/${traceId}`;
      const response = await http.get(path, { passStatuses: [404] });
      if (response.status === 404) return undefined;
      return decodeResult(response.text(), `GET ${path}`);
    },
    async findTraces(params: FindTracesParams) {
      // This gateway ignores query.attributes before Jaeger v2.14 (checked on v2.13): callers send
      // attribute searches to the internal API instead, so a filter is never dropped silently.
      const path = '/api/v3/traces';
      const response = await http.get(path, {
        passStatuses: [404],
        query: {
          'query.service_name': params.serviceName,
          'query.operation_name': params.operationName,
          'query.start_time_min': nanosToRfc3339(params.startTimeMinNanos),
          'query.start_time_max': nanosToRfc3339(params.startTimeMaxNanos),
          'query.duration_min':
            params.durationMinNanos === undefined
              ? undefined
              : msToGoDuration(Number(params.durationMinNanos) / NANOS_PER_MS),
          'query.duration_max':
            params.durationMaxNanos === undefined
              ? undefined
              : msToGoDuration(Number(params.durationMaxNanos) / NANOS_PER_MS),
          'query.num_traces': params.searchDepth,
        },
      });
      if (response.status === 404) return [];
      return decodeResult(response.text(), `GET ${path}`);
    },
    async getServices() {
      const response = await http.get('/api/v3/services');
      const document = parseJsonAnswer(
        response.text(),
        backendName,
        http.endpoint,
        'GET /api/v3/services',
      ) as {
        services?: unknown;
      };
      return Array.isArray(document.services)
        ? document.services.filter((s): s is string => typeof s === 'string')
        : [];
    },
    async getOperations(service) {
      const response = await http.get('/api/v3/operations', { query: { service } });
      const document = parseJsonAnswer(
        response.text(),
        backendName,
        http.endpoint,
        'GET /api/v3/operations',
      ) as {
        operations?: unknown;
      };
      return operationsFrom(document.operations);
    },
    async close() {},
  };
}

function operationsFrom(value: unknown): OperationInfo[] {
  if (!Array.isArray(value)) return [];
  const operations: OperationInfo[] = [];
  for (const item of value) {
    if (typeof item !== 'object' || item === null) continue;
    const { name, spanKind } = item as { name?: unknown; spanKind?: unknown };
    if (typeof name !== 'string') continue;
    operations.push(typeof spanKind === 'string' && spanKind !== '' ? { name, spanKind } : { name });
  }
  return operations;
}
