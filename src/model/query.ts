import type { AttributeValue, StatusCode } from './span.js';

/** A closed time window, in nanoseconds since the Unix epoch. */
export interface TimeWindow {
  startUnixNano: bigint;
  endUnixNano: bigint;
}

/** One attribute filter of a search: equality after type coercion, or presence alone. */
export interface AttributeFilter {
  key: string;
  /** Absent: the attribute only has to exist. */
  value?: AttributeValue;
}

/**
 * A trace search. A trace matches when one of its spans satisfies every span-level filter
 * (service, operation, attributes, span duration, status); `window` bounds the trace's start.
 */
export interface TraceQuery {
  serviceName?: string;
  operationName?: string;
  attributes?: AttributeFilter[];
  minDurationMs?: number;
  maxDurationMs?: number;
  /** `error`: the trace has at least one error span; `ok`: it has none. */
  status?: 'error' | 'ok';
  window?: TimeWindow;
  /** Most recent first; at most this many. */
  limit: number;
}

/** What a search returns for one trace: enough to choose which one to open. */
export interface TraceSummary {
  traceId: string;
  rootServiceName?: string;
  rootName?: string;
  startTimeUnixNano: bigint;
  durationMs: number;
  spanCount: number;
  errorCount: number;
  services: string[];
}

export interface OperationInfo {
  name: string;
  spanKind?: string;
}

export type { StatusCode };
