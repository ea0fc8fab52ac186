/**
 * Copies of the SDK checkout batch (sdk-checkout-batch.ts) with fresh trace ids and shifted times,
 * made by patching the serialized bytes: a copy costs a buffer copy instead of a re-serialization,
 * so the load generator outruns the servers it feeds. Shared by the ingest benchmarks so they all
 * send the same real-SDK bytes.
 */
import { randomFillSync } from 'node:crypto';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { sdkCheckoutBatch } from './sdk-checkout-batch.js';

/** Where a template's trace ids and timestamps sit in its bytes, to rewrite them in each copy. */
export interface BatchTemplate {
  bytes: Buffer;
  traceIdOffsets: number[][];
  /** Every fixed64 nanosecond time of the batch (span start and end, event times) and its value. */
  times: { offset: number; nanos: bigint }[];
}

export async function templateBatch(): Promise<BatchTemplate> {
  const spans = await sdkCheckoutBatch();
  const bytes = Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!);
  const traceIdOffsets = [...new Set(spans.map((span) => span.spanContext().traceId))].map((id) =>
    occurrences(bytes, Buffer.from(id, 'hex')),
  );
  const nanos = (time: [number, number]) => BigInt(time[0]) * 1_000_000_000n + BigInt(time[1]);
  const values = new Set<bigint>(
    spans.flatMap((span) => [
      nanos(span.startTime),
      nanos(span.endTime),
      ...span.events.map((event) => nanos(event.time)),
    ]),
  );
  const times = [...values].flatMap((value) => {
    const encoded = Buffer.alloc(8);
    encoded.writeBigUInt64LE(value);
    return occurrences(bytes, encoded).map((offset) => ({ offset, nanos: value }));
  });
  return { bytes, traceIdOffsets, times };
}

function occurrences(haystack: Buffer, needle: Buffer): number[] {
  const found: number[] = [];
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1)) found.push(at);
  return found;
}

/**
 * The template with every trace id replaced by a fresh random one and every time moved by `shiftNs`,
 * so batches follow each other in time as live traffic does (identical times would make every
 * newest-first search start among the same few thousand traces).
 */
export function freshBatch(template: BatchTemplate, shiftNs: bigint): Buffer {
  const bytes = Buffer.from(template.bytes);
  const id = Buffer.alloc(16);
  for (const offsets of template.traceIdOffsets) {
    randomFillSync(id);
    for (const offset of offsets) id.copy(bytes, offset);
  }
  for (const time of template.times) bytes.writeBigUInt64LE(time.nanos + shiftNs, time.offset);
  return bytes;
}
