/**
 * Questions some backends can answer beyond getting and finding traces, and the shapes of their
 * answers: the embedded store answers all of them (TraceBackend's optional methods, each switched on
 * by a declared capability).
 */
import type { DurationHistogram } from './duration-histogram.js';

/** A service with how much of it is stored. */
export interface ServiceStats {
  name: string;
  spanCount: number;
  /** The latest span end seen for the service. */
  lastSeenUnixNano: bigint;
}

/** Log records of one trace, or of one span of it. */
export interface LogQuery {
  traceId: string;
  spanId?: string;
  limit: number;
}

/** Per-operation rollups of one service, merged into buckets (analyze_performance_trends). */
export interface RollupQuery {
  serviceName: string;
  /** Only this span name (every kind of it). */
  operationName?: string;
  /** Window in ms since the epoch: the minutes whose start lies in [startMs rounded down, endMs). */
  startMs: number;
  endMs: number;
  /** Bucket size in whole minutes; buckets start at multiples of it since the epoch (UTC-aligned). */
  bucketMinutes: number;
}

/** One operation's spans that started within one bucket. */
export interface RollupBucket {
  operation: string;
  spanKind: string;
  bucketStartMs: number;
  spanCount: number;
  errorCount: number;
  durationSumNs: number;
  durationMinNs: number;
  durationMaxNs: number;
  histogram: DurationHistogram;
}

/** Spans carrying one value (a business transaction's id) under given or identifier-like keys. */
export interface ValueMatch {
  traceId: string;
  spanId: string;
  key: string;
}

/** A span of another trace that links into the asked trace. */
export interface LinkInto {
  /** The trace holding the linking span. */
  traceId: string;
  spanId: string;
  /** The span of the asked trace it points at. */
  linkedSpanId: string;
}

export interface ValueMatches {
  matches: ValueMatch[];
  keysSearched: string[];
  /** Identifier-like keys left out past MAX_KEYS (name the key to search it). */
  keysNotSearched: number;
}

export interface ValueQuery {
  value: string;
  /** Only these keys; absent: every key that looks like an identifier (isTransactionKey). */
  keys?: readonly string[];
  startNs?: bigint;
  endNs?: bigint;
  limit: number;
}
