import type { LogRecord, Span } from '../model/index.js';
import type { SpanColumnsSlice } from '../otlp/index.js';

/**
 * Where the receiver puts what it decoded (the store, or its writer thread in the server; a capturing
 * array in tests). An export is acknowledged only once its data is persisted: an SDK that got 200 may
 * drop its copy. A write either returns once committed (the store itself) or returns a promise that
 * settles once committed (worker-sink.ts). A throw or rejection answers the export with a retryable
 * 503 / UNAVAILABLE (or 400 when INVALID_ARGUMENT).
 */
export interface TelemetrySink {
  /** Persist; the export is acknowledged only after this returns or its promise resolves. */
  writeSpans(spans: Span[]): void | Promise<void>;
  /**
   * Spans of protobuf exports decoded straight into columns (otlp/span-columns.ts), which the store
   * turns into rows without span objects. A sink without it gets every span through writeSpans.
   */
  writeSpanColumns?(slices: SpanColumnsSlice[]): void | Promise<void>;
  writeLogs(logs: LogRecord[]): void | Promise<void>;
  /**
   * Set by a sink that stores the writes waiting for it together, in transactions of its own
   * (worker-sink.ts): the queue then hands exports over as soon as they are decoded, in small groups,
   * instead of grouping them itself.
   */
  readonly mergesWrites?: boolean;
}
