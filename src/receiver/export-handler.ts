/**
 * One export, transport-agnostic: decode, hand to the sink, count, and build the reply. The HTTP and
 * gRPC listeners differ only in how bytes arrive and how the outcome is put on the wire.
 */
import { errorMessage, OtelMcpError } from '../model/index.js';
import { encodeExportResponse, type PartialSuccess, type WireFormat } from './export-response.js';
import type { OtlpSignal } from './otlp-signals.js';
import type { ReceiverStats } from './receiver-stats.js';
import type { TelemetrySink } from './telemetry-sink.js';

export type ExportOutcome =
  { ok: true; body: Uint8Array; partial?: PartialSuccess } | { ok: false; error: OtelMcpError };

export interface ExportHandler {
  handle(signal: OtlpSignal, format: WireFormat, body: Uint8Array): ExportOutcome;
  /** Counts a request refused before decoding (auth, size, content type) and remembers why. */
  refused(error: OtelMcpError): ExportOutcome;
}

export function createExportHandler(
  sink: TelemetrySink,
  stats: ReceiverStats,
  log: (line: string) => void,
): ExportHandler {
  let lastLogged = '';
  const refused = (error: OtelMcpError): ExportOutcome => {
    stats.exportsFailed++;
    stats.lastError = error.message;
    // A misbehaving exporter retries the same bad request: log a message once, not once per retry.
    if (error.message !== lastLogged) {
      lastLogged = error.message;
      log(`otlp receiver: ${error.message}`);
    }
    return { ok: false, error };
  };
  return {
    refused,
    handle(signal, format, body) {
      let decoded;
      try {
        decoded = signal.decode(format, body);
      } catch (error) {
        return refused(
          error instanceof OtelMcpError
            ? error
            : new OtelMcpError('INTERNAL', errorMessage(error), undefined, { cause: error }),
        );
      }
      try {
        decoded.persist(sink);
      } catch (error) {
        // The sink refusing the batch itself (a value it cannot hold) is the client's error: a retry
        // would be refused the same way, so it is not answered with the retryable 503.
        if (error instanceof OtelMcpError && error.code === 'INVALID_ARGUMENT') return refused(error);
        return refused(
          new OtelMcpError(
            'BACKEND_UNAVAILABLE',
            `could not store ${decoded.accepted} ${signal.name === 'traces' ? 'spans' : 'log records'}: ${errorMessage(error)}`,
            'the export can be retried',
            { cause: error },
          ),
        );
      }
      stats.exportsAccepted++;
      if (signal.name === 'traces') {
        stats.spansAccepted += decoded.accepted;
        stats.spansRejected += decoded.rejected;
      } else if (signal.name === 'logs') {
        stats.logRecordsAccepted += decoded.accepted;
        stats.logRecordsRejected += decoded.rejected;
      } else {
        stats.metricDataPointsReceived += decoded.accepted;
      }
      const partial =
        decoded.rejected > 0
          ? { rejected: decoded.rejected, errorMessage: decoded.errors.join('; ') }
          : undefined;
      if (partial) stats.lastError = partial.errorMessage;
      return { ok: true, body: encodeExportResponse(format, signal.rejectedJsonName, partial), partial };
    },
  };
}
