import type { OperationInfo, Trace, TraceQuery, TraceSummary } from '../model/index.js';

/**
 * What a backend can answer. Every flag's zero value is "cannot": an adapter declares what it
 * supports, and a query that needs an undeclared capability is refused, never narrowed silently.
 */
export interface BackendCapabilities {
  /** `findTraces` honours `attributes` filters. */
  attributeFilters?: boolean;
  /** `findTraces` honours `minDurationMs` / `maxDurationMs`. */
  durationFilters?: boolean;
  /** `findTraces` honours `status`. */
  statusFilter?: boolean;
  /** `findTraces` can run without a `serviceName`. */
  searchWithoutService?: boolean;
  /** `listOperations` reports span kinds. */
  operationKinds?: boolean;
  /** The backend keeps OTLP log records that can be read by trace id. */
  logs?: boolean;
  /** The backend answers a raw query in its own language (TraceQL for Tempo). */
  nativeQuery?: boolean;
}

export interface BackendHealth {
  ok: boolean;
  /** Why it is not ok, naming the endpoint; absent when ok. */
  message?: string;
}

/**
 * One interface for every trace backend (DESIGN.md §7), the embedded store included.
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
  readonly capabilities: BackendCapabilities;
  getTrace(traceId: string): Promise<Trace | undefined>;
  findTraces(query: TraceQuery): Promise<TraceSummary[]>;
  listServices(): Promise<string[]>;
  listOperations(serviceName: string): Promise<OperationInfo[]>;
  health(): Promise<BackendHealth>;
  close(): Promise<void>;
}
