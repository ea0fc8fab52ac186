/**
 * Timestamp checks shared by the protobuf and JSON decoders. A span or log record whose time cannot
 * be stored is rejected alone (counted in `partialSuccess`), like one with a bad id: refusing the
 * whole export would lose its good items, and the store's refusal used to reach the SDK as a
 * retryable 503 that it repeated forever.
 */
import type { SpanEvent } from '../model/span.js';

/** SQLite INTEGER is int64, so 2^63-1 ns (the year 2262) is the latest time the store can hold. */
const MAX_NANOS = (1n << 63n) - 1n;
const ACCEPTED = 'accepted are nanoseconds since the Unix epoch from 0 to 2^63-1';

export function nanosProblem(what: string, nanos: bigint): string | undefined {
  return nanos >= 0n && nanos <= MAX_NANOS ? undefined : `${what} ${nanos} is out of range (${ACCEPTED})`;
}

/**
 * The span's times and its events'. A span that ends before it starts is rejected too: OTLP expects
 * end >= start (trace.proto), and a negative duration would corrupt every duration-based analysis.
 */
export function spanTimesProblem(
  start: bigint,
  end: bigint,
  events: readonly Pick<SpanEvent, 'name' | 'timeUnixNano'>[],
): string | undefined {
  const problem = nanosProblem('start time', start) ?? nanosProblem('end time', end);
  if (problem !== undefined) return problem;
  if (end < start)
    return `end time ${end} is before start time ${start} (a span must end at or after its start)`;
  for (const event of events) {
    const eventProblem = nanosProblem(`event "${event.name}" time`, event.timeUnixNano);
    if (eventProblem !== undefined) return eventProblem;
  }
  return undefined;
}

/** A log record's times; 0 means "unknown" (logs.proto) and is accepted. */
export function logTimesProblem(time: bigint, observedTime: bigint): string | undefined {
  return nanosProblem('time', time) ?? nanosProblem('observed time', observedTime);
}
