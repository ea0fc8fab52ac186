import type {
  LinkInto,
  LogQuery,
  LogRecord,
  OperationInfo,
  RollupBucket,
  RollupQuery,
  ServiceStats,
  TimeWindow,
  Trace,
  TraceQuery,
  TraceSummary,
  ValueMatches,
  ValueQuery,
} from '../model/index.js';

/**
 * What a backend can answer. Every flag's zero value is "cannot": an adapter declares what it
 * supports, and a query that needs an undeclared capability is refused, never narrowed silently.
 */
export interface BackendCapabilities {
  /** `findTraces` honours `attributes` filters. */
  attributeFilters?: boolean;
  /** `findTraces` honours `minDurationMs` / `maxDurationMs`. */
  durationFilters?: boolean;
  /** `findTraces` honours an attribute filter without a value (the attribute only has to exist). */
  attributeExistenceFilters?: boolean;
  /** `findTraces` honours `status` (both `error` and `ok`). */
  statusFilter?: boolean;
  /** `findTraces` honours `status: 'error'` only; implied by `statusFilter`. */
  errorStatusFilter?: boolean;
  /** `findTraces` can run without a `serviceName`. */
  searchWithoutService?: boolean;
  /** `listOperations` reports span kinds. */
  operationKinds?: boolean;
  /** The backend keeps OTLP log records that can be read by trace id: `getLogs`. */
  logs?: boolean;
  /** The backend answers a raw query in its own language (TraceQL for Tempo): `findTracesNative`. */
  nativeQuery?: boolean;
  /** A unique prefix of a trace id can be resolved: `resolveTraceIdPrefix`. */
  traceIdPrefixes?: boolean;
  /** Services come with span counts and when they were last seen: `serviceStats`. */
  serviceStats?: boolean;
  /** Per-operation duration rollups by time bucket: `operationRollups`. */
  rollups?: boolean;
  /** Spans found by one attribute value under any identifier-like key: `findAttributeValue`. */
  valueLookup?: boolean;
  /** Spans of other traces whose links point into a trace: `findLinksInto`. */
  reverseLinks?: boolean;
}

/**
 * What a backend loses when it stores a trace, so that comparisons can allow for it. Absent or false
 * means the backend keeps that detail exactly as it was sent.
 */
export interface BackendFidelity {
  /** Service and span names come back lower-cased (Zipkin): compare names case-insensitively. */
  lowercasesNames?: boolean;
  /** Attribute values come back as strings (Zipkin tags): compare after type coercion. */
  stringifiesAttributes?: boolean;
  /** Timestamps are kept to this many nanoseconds (1000 for Zipkin's microseconds); absent means 1. */
  timestampPrecisionNanos?: number;
  /** Only `service.name` survives of the resource attributes (Zipkin). */
  dropsResourceAttributes?: boolean;
  /** The instrumentation scope is kept by name and version at most (Zipkin tags). */
  dropsScopeAttributes?: boolean;
  /** Span links are not stored (Zipkin). */
  dropsLinks?: boolean;
  /** Trace state and flags are not stored. */
  dropsTraceState?: boolean;
  /**
   * Span kinds come back as SERVER, CLIENT or INTERNAL only (X-Ray: a segment, a remote subsegment,
   * any other subsegment): PRODUCER reads as CLIENT or INTERNAL, CONSUMER as SERVER.
   */
  reducesSpanKinds?: boolean;
  /** An entry span (X-Ray segment) is named after its service; its own name is not stored. */
  namesEntrySpansAfterService?: boolean;
  /** Span events are not stored, except exceptions (X-Ray `cause`), which keep no time of their own. */
  dropsEvents?: boolean;
  /** The instrumentation scope is not stored at all (X-Ray). */
  dropsScope?: boolean;
  /**
   * Span kinds come back as SERVER and CLIENT only; INTERNAL, PRODUCER and CONSUMER all read as
   * INTERNAL (Cloud Trace v1: RPC_SERVER, RPC_CLIENT, SPAN_KIND_UNSPECIFIED).
   */
  keepsOnlyRpcSpanKinds?: boolean;
  /** No span event is stored, exceptions included (Cloud Trace v1 spans have no field for them). */
  dropsAllEvents?: boolean;
  /** Numbers are stored as integers: a fractional value comes back rounded (Cloud Trace has no double). */
  roundsFractionalNumbers?: boolean;
  /** String attribute values longer than this many UTF-8 bytes come back cut to it (Cloud Trace: 256). */
  truncatesStringValuesAtBytes?: number;
  /** Event attributes are flattened into the event name (Zipkin annotations). */
  flattensEventAttributes?: boolean;
  /** Links keep their trace and span ids but not their attributes (App Insights `OperationLinks`). */
  dropsLinkAttributes?: boolean;
  /**
   * Span kinds come back as App Insights keeps them (requests and dependencies): SERVER and CONSUMER
   * read as SERVER; a span with HTTP, database or RPC attributes, and a root INTERNAL span, as
   * CLIENT; other CLIENT, PRODUCER and INTERNAL spans keep their kind.
   */
  kindsFromRequestsAndDependencies?: boolean;
  /**
   * A SERVER span with an HTTP method is named `METHOD route` (or `METHOD path` from its URL), and a
   * CLIENT span with a method and URL `METHOD path` (Azure's exporter names App Insights rows so).
   */
  namesRequestsAfterHttpRoute?: boolean;
  /** A CONSUMER span's name is not stored: it comes back named '' (App Insights via Azure's exporter). */
  dropsConsumerSpanNames?: boolean;
  /**
   * Attribute keys that may be missing: the backend does not keep them as attributes, and gives
   * back only some of them from its own typed fields (App Insights: HTTP, network, db conventions).
   */
  dropsAttributes?: readonly string[];
}

