/**
 * The Jaeger adapter. A grpc:// endpoint speaks api_v3 gRPC; an http(s):// endpoint speaks api_v3
 * over HTTP and falls back to the internal /api when /api/v3 is missing (Jaeger 1.x before
 * api_v3). Over HTTP, searches with attribute filters go to the internal API, because the api_v3
 * gateway of Jaeger ≤ v2.13 drops `query.attributes` without a word.
 */
import type { AttributeValue } from '../../model/span.js';
import type { TraceQuery } from '../../model/query.js';
import { msToNanos } from '../../model/time.js';
import type { BackendConnection } from '../http/connection.js';
import { createHttpClient, type HttpDeps } from '../http/http-client.js';
import { assertQuerySupported } from '../query-support.js';
import { resolveWindow } from '../search-window.js';
import { groupIntoTraces, mostRecentFirst, summarizeTrace, traceFromSpans } from '../trace-assembly.js';
import { requireTraceId } from '../trace-id-input.js';
import type { BackendCapabilities, TraceBackend } from '../trace-backend.js';
import { createApiV3GrpcTransport } from './api-v3-grpc.js';
import { createApiV3HttpTransport } from './api-v3-http.js';
import type { FindTracesParams, JaegerTransport } from './jaeger-transport.js';
import { createLegacyHttpTransport } from './legacy-http.js';
import { requireServiceName } from '../service-name-input.js';

/** The tenancy header Jaeger's multi_tenancy option reads by default. */
export const JAEGER_TENANT_HEADER = 'x-tenant';

export const JAEGER_CAPABILITIES: BackendCapabilities = {
  attributeFilters: true,
  durationFilters: true,
  operationKinds: true,
};

/**
 * Jaeger picks `num_traces` by arrival (its memory store walks a ring buffer from the newest
 * insert, and traces of one batch land in map order), while the contract keeps the most recent by
 * start time: ask for this many times the limit (at most 1000) and keep the newest here.
 */
const OVERFETCH_FACTOR = 4;
const MAX_FETCH = 1000;

export interface JaegerDeps extends HttpDeps {
  now?: () => number;
}

export function createJaegerBackend(
  name: string,
  connection: BackendConnection,
  deps: JaegerDeps = {},
): TraceBackend {
  const now = deps.now ?? Date.now;
  const grpc = connection.endpoint.scheme === 'grpc' || connection.endpoint.scheme === 'grpcs';
  const http = grpc ? undefined : createHttpClient(connection, deps);
  const legacy = http ? createLegacyHttpTransport(http, name) : undefined;
  const primary: JaegerTransport = grpc
    ? createApiV3GrpcTransport(connection, deps)
    : createApiV3HttpTransport(http!, name);
  let detected: Promise<JaegerTransport> | undefined;

  /** api_v3 when the server has it; asked once, asked again after a failure to reach the server. */
  function transport(): Promise<JaegerTransport> {
    if (grpc || !http) return Promise.resolve(primary);
    detected ??= http.get('/api/v3/services', { passStatuses: [404] }).then(
      (response) => (response.status === 404 ? legacy! : primary),
      (error: unknown) => {
        detected = undefined;
        throw error;
      },
    );
    return detected;
  }

  return {
    name,
    kind: 'jaeger',
    endpoint: connection.endpoint.url,
    capabilities: JAEGER_CAPABILITIES,
    async getTrace(traceId) {
      const id = requireTraceId(traceId);
      const spans = await (await transport()).getTrace(id);
      return spans === undefined ? undefined : traceFromSpans(id, spans);
    },
    async findTraces(query: TraceQuery) {
      assertQuerySupported(name, JAEGER_CAPABILITIES, query);
      const params = findParams(query, now());
      let chosen = await transport();
      if (params.attributes && chosen.api === 'api_v3 HTTP') chosen = legacy!;
      const traces = groupIntoTraces(await chosen.findTraces(params));
      return mostRecentFirst(traces.map(summarizeTrace), query.limit);
    },
    async listServices() {
      return (await (await transport()).getServices()).sort();
    },
    async listOperations(serviceName) {
      requireServiceName(serviceName);
      const operations = await (await transport()).getOperations(serviceName);
      return operations.sort(
        (a, b) => a.name.localeCompare(b.name) || (a.spanKind ?? '').localeCompare(b.spanKind ?? ''),
      );
    },
    async health() {
      try {
        await (await transport()).getServices();
        return { ok: true };
      } catch (error) {
        return { ok: false, message: error instanceof Error ? error.message : String(error) };
      }
    },
    async close() {
      await primary.close();
    },
  };
}

function findParams(query: TraceQuery, nowMs: number): FindTracesParams {
  const window = resolveWindow(query.window, nowMs);
  const attributes: Record<string, string> = {};
  for (const filter of query.attributes ?? []) attributes[filter.key] = attributeText(filter.value);
  return {
    serviceName: query.serviceName,
    operationName: query.operationName,
    attributes: Object.keys(attributes).length > 0 ? attributes : undefined,
    startTimeMinNanos: window.startUnixNano,
    startTimeMaxNanos: window.endUnixNano,
    durationMinNanos: query.minDurationMs === undefined ? undefined : msToNanos(query.minDurationMs),
    durationMaxNanos: query.maxDurationMs === undefined ? undefined : msToNanos(query.maxDurationMs),
    searchDepth: Math.min(MAX_FETCH, Math.max(query.limit, query.limit * OVERFETCH_FACTOR)),
  };
}

/** Jaeger compares attribute values as their string form (pcommon Value.AsString). */
function attributeText(value: AttributeValue | undefined): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value ?? null);
}
