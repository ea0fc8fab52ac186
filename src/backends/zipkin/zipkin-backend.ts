/**
 * The Zipkin adapter (v2 REST API). Zipkin stores less than OTLP (see zipkin-mapping.ts), declared
 * in `fidelity`; it lower-cases service and span names, so searches are lower-cased before they
 * are sent and specs should compare names case-insensitively against this backend.
 */
import type { TraceQuery } from '../../model/query.js';
import type { BackendConnection } from '../http/connection.js';
import { createHttpClient, type HttpDeps } from '../http/http-client.js';
import { assertQuerySupported } from '../query-support.js';
import { resolveWindow } from '../search-window.js';
import { traceMatchesQuery } from '../span-filter.js';
import { groupIntoTraces, mostRecentFirst, summarizeTrace, traceFromSpans } from '../trace-assembly.js';
import { requireTraceId } from '../trace-id-input.js';
import type { BackendCapabilities, BackendFidelity, TraceBackend } from '../trace-backend.js';
import { annotationQuery } from './annotation-query.js';
import { createZipkinClient, type ZipkinDependencyLink } from './zipkin-client.js';
import { spansFromZipkin } from './zipkin-mapping.js';
import { requireServiceName } from '../service-name-input.js';

export const ZIPKIN_CAPABILITIES: BackendCapabilities = {
  attributeFilters: true,
  attributeExistenceFilters: true,
  durationFilters: true,
  errorStatusFilter: true,
  searchWithoutService: true,
};

export const ZIPKIN_FIDELITY: BackendFidelity = {
  lowercasesNames: true,
  stringifiesAttributes: true,
  timestampPrecisionNanos: 1000,
  dropsResourceAttributes: true,
  dropsScopeAttributes: true,
  dropsLinks: true,
  dropsTraceState: true,
};

/**
 * Zipkin lets the filters of one search be met by different spans of the service; the contract
 * wants one span meeting them all. Such searches fetch this many times the limit (up to 1000
 * traces) and keep the traces where one span matches.
 */
const OVERFETCH_FACTOR = 4;
const MAX_FETCH = 1000;
const NANOS_PER_MS = 1_000_000n;

export interface ZipkinBackend extends TraceBackend {
  /** Service call counts over the window (`/api/v2/dependencies`), for service-graph questions. */
  getDependencies(window?: TraceQuery['window']): Promise<ZipkinDependencyLink[]>;
}

export interface ZipkinDeps extends HttpDeps {
  now?: () => number;
}

export function createZipkinBackend(
  name: string,
  connection: BackendConnection,
  deps: ZipkinDeps = {},
): ZipkinBackend {
  const now = deps.now ?? Date.now;
  const client = createZipkinClient(createHttpClient(connection, deps), name);

  return {
    name,
    kind: 'zipkin',
    endpoint: connection.endpoint.url,
    capabilities: ZIPKIN_CAPABILITIES,
    fidelity: ZIPKIN_FIDELITY,
    async getTrace(traceId) {
      const id = requireTraceId(traceId);
      const raw = await client.getTrace(id);
      return raw === undefined ? undefined : traceFromSpans(id, spansFromZipkin(raw));
    },
    async findTraces(query) {
      assertQuerySupported(name, ZIPKIN_CAPABILITIES, query);
      const window = resolveWindow(query.window, now());
      const endTsMs = Number(window.endUnixNano / NANOS_PER_MS);
      // `status` is about the whole trace; Zipkin's `error` annotation query is about a span of the
      // service, so it is sent only when it is the one filter (then both mean the same).
      const errorOnly = query.status === 'error' && looseFilterCount(query) === 1 && !query.serviceName;
      const loose = looseFilterCount(query) >= 2 || (query.status === 'error' && !errorOnly);
      const raw = await client.findTraces({
        serviceName: query.serviceName?.toLowerCase(),
        spanName: query.operationName?.toLowerCase(),
        annotationQuery: annotationQuery(query.attributes ?? [], errorOnly),
        // Zipkin accepts maxDuration only together with a minDuration above 0; 1 µs leaves out only
        // spans whose duration Zipkin does not know (0).
        minDurationMicros:
          query.minDurationMs === undefined
            ? query.maxDurationMs === undefined
              ? undefined
              : 1
            : Math.max(1, Math.ceil(query.minDurationMs * 1000)),
        maxDurationMicros:
          query.maxDurationMs === undefined ? undefined : Math.floor(query.maxDurationMs * 1000),
        endTsMs,
        lookbackMs: Math.max(1, endTsMs - Number(window.startUnixNano / NANOS_PER_MS)),
        limit: loose ? Math.min(MAX_FETCH, query.limit * OVERFETCH_FACTOR) : query.limit,
      });
      let traces = groupIntoTraces(spansFromZipkin(raw.flat()));
      if (loose)
        traces = traces.filter((trace) => traceMatchesQuery(trace.spans, query, { ignoreNameCase: true }));
      return mostRecentFirst(traces.map(summarizeTrace), query.limit);
    },
    async listServices() {
      return (await client.getServices()).sort();
    },
    async listOperations(serviceName) {
      requireServiceName(serviceName);
      // Zipkin keeps no span kind per name, so only names are listed.
      return (await client.getSpanNames(serviceName.toLowerCase()))
        .sort()
        .map((operation) => ({ name: operation }));
    },
    async getDependencies(window) {
      const resolved = resolveWindow(window, now());
      const endTsMs = Number(resolved.endUnixNano / NANOS_PER_MS);
      return client.getDependencies(
        endTsMs,
        Math.max(1, endTsMs - Number(resolved.startUnixNano / NANOS_PER_MS)),
      );
    },
    async health() {
      try {
        await client.health();
        return { ok: true };
      } catch (error) {
        return { ok: false, message: error instanceof Error ? error.message : String(error) };
      }
    },
    async close() {},
  };
}

/**
 * Filters Zipkin may satisfy with different spans of the service (service and name alone cannot
 * diverge), `status` counting as one because it is checked here against the whole trace.
 */
function looseFilterCount(query: TraceQuery): number {
  return (
    (query.operationName === undefined ? 0 : 1) +
    (query.attributes?.length ?? 0) +
    (query.minDurationMs === undefined && query.maxDurationMs === undefined ? 0 : 1) +
    (query.status === 'error' ? 1 : 0)
  );
}