/** A search in the backend's own language (TraceQL for Tempo), for backends declaring `nativeQuery`. */
export interface NativeQuery {
  query: string;
  window?: TimeWindow;
  /** Most recent first; at most this many. */
  limit: number;
}

export interface BackendHealth {
  ok: boolean;
  /** Why it is not ok, naming the endpoint; absent when ok. */
  message?: string;
}

/**
 * One interface for every trace backend, the embedded store included.
 *
 * Contract, shared by all adapters and checked by the contract suite:
 * - `getTrace` returns `undefined` for an absent trace (never an empty trace) and a fresh copy
 *   the caller may mutate; spans are in start-time order.
 * - `findTraces` returns summaries most recent first, at most `query.limit`; it throws
 *   `OtelMcpError('UNSUPPORTED')` for a filter the capabilities do not declare.
 * - Failures to reach the backend throw `OtelMcpError('BACKEND_UNAVAILABLE')` naming the endpoint.
 */
export interface TraceBackend {
  /** The configured name (`embedded`, `jaeger`, ...). */
  readonly name: string;
  readonly kind: 'embedded' | 'jaeger' | 'zipkin' | 'tempo' | 'xray' | 'cloud-trace' | 'azure-monitor';
  /** Where it is reached, without user info or query (safe to show); absent for the embedded store. */
  readonly endpoint?: string;
  readonly capabilities: BackendCapabilities;
  /** What the backend loses when it stores a trace; absent means nothing. */
  readonly fidelity?: BackendFidelity;
  getTrace(traceId: string): Promise<Trace | undefined>;
  findTraces(query: TraceQuery): Promise<TraceSummary[]>;
  // Each of these is present exactly when its capability is declared (the embedded store has all).
  findTracesNative?(query: NativeQuery): Promise<TraceSummary[]>;
  resolveTraceIdPrefix?(prefix: string, limit: number): Promise<string[]>;
  getLogs?(query: LogQuery): Promise<LogRecord[]>;
  serviceStats?(): Promise<ServiceStats[]>;
  operationRollups?(query: RollupQuery): Promise<RollupBucket[]>;
  findAttributeValue?(query: ValueQuery): Promise<ValueMatches>;
  findLinksInto?(traceId: string, limit: number): Promise<LinkInto[]>;
  listServices(): Promise<string[]>;
  listOperations(serviceName: string): Promise<OperationInfo[]>;
  health(): Promise<BackendHealth>;
  close(): Promise<void>;
}
