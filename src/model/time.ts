import type { Span } from './span.js';

const NANOS_PER_MILLI = 1_000_000n;

/** Span duration in milliseconds, with sub-millisecond precision; exact for spans shorter than ~104 days. */
export function durationMs(span: Pick<Span, 'startTimeUnixNano' | 'endTimeUnixNano'>): number {
  return nanosToMs(span.endTimeUnixNano - span.startTimeUnixNano);
}

export function nanosToMs(nanos: bigint): number {
  return Number(nanos) / Number(NANOS_PER_MILLI);
}

export function msToNanos(ms: number): bigint {
  return BigInt(Math.round(ms * 1_000_000));
}

/** ISO-8601 with the full nanosecond fraction, e.g. `2026-11-24T10:00:00.123456789Z`. */
export function nanosToIso(nanos: bigint): string {
  const millis = nanos / NANOS_PER_MILLI;
  const iso = new Date(Number(millis)).toISOString(); // …T10:00:00.123Z
  const fraction = (nanos % 1_000_000_000n).toString().padStart(9, '0');
  return `${iso.slice(0, 19)}.${fraction}Z`;
}

export function dateToNanos(date: Date): bigint {
  return BigInt(date.getTime()) * NANOS_PER_MILLI;
}
