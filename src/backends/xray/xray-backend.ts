/**
 * The AWS X-Ray adapter. Searches go through GetTraceSummaries with a filter expression built from
 * the query (filter-expression.ts); X-Ray's filters are about whole traces, so every candidate is
 * fetched with BatchGetTraces (summaries need its spans anyway) and checked against the contract's
 * one-span-meets-every-filter rule here. What X-Ray does not store is declared in XRAY_FIDELITY.
 */
import { OtelMcpError } from '../../model/errors.js';
import type { TraceQuery } from '../../model/query.js';
import type { Span } from '../../model/span.js';
import { assertQuerySupported } from '../query-support.js';
import { resolveWindow } from '../search-window.js';
import { traceMatchesQuery } from '../span-filter.js';
import { groupIntoTraces, mostRecentFirst, summarizeTrace, traceFromSpans } from '../trace-assembly.js';
import { requireTraceId } from '../trace-id-input.js';
import type { BackendCapabilities, BackendFidelity, TraceBackend } from '../trace-backend.js';
import { filterExpression } from './filter-expression.js';
import { spansFromSegments } from './segment-mapping.js';
import { createXrayClient, type XrayClientOptions } from './xray-client.js';
import { fromXrayTraceId, isXrayTraceId, toXrayTraceId } from './xray-trace-id.js';

export const XRAY_CAPABILITIES: BackendCapabilities = {
  attributeFilters: true,
  durationFilters: true,
  errorStatusFilter: true,
  searchWithoutService: true,
};

export const XRAY_FIDELITY: BackendFidelity = {
  timestampPrecisionNanos: 1000,
  reducesSpanKinds: true,
  namesEntrySpansAfterService: true,
  dropsEvents: true,
  dropsResourceAttributes: true,
  dropsScopeAttributes: true,
  dropsScope: true,
  dropsLinks: true,
  dropsTraceState: true,
};

/**
 * At most this many traces are fetched for one search or listing: 40 BatchGetTraces calls of 5,
 * a few seconds, where X-Ray's default limit of 5 calls/s per account would otherwise throttle.
 */
const MAX_CANDIDATES = 200;
const NANOS_PER_SECOND = 1_000_000_000;

export interface XrayDeps {
  now?: () => number;
  credentials?: XrayClientOptions['credentials'];
  /**
   * false: search the window without a filter expression and check every trace here. Only for
   * moto, the local X-Ray stand-in the tests run against, which implements no filter expressions
   * (it answers 500 "Not implemented yet"); real X-Ray filters.
   */
  serverFilters?: boolean;
}

export function createXrayBackend(
  name: string,
  options: Omit<XrayClientOptions, 'backendName' | 'credentials'>,
  deps: XrayDeps = {},
): TraceBackend {
  const now = deps.now ?? Date.now;
  const client = createXrayClient({ ...options, backendName: name, credentials: deps.credentials });

  const spansOf = async (query: TraceQuery, expression: string | undefined): Promise<Span[]> => {
    const filter = deps.serverFilters === false ? undefined : expression;
    const window = resolveWindow(query.window, now());
    const ids = await client.traceIds(
      Number(window.startUnixNano) / NANOS_PER_SECOND,
      Number(window.endUnixNano) / NANOS_PER_SECOND,
      filter,
      MAX_CANDIDATES,
    );
    return ids.length === 0 ? [] : spansFromSegments(await client.segments(ids));
  };

  return {
    name,
    kind: 'xray',
    endpoint: client.endpoint,
    capabilities: XRAY_CAPABILITIES,
    fidelity: XRAY_FIDELITY,
    async getTrace(traceId) {
      const id = isXrayTraceId(traceId.trim()) ? fromXrayTraceId(traceId.trim()) : requireTraceId(traceId);
      const documents = await client.segments([toXrayTraceId(id)]);
      return traceFromSpans(id, spansFromSegments(documents));
    },
    async findTraces(query) {
      assertQuerySupported(name, XRAY_CAPABILITIES, query);
      // Built even when not sent, so an unsupported filter is refused the same way everywhere.
      const filter = filterExpression(query);
      const spans = await spansOf(query, filter);
      const traces = groupIntoTraces(spans).filter((trace) => traceMatchesQuery(trace.spans, query));
      return mostRecentFirst(traces.map(summarizeTrace), query.limit);
    },
    // X-Ray has no list of services or span names: both are read from the traces of the default
    // window (at most MAX_CANDIDATES of them).
    async listServices() {
      const spans = await spansOf({ limit: MAX_CANDIDATES }, undefined);
      return [...new Set(spans.map((span) => span.serviceName))].sort();
    },
    async listOperations(serviceName) {
      if (serviceName.trim() === '') {
        throw new OtelMcpError(
          'INVALID_ARGUMENT',
          'listOperations needs a service name',
          'call listServices for the names',
        );
      }
      const spans = await spansOf({ limit: MAX_CANDIDATES }, filterExpression({ serviceName, limit: 1 }));
      const names = spans.filter((span) => span.serviceName === serviceName).map((span) => span.name);
      return [...new Set(names)].sort().map((operation) => ({ name: operation }));
    },
    async health() {
      try {
        const nowSeconds = now() / 1000;
        await client.traceIds(nowSeconds - 60, nowSeconds, undefined, 1);
        return { ok: true };
      } catch (error) {
        return { ok: false, message: error instanceof Error ? error.message : String(error) };
      }
    },
    async close() {
      client.close();
    },
  };
}
