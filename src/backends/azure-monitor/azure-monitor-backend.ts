/**
 * The Azure Monitor (Application Insights) adapter: traces read with KQL over a Log Analytics
 * workspace, or in the scope of one Application Insights resource (by its Azure resource id). A search asks KQL for the traces with a span meeting the span-level filters
 * (kql-queries.ts), newest first, then reads those traces whole and checks each against the full
 * query here, since some filters only narrow in KQL (attributes read from typed columns, the
 * trace-wide status). What App Insights does not store is declared in AZURE_MONITOR_FIDELITY.
 */
import { OtelMcpError } from '../../model/errors.js';
import type { OperationInfo, TimeWindow, TraceSummary } from '../../model/query.js';
import type { Span } from '../../model/span.js';
import { unreadableAnswer } from '../backend-answer.js';
import { assertQuerySupported } from '../query-support.js';
import { FUTURE_SLACK_MS, resolveWindow } from '../search-window.js';
import { requireServiceName } from '../service-name-input.js';
import { traceMatchesQuery } from '../span-filter.js';
import { groupIntoTraces, mostRecentFirst, summarizeTrace, traceFromSpans } from '../trace-assembly.js';
import { requireTraceId } from '../trace-id-input.js';
import type { BackendCapabilities, BackendFidelity, TraceBackend } from '../trace-backend.js';
import type { QueryScope } from './azure-monitor-errors.js';
import {
  candidateTracesQuery,
  HEALTH_QUERY,
  logRecordsQuery,
  operationsQuery,
  servicesQuery,
  traceRowsQuery,
} from './kql-queries.js';
import { createLogsClient, type LogsClientOptions, type QueryWindow } from './logs-client.js';
import { KEYS_NOT_KEPT, unanswerableFilter } from './telemetry-attributes.js';
import { logRecordsFromRows } from './log-record-mapping.js';
import { cellText, dependencyKind, spansFromRows, type TelemetryRow } from './telemetry-mapping.js';
import { telemetrySchema, type SchemaName } from './telemetry-schema.js';

export const AZURE_MONITOR_CAPABILITIES: BackendCapabilities = {
  attributeFilters: true,
  attributeExistenceFilters: true,
  durationFilters: true,
  statusFilter: true,
  searchWithoutService: true,
  // A request row is a SERVER span (CONSUMER ones too), a dependency's type tells CLIENT, PRODUCER
  // or INTERNAL: the same reading as a trace's spans get (AZURE_MONITOR_FIDELITY).
  operationKinds: true,
  // Log records are message rows with a severity (log-record-mapping.ts).
  logs: true,
};

export const AZURE_MONITOR_FIDELITY: BackendFidelity = {
  // Azure's exporter sends starts in whole ms (truncated) and durations rounded to the ms.
  timestampPrecisionNanos: 1_000_000,
  stringifiesAttributes: true,
  kindsFromRequestsAndDependencies: true,
  namesRequestsAfterHttpRoute: true,
  dropsConsumerSpanNames: true,
  dropsAttributes: KEYS_NOT_KEPT,
  dropsLinkAttributes: true,
  dropsResourceAttributes: true,
  dropsScopeAttributes: true,
  dropsScope: true,
  dropsTraceState: true,
};

/**
 * At most this many rows (spans, events, exceptions) are read for one trace or one batch of them:
 * far under the query API's 500,000-row answer limit, and ~25 MB of JSON. A trace with more is
 * refused rather than shown cut.
 */
export const MAX_TRACE_ROWS = 50_000;
/** At most this many candidate traces are checked for one search (as X-Ray's adapter does). */
export const MAX_CANDIDATES = 200;
/** Candidate traces read per query. */
const TRACES_PER_QUERY = 20;
/** Services and operations listed at most. */
const MAX_NAMES = 1000;
/**
 * How far back a trace is looked for by id: W3C trace ids carry no time, and two years is the
 * longest interactive retention of a Log Analytics table.
 */
