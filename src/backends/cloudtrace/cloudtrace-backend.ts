/**
 * The Google Cloud Trace adapter. Searches go through v1 `projects.traces.list` with `view=COMPLETE`
 * (every span of each listed trace in one answer, so no trace is fetched twice), newest first
 * (`orderBy=start desc`), with a filter built from the query (list-filter.ts); Cloud Trace's filters
 * are about whole traces, so each trace is checked against the contract's one-span-meets-every-filter
 * rule here. What v1 does not keep is declared in CLOUD_TRACE_FIDELITY.
 */
import { OtelMcpError } from '../../model/errors.js';
import type { TimeWindow, TraceQuery, TraceSummary } from '../../model/query.js';
import type { Span, Trace } from '../../model/span.js';
import { assertQuerySupported } from '../query-support.js';
import { nanosToRfc3339, resolveWindow } from '../search-window.js';
import { requireServiceName } from '../service-name-input.js';
import { traceMatchesQuery } from '../span-filter.js';
import {
  groupIntoTraces,
  mostRecentFirst,
  sortByStart,
  summarizeTrace,
  traceFromSpans,
} from '../trace-assembly.js';
import { requireTraceId } from '../trace-id-input.js';
import type { BackendCapabilities, BackendFidelity, TraceBackend } from '../trace-backend.js';
import {
  createCloudTraceClient,
  type CloudTraceClientDeps,
  type CloudTraceClientOptions,
} from './cloudtrace-client.js';
import { listFilter } from './list-filter.js';
import { spansFromTraces } from './span-mapping.js';

export const CLOUD_TRACE_CAPABILITIES: BackendCapabilities = {
  attributeFilters: true,
  attributeExistenceFilters: true,
  durationFilters: true,
  // Both checked here on whole traces; v1 has no status to filter on (list-filter.ts).
  statusFilter: true,
  searchWithoutService: true,
};

export const CLOUD_TRACE_FIDELITY: BackendFidelity = {
  stringifiesAttributes: true,
  roundsFractionalNumbers: true,
  // v2 attribute strings are TruncatableStrings of at most 256 bytes.
  truncatesStringValuesAtBytes: 256,
  keepsOnlyRpcSpanKinds: true,
  dropsAllEvents: true,
  dropsLinks: true,
  dropsScope: true,
  dropsResourceAttributes: true,
  dropsTraceState: true,
};

/**
 * 100 complete traces a page keeps an answer to a few MB at the sizes agents' test runs produce;
 * 5 pages (500 traces) is where a search stops and asks to be narrowed rather than read on.
 */
const PAGE_SIZE = 100;
const MAX_PAGES = 5;
/** Services and operations come from the newest 2 pages of the default window. */
const LISTING_PAGES = 2;

export interface CloudTraceDeps extends CloudTraceClientDeps {
  /** Milliseconds since the epoch; default windows of searches end here. */
  now?: () => number;
}

