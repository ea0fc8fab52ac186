/**
 * The Grafana Tempo adapter: traces by id as OTLP protobuf, searches as TraceQL (built from a
 * TraceQuery, or passed through as written for `findTracesNative`), services and operations from
 * tag-value discovery. Needs Tempo ≥ 2.7 for the `most_recent` search hint.
 */
import { OtelMcpError } from '../../model/errors.js';
import { padTraceId } from '../../model/ids.js';
import type { TimeWindow, TraceQuery, TraceSummary } from '../../model/query.js';
import type { BackendConnection } from '../http/connection.js';
import { createHttpClient, type HttpDeps } from '../http/http-client.js';
import { assertQuerySupported } from '../query-support.js';
import { resolveWindow } from '../search-window.js';
import { mostRecentFirst, summarizeTrace, traceFromSpans } from '../trace-assembly.js';
import { requireTraceId } from '../trace-id-input.js';
import type { BackendCapabilities, NativeQuery, TraceBackend } from '../trace-backend.js';
import { searchChunks } from './search-chunks.js';
import { createTempoClient, type TempoClient, type TempoSearchHit } from './tempo-client.js';
import { stringLiteral, traceQlFor } from './traceql.js';
import { requireServiceName } from '../service-name-input.js';

/** Tempo's multi-tenancy header (X-Scope-OrgID, as in Cortex and Mimir). */
export const TEMPO_TENANT_HEADER = 'X-Scope-OrgID';

export const TEMPO_CAPABILITIES: BackendCapabilities = {
  attributeFilters: true,
  attributeExistenceFilters: true,
  durationFilters: true,
  errorStatusFilter: true,
  searchWithoutService: true,
  nativeQuery: true,
};

const NANOS_PER_SECOND = 1_000_000_000n;
/** Hits without service statistics (Tempo < 2.2) are completed by fetching the trace, four at a time. */
const FETCH_CONCURRENCY = 4;

export interface TempoBackend extends TraceBackend {
  findTracesNative(query: NativeQuery): Promise<TraceSummary[]>;
  /** Attribute names Tempo has seen in the window, by scope (`resource`, `span`, ...). */
  listTags(window?: TimeWindow): Promise<Record<string, string[]>>;
}

export interface TempoDeps extends HttpDeps {
  now?: () => number;
}

export function createTempoBackend(
  name: string,
  connection: BackendConnection,
  deps: TempoDeps = {},
): TempoBackend {
  const now = deps.now ?? Date.now;
  const client = createTempoClient(createHttpClient(connection, deps), name);

  const search = async (
    traceQl: string,
    limit: number,
    windowIn: TimeWindow | undefined,
  ): Promise<TraceSummary[]> => {
    const window = resolveWindow(windowIn, now());
    const { startSeconds, endSeconds } = seconds(window);
    const hits: TempoSearchHit[] = [];
    for (const chunk of searchChunks(startSeconds, endSeconds)) {
      hits.push(...(await client.search({ q: `${traceQl} with (most_recent=true)`, limit, ...chunk })));
      if (hits.length >= limit) break;
    }
    const summaries = await summariesFrom(hits, client);
    // Tempo matches traces that overlap the window; the contract bounds the trace's start.
    const inWindow = summaries.filter(
      (summary) =>
        summary.startTimeUnixNano >= window.startUnixNano && summary.startTimeUnixNano <= window.endUnixNano,
    );
    return mostRecentFirst(inWindow, limit);
  };

  return {
    name,
    kind: 'tempo',
    endpoint: connection.endpoint.url,
    capabilities: TEMPO_CAPABILITIES,
    async getTrace(traceId) {
      const id = requireTraceId(traceId);
      const spans = await client.getTrace(id);
      return spans === undefined ? undefined : traceFromSpans(id, spans);
    },
    async findTraces(query: TraceQuery) {
      assertQuerySupported(name, TEMPO_CAPABILITIES, query);
      return search(traceQlFor(query), query.limit, query.window);
    },
    async findTracesNative(query: NativeQuery) {
      if (query.query.trim() === '') {
        throw new OtelMcpError(
          'INVALID_ARGUMENT',
          'the TraceQL query is empty',
          'write a spanset filter such as { status = error }',
        );
      }
      if (!Number.isInteger(query.limit) || query.limit < 1) {
        throw new OtelMcpError('INVALID_ARGUMENT', `limit must be a positive integer, got ${query.limit}`);
      }
      return search(query.query.trim(), query.limit, query.window);
    },
    async listServices() {
      const window = resolveWindow(undefined, now());
      return (
        await client.tagValues(
          'resource.service.name',
          seconds(window).startSeconds,
          seconds(window).endSeconds,
        )
      ).sort();
    },
    async listOperations(serviceName) {
      requireServiceName(serviceName);
      const window = seconds(resolveWindow(undefined, now()));
      const names = await client.tagValues(
        'name',
        window.startSeconds,
        window.endSeconds,
        `{ resource.service.name = ${stringLiteral(serviceName)} }`,
      );
      return names.sort().map((operation) => ({ name: operation }));
    },
    async listTags(window) {
      const resolved = seconds(resolveWindow(window, now()));
      // The names seen in the newest 168 h stand for a longer window: Tempo refuses one request over it.
      const newest = searchChunks(resolved.startSeconds, resolved.endSeconds)[0] as {
        startSeconds: number;
        endSeconds: number;
      };
      return client.tags(newest.startSeconds, newest.endSeconds);
    },
    async health() {
      try {
        await client.echo();
        return { ok: true };
      } catch (error) {
        return { ok: false, message: error instanceof Error ? error.message : String(error) };
      }
    },
    async close() {},
  };
}

