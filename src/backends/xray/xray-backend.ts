/**
 * The AWS X-Ray adapter. Searches go through GetTraceSummaries with a filter expression built from
 * the query (filter-expression.ts); X-Ray's filters are about whole traces, so every candidate is
 * fetched with BatchGetTraces (summaries need its spans anyway) and checked against the contract's
 * one-span-meets-every-filter rule here. What X-Ray does not store is declared in XRAY_FIDELITY.
 */
import { OtelMcpError } from '../../model/errors.js';
import type { TimeWindow, TraceSummary } from '../../model/query.js';
import type { Span, Trace } from '../../model/span.js';
import { assertQuerySupported } from '../query-support.js';
import { resolveWindow } from '../search-window.js';
import { traceMatchesQuery } from '../span-filter.js';
import { groupIntoTraces, mostRecentFirst, summarizeTrace, traceFromSpans } from '../trace-assembly.js';
import { requireTraceId } from '../trace-id-input.js';
import type { BackendCapabilities, BackendFidelity, TraceBackend } from '../trace-backend.js';
import { filterExpression } from './filter-expression.js';
import { spansFromSegments } from './segment-mapping.js';
import {
  BATCH_GET_TRACES_MAX_IDS,
  createXrayClient,
  type TraceCandidate,
  type XrayClientOptions,
} from './xray-client.js';
import { fromXrayTraceId, isXrayTraceId, toXrayTraceId } from './xray-trace-id.js';
import { requireServiceName } from '../service-name-input.js';

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
 * At most this many traces are considered for one search or listing: fetching them all is 40
 * BatchGetTraces calls of 5, a few seconds within X-Ray's default of 5 calls/s per account. A
 * search matching more is refused (an arbitrary 200 of them need not hold the most recent).
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

  const candidatesOf = async (
    window: TimeWindow,
    expression: string | undefined,
    refuseMore: boolean,
  ): Promise<TraceCandidate[]> => {
    const { candidates, more } = await client.traceIds(
      Number(window.startUnixNano) / NANOS_PER_SECOND,
      Number(window.endUnixNano) / NANOS_PER_SECOND,
      deps.serverFilters === false ? undefined : expression,
      MAX_CANDIDATES,
    );
    if (more && refuseMore) {
      throw new OtelMcpError(
        'RESOURCE_EXHAUSTED',
        `${name}: more than ${MAX_CANDIDATES} X-Ray traces match in the window, too many to fetch and check`,
        'narrow the window, or add a service, attribute, duration or status filter',
      );
    }
    return candidates;
  };
  const tracesOf = async (candidates: readonly TraceCandidate[]): Promise<Trace[]> =>
    candidates.length === 0
      ? []
      : groupIntoTraces(spansFromSegments(await client.segments(candidates.map((each) => each.id))));
  /** The spans of the first MAX_CANDIDATES traces X-Ray lists for the default window. */
  const recentSpans = async (expression: string | undefined): Promise<Span[]> =>
    (await tracesOf(await candidatesOf(resolveWindow(undefined, now()), expression, false))).flatMap(
      (trace) => trace.spans,
    );

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
      const window = resolveWindow(query.window, now());
      const candidates = await candidatesOf(window, filter, true);
      const matches: TraceSummary[] = [];
      const keep = (traces: Trace[]) => {
        for (const trace of traces) {
          const summary = summarizeTrace(trace);
          // X-Ray's window is about events; the contract's is about when the trace started.
          const started = summary.startTimeUnixNano;
          if (started < window.startUnixNano || started > window.endUnixNano) continue;
          if (traceMatchesQuery(trace.spans, query)) matches.push(summary);
        }
      };
      if (candidates.every((candidate) => candidate.startSeconds !== undefined)) {
        // Newest first, one BatchGetTraces call at a time, until no candidate left can be among the
        // newest `limit` matches.
        const ordered = [...candidates].sort((a, b) => b.startSeconds! - a.startSeconds!);
        for (let i = 0; i < ordered.length; i += BATCH_GET_TRACES_MAX_IDS) {
          if (matches.length >= query.limit) {
            const oldestKept = mostRecentFirst([...matches], query.limit).at(-1)!.startTimeUnixNano;
            if (ordered[i]!.startSeconds! * NANOS_PER_SECOND < Number(oldestKept)) break;
          }
          keep(await tracesOf(ordered.slice(i, i + BATCH_GET_TRACES_MAX_IDS)));
        }
      } else {
        keep(await tracesOf(candidates));
      }
      return mostRecentFirst(matches, query.limit);
    },
    // X-Ray has no list of services or span names: both are read from the traces of the default
    // window (the first MAX_CANDIDATES X-Ray lists, so a busy account's rarest may be missing).
    async listServices() {
      const spans = await recentSpans(undefined);
      return [...new Set(spans.map((span) => span.serviceName))].sort();
    },
    async listOperations(serviceName) {
      requireServiceName(serviceName);
      const spans = await recentSpans(filterExpression({ serviceName, limit: 1 }));
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
