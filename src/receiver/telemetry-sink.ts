import type { LogRecord, Span } from '../model/index.js';

/**
 * Where the receiver puts what it decoded (the store, in production; a capturing array in tests).
 * Writes are synchronous so that an export is acknowledged only once its data is persisted: an SDK
 * that got 200 may drop its copy. A throw answers the export with a retryable 503 / UNAVAILABLE.
 */
export interface TelemetrySink {
  /** Persist synchronously; the export is acknowledged only after this returns. */
  writeSpans(spans: Span[]): void;
  writeLogs(logs: LogRecord[]): void;
}