export function createCloudTraceBackend(
  name: string,
  options: Omit<CloudTraceClientOptions, 'backendName'>,
  deps: CloudTraceDeps = {},
): TraceBackend {
  const now = deps.now ?? Date.now;
  const client = createCloudTraceClient({ ...options, backendName: name }, deps);

  /**
   * Pages of complete traces, newest first, mapped once each and merged by id, until `enough` says
   * the traces read so far answer the question or `pages` have been read.
   */
  const readPages = async (
    window: TimeWindow,
    filter: string | undefined,
    pages: number,
    enough: (traces: Trace[]) => boolean,
  ): Promise<{ traces: Trace[]; more: boolean }> => {
    const byId = new Map<string, Trace>();
    let pageToken: string | undefined;
    let read = 0;
    do {
      const page = await client.listPage({
        view: 'COMPLETE',
        startTime: nanosToRfc3339(window.startUnixNano),
        endTime: nanosToRfc3339(window.endUnixNano),
        orderBy: 'start desc',
        pageSize: PAGE_SIZE,
        ...(filter === undefined ? {} : { filter }),
        ...(pageToken === undefined ? {} : { pageToken }),
      });
      read++;
      for (const trace of groupIntoTraces(spansFromTraces(page.traces))) {
        const seen = byId.get(trace.traceId);
        if (!seen) {
          byId.set(trace.traceId, trace);
          continue;
        }
        // Not documented to happen; should a trace's spans come on two pages, they are one trace.
        const ids = new Set(seen.spans.map((span) => span.spanId));
        seen.spans = sortByStart([...seen.spans, ...trace.spans.filter((span) => !ids.has(span.spanId))]);
      }
      pageToken = page.nextPageToken;
    } while (pageToken !== undefined && read < pages && !enough([...byId.values()]));
    return { traces: [...byId.values()], more: pageToken !== undefined };
  };

  const matching = (traces: Trace[], query: TraceQuery, window: TimeWindow): TraceSummary[] => {
    const matches: TraceSummary[] = [];
    for (const trace of traces) {
      const summary = summarizeTrace(trace);
      // Cloud Trace lists traces with data in the window; the contract's window is about the start.
      const started = summary.startTimeUnixNano;
      if (started < window.startUnixNano || started > window.endUnixNano) continue;
      if (traceMatchesQuery(trace.spans, query)) matches.push(summary);
    }
    return matches;
  };

  /** The spans of the newest traces of the default window, for listing services and operations. */
  const recentSpans = async (): Promise<Span[]> =>
    (await readPages(resolveWindow(undefined, now()), undefined, LISTING_PAGES, () => false)).traces.flatMap(
      (trace) => trace.spans,
    );

  return {
    name,
    kind: 'cloud-trace',
    endpoint: client.endpoint,
    capabilities: CLOUD_TRACE_CAPABILITIES,
    fidelity: CLOUD_TRACE_FIDELITY,
    async getTrace(traceId) {
      const id = requireTraceId(traceId);
      const trace = await client.getTrace(id);
      return trace ? traceFromSpans(id, spansFromTraces([trace])) : undefined;
    },
    async findTraces(query) {
      assertQuerySupported(name, CLOUD_TRACE_CAPABILITIES, query);
      const window = resolveWindow(query.window, now());
      const filter = listFilter(query);
      // Newest first: once a page leaves `limit` matches, older pages cannot change the answer.
      const { traces, more } = await readPages(
        window,
        filter,
        MAX_PAGES,
        (read) => matching(read, query, window).length >= query.limit,
      );
      const matches = matching(traces, query, window);
      if (more && matches.length < query.limit) {
        throw new OtelMcpError(
          'RESOURCE_EXHAUSTED',
          `${name}: more than ${PAGE_SIZE * MAX_PAGES} Cloud Trace traces in the window had to be checked, too many to read`,
          'narrow the window, or add an operation, attribute or duration filter (those are sent to Cloud Trace)',
        );
      }
      return mostRecentFirst(matches, query.limit);
    },
    // Cloud Trace has no list of services or span names: both are read from the newest
    // PAGE_SIZE × LISTING_PAGES traces of the default window, so a busy project's rarest may be missing.
    async listServices() {
      const spans = await recentSpans();
      return [...new Set(spans.map((span) => span.serviceName))].sort();
    },
    async listOperations(serviceName) {
      requireServiceName(serviceName);
      const spans = await recentSpans();
      const names = spans.filter((span) => span.serviceName === serviceName).map((span) => span.name);
      return [...new Set(names)].sort().map((operation) => ({ name: operation }));
    },
    async health() {
      try {
        const nowMs = now();
        await client.listPage({
          view: 'MINIMAL',
          startTime: nanosToRfc3339(BigInt(nowMs - 60_000) * 1_000_000n),
          endTime: nanosToRfc3339(BigInt(nowMs) * 1_000_000n),
          pageSize: 1,
        });
        return { ok: true };
      } catch (error) {
        return { ok: false, message: error instanceof Error ? error.message : String(error) };
      }
    },
    async close() {},
  };
}
