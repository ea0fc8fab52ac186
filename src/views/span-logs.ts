/**
 * The log records a trace's spans emitted, grouped by span for the details panel, each at its
 * offset on the trace's time axis. Pure: the caller reads the records (the store keeps them
 * correlated by trace and span id) and passes them in.
 */
import type { LogRecord } from '../model/log-record.js';
import { roundMs, shownPairs, shownValue } from './shown-value.js';

/** Shown per span in the panel; a chattier span says how many more it logged. */
export const MAX_LOGS_PER_SPAN = 50;

export interface SpanLog {
  atMs: number;
  severity: string;
  body: string;
  attributes: [string, string][];
}

export interface SpanLogs {
  logs: SpanLog[];
  /** Records of this span not in `logs` (beyond MAX_LOGS_PER_SPAN). */
  omitted: number;
}

/** OTLP severity numbers come in bands of four: 1-4 TRACE ... 21-24 FATAL. */
const BANDS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];

function severityOf(log: LogRecord): string {
  if (log.severityText) return log.severityText;
  return BANDS[Math.floor((log.severityNumber - 1) / 4)] ?? 'UNSPECIFIED';
}

/**
 * The trace had more log records than the picture read. The store returns them oldest first, so
 * everything up to the last one read is complete and a span that runs past it may have logged more
 * than it shows (or show no Logs section though it logged).
 */
export interface LogsCut {
  /** How many records were read (the limit). */
  loaded: number;
  /** Where the last record read sits on the trace's time axis: later records were not read. */
  fromMs: number;
}

/** The cut of `logs`, the first records of a trace that has more. */
export function logsCutOf(logs: readonly LogRecord[], traceStartNs: bigint): LogsCut {
  // The event time the store orders by; records without one (0) sort first and do not move the cut.
  let last = traceStartNs;
  for (const log of logs) if (log.timeUnixNano > last) last = log.timeUnixNano;
  return { loaded: logs.length, fromMs: roundMs(Number(last - traceStartNs) / 1e6) };
}

/** OTLP leaves the event time 0 when the source did not know it; the collector's time stands in. */
const timeOf = (log: LogRecord) => (log.timeUnixNano > 0n ? log.timeUnixNano : log.observedTimeUnixNano);

/** The logs of each span id, oldest first; records with no span id are left out. */
export function logsBySpan(logs: readonly LogRecord[], traceStartNs: bigint): Map<string, SpanLogs> {
  const bySpan = new Map<string, LogRecord[]>();
  for (const log of logs) {
    if (log.spanId === undefined) continue;
    const list = bySpan.get(log.spanId);
    if (list) list.push(log);
    else bySpan.set(log.spanId, [log]);
  }
  const out = new Map<string, SpanLogs>();
  for (const [spanId, list] of bySpan) {
    list.sort((a, b) => (timeOf(a) < timeOf(b) ? -1 : timeOf(a) > timeOf(b) ? 1 : 0));
    out.set(spanId, {
      logs: list.slice(0, MAX_LOGS_PER_SPAN).map((log) => ({
        atMs: roundMs(Number(timeOf(log) - traceStartNs) / 1e6),
        severity: severityOf(log),
        body: shownValue(log.body),
        attributes: shownPairs(log.attributes),
      })),
      omitted: Math.max(0, list.length - MAX_LOGS_PER_SPAN),
    });
  }
  return out;
}
