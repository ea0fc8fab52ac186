/**
 * Tempo's HTTP query API: trace by id (`/api/traces/{id}`, OTLP protobuf when asked for
 * `application/protobuf`, else gogo-jsonpb JSON), TraceQL search (`/api/search`), and tag discovery
 * (`/api/v2/search/tags`, `/api/v2/search/tag/{tag}/values`). Search windows are Unix seconds.
 */
import { decodeTraceRequestJson, decodeTraceRequestProtobuf } from '../../otlp/index.js';
import type { Span } from '../../model/span.js';
import { parseJsonAnswer, unreadableAnswer } from '../backend-answer.js';
import type { HttpClient } from '../http/http-client.js';
import { normalizeTempoTraceJson } from './tempo-json.js';

export interface TempoSearchHit {
  traceID?: string;
  rootServiceName?: string;
  rootTraceName?: string;
  startTimeUnixNano?: string;
  durationMs?: number;
  serviceStats?: Record<string, { spanCount?: number; errorCount?: number }>;
}

export interface TempoSearch {
  q: string;
  limit: number;
  startSeconds: number;
  endSeconds: number;
}

export interface TempoClient {
  readonly endpoint: string;
  getTrace(traceId: string): Promise<Span[] | undefined>;
  search(search: TempoSearch): Promise<TempoSearchHit[]>;
  /** Tag names by scope (`resource`, `span`, `intrinsic`, ...). */
  tags(startSeconds: number, endSeconds: number): Promise<Record<string, string[]>>;
  /** Values of a scoped tag (`resource.service.name`, `name`), optionally within a TraceQL filter. */
  tagValues(tag: string, startSeconds: number, endSeconds: number, q?: string): Promise<string[]>;
  echo(): Promise<void>;
}

const PROTOBUF = 'application/protobuf';

export function createTempoClient(http: HttpClient, backendName: string): TempoClient {
  const json = (text: string, what: string) => parseJsonAnswer(text, backendName, http.endpoint, what);

  return {
    endpoint: http.endpoint,
    async getTrace(traceId) {
      const path = `/api/traces/${traceId}`;
      const response = await http.get(path, {
        accept: `${PROTOBUF}, application/json;q=0.5`,
        passStatuses: [404],
      });
      if (response.status === 404) return undefined;
      const type = response.headers.get('content-type') ?? '';
      try {
        const decoded = type.includes('protobuf')
          ? decodeTraceRequestProtobuf(response.body)
          : decodeTraceRequestJson(normalizeTempoTraceJson(json(response.text(), `GET ${path}`)));
        return decoded.spans.length === 0 ? undefined : decoded.spans;
      } catch (error) {
        throw unreadableAnswer(backendName, http.endpoint, `GET ${path}`, error);
      }
    },
    async search(search) {
      const path = '/api/search';
      const response = await http.get(path, {
        query: {
          q: search.q,
          limit: search.limit,
          start: search.startSeconds,
          end: search.endSeconds,
          spss: 1,
        },
      });
      const document = json(response.text(), `GET ${path}`) as { traces?: unknown };
      if (document.traces === undefined || document.traces === null) return [];
      if (!Array.isArray(document.traces)) {
        throw unreadableAnswer(
          backendName,
          http.endpoint,
          `GET ${path}`,
          new Error('"traces" is not a list'),
        );
      }
      return document.traces as TempoSearchHit[];
    },
    async tags(startSeconds, endSeconds) {
      const path = '/api/v2/search/tags';
      const response = await http.get(path, { query: { start: startSeconds, end: endSeconds } });
      const document = json(response.text(), `GET ${path}`) as {
        scopes?: { name?: string; tags?: string[] }[];
      };
      const byScope: Record<string, string[]> = {};
      for (const scope of document.scopes ?? []) {
        if (typeof scope.name === 'string')
          byScope[scope.name] = (scope.tags ?? []).filter((tag) => typeof tag === 'string');
      }
      return byScope;
    },
    async tagValues(tag, startSeconds, endSeconds, q) {
      const path = `/api/v2/search/tag/${encodeURIComponent(tag)}/values`;
      const response = await http.get(path, { query: { start: startSeconds, end: endSeconds, q } });
      const document = json(response.text(), `GET ${path}`) as { tagValues?: { value?: unknown }[] };
      const values = new Set<string>();
      for (const item of document.tagValues ?? [])
        if (typeof item?.value === 'string') values.add(item.value);
      return [...values];
    },
    async echo() {
      await http.get('/api/echo', { accept: 'text/plain' });
    },
  };
}
