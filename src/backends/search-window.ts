/**
 * The time window of a search. Jaeger requires both bounds and Tempo searches only recent data
 * without them, so every adapter sends one; a query without a window gets the default below.
 */
import type { TimeWindow } from '../model/query.js';

/** 24 h: Zipkin's own default lookback (QUERY_LOOKBACK), and the span of a working day's runs. */
export const DEFAULT_LOOKBACK_MS = 24 * 60 * 60 * 1000;
/** 1 min past "now": a span stamped by a host whose clock runs slightly ahead is still found. */
export const FUTURE_SLACK_MS = 60 * 1000;

const NANOS_PER_MS = 1_000_000n;

export function resolveWindow(window: TimeWindow | undefined, nowMs: number): TimeWindow {
  if (window) return window;
  return {
    startUnixNano: BigInt(nowMs - DEFAULT_LOOKBACK_MS) * NANOS_PER_MS,
    endUnixNano: BigInt(nowMs + FUTURE_SLACK_MS) * NANOS_PER_MS,
  };
}

/** RFC 3339 with nanoseconds, as Jaeger's api_v3 parses it (Go's time.RFC3339Nano). */
export function nanosToRfc3339(nanos: bigint): string {
  const seconds = nanos / 1_000_000_000n;
  const fraction = (nanos % 1_000_000_000n).toString().padStart(9, '0');
  return `${new Date(Number(seconds) * 1000).toISOString().slice(0, 19)}.${fraction}Z`;
}

/** A duration in milliseconds as Go's time.ParseDuration reads it, to the microsecond. */
export function msToGoDuration(ms: number): string {
  return `${Math.round(ms * 1000)}us`;
}
