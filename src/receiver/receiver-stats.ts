/** Counters the receiver keeps, so `get_otlp_endpoint` can say what arrived and what went wrong. */
export interface ReceiverStats {
  /** Export requests answered with success (partial success included). */
  exportsAccepted: number;
  /** Export requests answered with an error status (bad input, auth, size, sink failure). */
  exportsFailed: number;
  spansAccepted: number;
  spansRejected: number;
  logRecordsAccepted: number;
  logRecordsRejected: number;
  /** Metric data points received and validated; otel-mcp does not store metrics. */
  metricDataPointsReceived: number;
  /** The last failure's message (never a secret), for diagnosis. */
  lastError?: string;
}

export function emptyStats(): ReceiverStats {
  return {
    exportsAccepted: 0,
    exportsFailed: 0,
    spansAccepted: 0,
    spansRejected: 0,
    logRecordsAccepted: 0,
    logRecordsRejected: 0,
    metricDataPointsReceived: 0,
  };
}