function seconds(window: TimeWindow): { startSeconds: number; endSeconds: number } {
  const startSeconds = Number(window.startUnixNano / NANOS_PER_SECOND);
  const endSeconds = Number((window.endUnixNano + NANOS_PER_SECOND - 1n) / NANOS_PER_SECOND);
  return { startSeconds, endSeconds: Math.max(endSeconds, startSeconds + 1) };
}

async function summariesFrom(hits: TempoSearchHit[], client: TempoClient): Promise<TraceSummary[]> {
  const summaries: (TraceSummary | undefined)[] = hits.map(summaryFromHit);
  const missing = summaries.flatMap((summary, index) => (summary === undefined ? [index] : []));
  for (let i = 0; i < missing.length; i += FETCH_CONCURRENCY) {
    await Promise.all(
      missing.slice(i, i + FETCH_CONCURRENCY).map(async (index) => {
        const traceId = padTraceId(hits[index]?.traceID ?? '');
        const spans = await client.getTrace(traceId);
        if (spans)
          summaries[index] = summarizeTrace(traceFromSpans(traceId, spans) ?? { traceId, spans: [] });
      }),
    );
  }
  return summaries.filter((summary): summary is TraceSummary => summary !== undefined);
}

/** Undefined when the hit lacks the service statistics a summary needs. */
function summaryFromHit(hit: TempoSearchHit): TraceSummary | undefined {
  if (!hit.traceID || !hit.serviceStats) return undefined;
  let spanCount = 0;
  let errorCount = 0;
  for (const stats of Object.values(hit.serviceStats)) {
    spanCount += stats.spanCount ?? 0;
    errorCount += stats.errorCount ?? 0;
  }
  // Tempo says "<root span not yet received>" when the root is missing; the summary leaves it out.
  const rootKnown = hit.rootServiceName !== undefined && !hit.rootServiceName.startsWith('<');
  return {
    traceId: padTraceId(hit.traceID),
    rootServiceName: rootKnown ? hit.rootServiceName : undefined,
    rootName: rootKnown ? hit.rootTraceName : undefined,
    startTimeUnixNano: BigInt(hit.startTimeUnixNano ?? '0'),
    durationMs: hit.durationMs ?? 0,
    spanCount,
    errorCount,
    services: Object.keys(hit.serviceStats).sort(),
  };
}