const TRACE_LOOKBACK_MS = 730 * 24 * 60 * 60 * 1000;
const NANOS_PER_MS = 1_000_000n;

export interface AzureMonitorOptions {
  scope: QueryScope;
  endpoint?: string;
  schema: SchemaName;
  timeoutMs: number;
  retries: number;
}

export interface AzureMonitorDeps {
  now?: () => number;
  credential?: LogsClientOptions['credential'];
}

export function createAzureMonitorBackend(
  name: string,
  options: AzureMonitorOptions,
  deps: AzureMonitorDeps = {},
): TraceBackend {
  const now = deps.now ?? Date.now;
  const schema = telemetrySchema(options.schema);
  const client = createLogsClient({
    backendName: name,
    scope: options.scope,
    endpoint: options.endpoint,
    timeoutMs: options.timeoutMs,
    retries: options.retries,
    credential: deps.credential,
  });
  const asDates = (window: TimeWindow): QueryWindow => ({
    start: new Date(Number(window.startUnixNano / NANOS_PER_MS)),
    end: new Date(Number((window.endUnixNano + NANOS_PER_MS - 1n) / NANOS_PER_MS)),
  });
  const lookback = (): QueryWindow => ({
    start: new Date(now() - TRACE_LOOKBACK_MS),
    end: new Date(now() + FUTURE_SLACK_MS),
  });
  const mapped = (rows: TelemetryRow[]): Span[] => {
    try {
      return spansFromRows(rows, schema);
    } catch (error) {
      throw unreadableAnswer(name, client.endpoint, 'a Log Analytics query', error);
    }
  };
  /** Every span of the traces with these ids. */
  const readSpans = async (traceIds: readonly string[]): Promise<Span[]> => {
    const rows = await client.query(traceRowsQuery(schema, traceIds, MAX_TRACE_ROWS), lookback());
    if (rows.length > MAX_TRACE_ROWS) {
      throw new OtelMcpError(
        'RESOURCE_EXHAUSTED',
        `${name}: ${traceIds.length === 1 ? `trace ${traceIds[0]!} has` : `traces ${traceIds.join(', ')} have`} more than ${MAX_TRACE_ROWS} rows (spans, events, exceptions) in App Insights, more than otel-mcp reads for one answer`,
        traceIds.length === 1
          ? 'read it in the Azure portal (Transaction search), or query its spans there with KQL'
          : 'narrow the search (service, operation, a shorter window) or lower the limit',
      );
    }
    return mapped(rows);
  };
  const names = async (kql: string): Promise<string[]> => {
    const rows = await client.query(kql, asDates(resolveWindow(undefined, now())));
    // One column per row; '' is a request the exporter gave no name (a CONSUMER span).
    const values = rows.map((row) => Object.values(row)[0]).filter((value) => typeof value === 'string');
    return [...new Set(values as string[])].filter((value) => value !== '').sort();
  };
  const operationsOf = (rows: TelemetryRow[]): OperationInfo[] => {
    const operations = new Map<string, OperationInfo>();
    for (const row of rows) {
      const operation = cellText(row[schema.spanName]);
      if (operation === '') continue; // a request the exporter gave no name (a CONSUMER span)
      const spanKind =
        cellText(row[schema.itemType]) === schema.itemTypes.request
          ? 'server'
          : dependencyKind(cellText(row[schema.dependencyType]));
      operations.set(`${operation}\u0000${spanKind}`, { name: operation, spanKind });
    }
    return [...operations.values()].sort(
      (a, b) => a.name.localeCompare(b.name) || (a.spanKind ?? '').localeCompare(b.spanKind ?? ''),
    );
  };

  return {
    name,
    kind: 'azure-monitor',
    endpoint: client.endpoint,
    capabilities: AZURE_MONITOR_CAPABILITIES,
    fidelity: AZURE_MONITOR_FIDELITY,
    async getTrace(traceId) {
      const id = requireTraceId(traceId);
      return traceFromSpans(id, await readSpans([id]));
    },
    async findTraces(query) {
      assertQuerySupported(name, AZURE_MONITOR_CAPABILITIES, query);
      for (const filter of query.attributes ?? []) {
        const reason = unanswerableFilter(filter);
        if (reason) {
          throw new OtelMcpError(
            'UNSUPPORTED',
            `${name} cannot filter by '${filter.key}': ${reason}`,
            "search by operation name instead (a request is named 'METHOD route'), or by an attribute kept as a custom dimension",
          );
        }
      }
      const window = resolveWindow(query.window, now());
      const rows = await client.query(
        candidateTracesQuery(schema, query, window, MAX_CANDIDATES),
        asDates(window),
      );
      if (rows.length > MAX_CANDIDATES) {
        throw new OtelMcpError(
          'RESOURCE_EXHAUSTED',
          `${name}: more than ${MAX_CANDIDATES} traces have a span matching the search in the window, too many to read and check`,
          'narrow the window, or add a service, operation, attribute, duration or status filter',
        );
      }
      const candidates = rows.map((row) => ({
        id: String(row[schema.operationId] ?? '').toLowerCase(),
        seen: seenNanos(row.Seen),
      }));
      const matches: TraceSummary[] = [];
      for (let i = 0; i < candidates.length; i += TRACES_PER_QUERY) {
        // Newest first: a candidate is seen no earlier than its trace started, so once `limit`
        // matches started after the next candidate was seen, no later batch can change the answer.
        if (matches.length >= query.limit) {
          const oldestKept = mostRecentFirst([...matches], query.limit).at(-1)!.startTimeUnixNano;
          const seen = candidates[i]!.seen;
          if (seen !== undefined && seen < oldestKept) break;
        }
        const batch = candidates.slice(i, i + TRACES_PER_QUERY).map((candidate) => candidate.id);
        for (const trace of groupIntoTraces(await readSpans(batch))) {
          const summary = summarizeTrace(trace);
          const started = summary.startTimeUnixNano;
          if (started < window.startUnixNano || started > window.endUnixNano) continue;
          if (traceMatchesQuery(trace.spans, query)) matches.push(summary);
        }
      }
      return mostRecentFirst(matches, query.limit);
    },
    async listServices() {
      return names(servicesQuery(schema, resolveWindow(undefined, now()), MAX_NAMES));
    },
    async listOperations(serviceName) {
      requireServiceName(serviceName);
      const window = resolveWindow(undefined, now());
      return operationsOf(
        await client.query(operationsQuery(schema, serviceName, window, MAX_NAMES), asDates(window)),
      );
    },
    async getLogs(query) {
      const traceId = requireTraceId(query.traceId);
      const limit = Math.max(0, Math.min(Math.floor(query.limit), MAX_TRACE_ROWS));
      if (limit === 0) return [];
      const spanId = query.spanId?.toLowerCase();
      const rows = await client.query(logRecordsQuery(schema, traceId, spanId, limit), lookback());
      try {
        return logRecordsFromRows(rows, schema);
      } catch (error) {
        throw unreadableAnswer(name, client.endpoint, 'a Log Analytics query', error);
      }
    },
    async health() {
      try {
        await client.query(HEALTH_QUERY, { start: new Date(now() - 60_000), end: new Date(now()) });
        return { ok: true };
      } catch (error) {
        return { ok: false, message: error instanceof Error ? error.message : String(error) };
      }
    },
    async close() {},
  };
}

function seenNanos(value: unknown): bigint | undefined {
  if (value instanceof Date) return BigInt(value.getTime()) * NANOS_PER_MS;
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    if (!Number.isNaN(ms)) return BigInt(ms) * NANOS_PER_MS;
  }
  return undefined;
}

export type { SchemaName };
