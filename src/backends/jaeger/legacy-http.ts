/**
 * Jaeger's internal HTTP API under /api (the one its UI uses): the only HTTP API of Jaeger 1.x
 * before api_v3, and on 2.x the HTTP route that honours tag filters. Answers are
 * `{data, total, limit, offset, errors}` with spans in Jaeger's own model (see legacy-mapping.ts).
 */
import type { OperationInfo } from '../../model/query.js';
import { parseJsonAnswer, unreadableAnswer } from '../backend-answer.js';
import type { HttpClient } from '../http/http-client.js';
import { msToGoDuration } from '../search-window.js';
import type { FindTracesParams, JaegerTransport } from './jaeger-transport.js';
import { spansFromJaegerTraces, type JaegerTraceJson } from './legacy-mapping.js';

const NANOS_PER_MICRO = 1000n;
const NANOS_PER_MS = 1_000_000;

export function createLegacyHttpTransport(http: HttpClient, backendName: string): JaegerTransport {
  const dataOf = (text: string, what: string): unknown => {
    const document = parseJsonAnswer(text, backendName, http.endpoint, what) as { data?: unknown };
    return document.data;
  };
  const tracesFrom = (text: string, what: string) => {
    const data = dataOf(text, what);
    if (data === null || data === undefined) return [];
    if (!Array.isArray(data))
      throw unreadableAnswer(backendName, http.endpoint, what, new Error('"data" is not a list of traces'));
    return spansFromJaegerTraces(data as JaegerTraceJson[]);
  };

  return {
    api: 'internal HTTP API',
    async getTrace(traceId) {
      const path = `/api/traces/${traceId}`;
      const response = await http.get(path, { passStatuses: [404] });
      if (response.status === 404) return undefined;
      const spans = tracesFrom(response.text(), `GET ${path}`);
      return spans.length === 0 ? undefined : spans;
    },
    async findTraces(params: FindTracesParams) {
      const path = '/api/traces';
      const attributes = params.attributes ?? {};
      const response = await http.get(path, {
        query: {
          service: params.serviceName,
          operation: params.operationName,
          tags: Object.keys(attributes).length > 0 ? JSON.stringify(attributes) : undefined,
          start: (params.startTimeMinNanos / NANOS_PER_MICRO).toString(),
          end: (params.startTimeMaxNanos / NANOS_PER_MICRO).toString(),
          minDuration:
            params.durationMinNanos === undefined
              ? undefined
              : msToGoDuration(Number(params.durationMinNanos) / NANOS_PER_MS),
          maxDuration:
            params.durationMaxNanos === undefined
              ? undefined
              : msToGoDuration(Number(params.durationMaxNanos) / NANOS_PER_MS),
          limit: params.searchDepth,
        },
      });
      return tracesFrom(response.text(), `GET ${path}`);
    },
    async getServices() {
      const response = await http.get('/api/services');
      const data = dataOf(response.text(), 'GET /api/services');
      return Array.isArray(data) ? data.filter((s): s is string => typeof s === 'string') : [];
    },
    async getOperations(service) {
      const response = await http.get('/api/operations', { query: { service } });
      const data = dataOf(response.text(), 'GET /api/operations');
      if (!Array.isArray(data)) return [];
      const operations: OperationInfo[] = [];
      for (const item of data) {
        const { name, spanKind } = (item ?? {}) as { name?: unknown; spanKind?: unknown };
        if (typeof name !== 'string') continue;
        operations.push(typeof spanKind === 'string' && spanKind !== '' ? { name, spanKind } : { name });
      }
      return operations;
    },
    async close() {},
  };
}
