/** Zipkin's v2 query API (`/api/v2/...`, zipkin2-api.yaml). Times: spans in µs, query windows in ms. */
import type { HttpClient } from '../http/http-client.js';
import { parseJsonAnswer, unreadableAnswer } from '../backend-answer.js';
import type { ZipkinSpan } from './zipkin-span.js';

export interface ZipkinSearch {
  serviceName?: string;
  spanName?: string;
  annotationQuery?: string;
  minDurationMicros?: number;
  maxDurationMicros?: number;
  endTsMs: number;
  lookbackMs: number;
  limit: number;
}

export interface ZipkinDependencyLink {
  parent: string;
  child: string;
  callCount: number;
  errorCount?: number;
}

export interface ZipkinClient {
  readonly endpoint: string;
  /** Undefined when the trace is absent (Zipkin answers 404 in plain text). */
  getTrace(traceId: string): Promise<ZipkinSpan[] | undefined>;
  findTraces(search: ZipkinSearch): Promise<ZipkinSpan[][]>;
  getServices(): Promise<string[]>;
  getSpanNames(serviceName: string): Promise<string[]>;
  getDependencies(endTsMs: number, lookbackMs: number): Promise<ZipkinDependencyLink[]>;
  health(): Promise<void>;
}

export function createZipkinClient(http: HttpClient, backendName: string): ZipkinClient {
  const json = (text: string, what: string) => parseJsonAnswer(text, backendName, http.endpoint, what);
  const list = <T>(value: unknown, what: string): T[] => {
    if (Array.isArray(value)) return value as T[];
    throw unreadableAnswer(backendName, http.endpoint, what, new Error('expected a JSON array'));
  };

  return {
    endpoint: http.endpoint,
    async getTrace(traceId) {
      const path = `/api/v2/trace/${traceId}`;
      const response = await http.get(path, { passStatuses: [404] });
      if (response.status === 404) return undefined;
      const spans = list<ZipkinSpan>(json(response.text(), `GET ${path}`), `GET ${path}`);
      return spans.length === 0 ? undefined : spans;
    },
    async findTraces(search) {
      const path = '/api/v2/traces';
      const response = await http.get(path, {
        query: {
          serviceName: search.serviceName,
          spanName: search.spanName,
          annotationQuery: search.annotationQuery,
          minDuration: search.minDurationMicros,
          maxDuration: search.maxDurationMicros,
          endTs: search.endTsMs,
          lookback: search.lookbackMs,
          limit: search.limit,
        },
      });
      return list<unknown>(json(response.text(), `GET ${path}`), `GET ${path}`).map((trace) =>
        list<ZipkinSpan>(trace, `GET ${path}`),
      );
    },
    async getServices() {
      const response = await http.get('/api/v2/services');
      return list<string>(json(response.text(), 'GET /api/v2/services'), 'GET /api/v2/services');
    },
    async getSpanNames(serviceName) {
      const response = await http.get('/api/v2/spans', { query: { serviceName } });
      return list<string>(json(response.text(), 'GET /api/v2/spans'), 'GET /api/v2/spans');
    },
    async getDependencies(endTsMs, lookbackMs) {
      const response = await http.get('/api/v2/dependencies', {
        query: { endTs: endTsMs, lookback: lookbackMs },
      });
      return list<ZipkinDependencyLink>(
        json(response.text(), 'GET /api/v2/dependencies'),
        'GET /api/v2/dependencies',
      );
    },
    async health() {
      await http.get('/health');
    },
  };
}
