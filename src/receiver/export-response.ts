/**
 * The small messages the receiver sends back, in the request's encoding: ExportXServiceResponse
 * (with `partialSuccess` only when something was rejected, as the OTLP spec asks) and, for failures,
 * google.rpc.Status { code = 1, message = 2 }, the body OTLP/HTTP prescribes for errors.
 */
import protobuf from 'protobufjs/minimal.js';

export type WireFormat = 'protobuf' | 'json';

export interface PartialSuccess {
  rejected: number;
  errorMessage: string;
}

/**
 * ExportTracePartialSuccess, ExportLogsPartialSuccess and ExportMetricsPartialSuccess share one shape:
 * `int64 rejected_<items> = 1; string error_message = 2;`, at field 1 of the response. Only the JSON
 * name of the count differs (`rejectedSpans`, `rejectedLogRecords`, `rejectedDataPoints`).
 */
export function encodeExportResponse(
  format: WireFormat,
  rejectedJsonName: string,
  partial: PartialSuccess | undefined,
): Uint8Array {
  if (format === 'json') {
    const body =
      partial === undefined
        ? {}
        : {
            partialSuccess: {
              [rejectedJsonName]: String(partial.rejected),
              errorMessage: partial.errorMessage,
            },
          };
    return Buffer.from(JSON.stringify(body));
  }
  if (partial === undefined) return new Uint8Array(0);
  const writer = protobuf.Writer.create();
  writer.uint32((1 << 3) | 2).fork();
  writer.uint32((1 << 3) | 0).int64(partial.rejected);
  if (partial.errorMessage !== '') writer.uint32((2 << 3) | 2).string(partial.errorMessage);
  writer.ldelim();
  return writer.finish();
}

/** google.rpc.Status; `code` is the gRPC status code. */
export function encodeStatus(format: WireFormat, code: number, message: string): Uint8Array {
  if (format === 'json') return Buffer.from(JSON.stringify({ code, message }));
  const writer = protobuf.Writer.create();
  writer.uint32((1 << 3) | 0).int32(code);
  writer.uint32((2 << 3) | 2).string(message);
  return writer.finish();
}
