/**
 * One export, transport-agnostic: decode, queue for the sink (group-commit-queue.ts), count, and
 * build the reply once the commit holding the export is done. The HTTP and gRPC listeners differ
 * only in how bytes arrive and how the outcome is put on the wire.
 */
import { errorMessage, OtelMcpError } from '../model/index.js';
import { encodeExportResponse, type PartialSuccess, type WireFormat } from './export-response.js';
import type { OtlpSignal } from './otlp-signals.js';
import type { ReceiverStats } from './receiver-stats.js';
import type { GroupCommitQueue } from './group-commit-queue.js';

export type ExportOutcome =
  { ok: true; body: Uint8Array; partial?: PartialSuccess } | { ok: false; error: OtelMcpError };

export interface ExportHandler {
  handle(signal: OtlpSignal, format: WireFormat, body: Uint8Array): Promise<ExportOutcome>;
  /** A refusal (counted) when the writer is behind, before a body is read or decoded; else undefined. */
  backPressure(): ExportOutcome | undefined;
  /** Counts a request refused before decoding (auth, size, content type) and remembers why. */
  refused(error: OtelMcpError): ExportOutcome;
}

export function createExportHandler(
  queue: GroupCommitQueue,
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
  const backPressure = (): ExportOutcome | undefined => {
    const refusal = queue.refusal();
    if (!refusal) return undefined;
    stats.exportsFailed++;
    stats.lastError = refusal.message;
    return { ok: false, error: refusal };
  };
  return {
    refused,
    backPressure,
    async handle(signal, format, body) {
      const behind = backPressure();
      if (behind) return behind;
      let decoded;
      try {
        decoded = signal.decode(format, body, { columns: queue.acceptsColumns });
      } catch (error) {
        return refused(
          error instanceof OtelMcpError
            ? error
            : new OtelMcpError('INTERNAL', errorMessage(error), undefined, { cause: error }),
        );
      }
      try {
        await decoded.persist(queue);
      } catch (error) {
        // The queue answers INVALID_ARGUMENT (not retryable) or BACKEND_UNAVAILABLE (retryable).
        return refused(
          error instanceof OtelMcpError
            ? error
            : new OtelMcpError('INTERNAL', errorMessage(error), undefined, { cause: error }),
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
