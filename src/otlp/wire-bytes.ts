import type { Span } from '../model/span.js';

/**
 * The bytes each span of a protobuf export was decoded from (decodeTraceRequestProtobuf with
 * `keepWireBytes`), so the store keeps them as the span's body instead of encoding it again
 * (span-message.ts). Keyed by the span object: a copy of a span, which may differ, has none and is
 * encoded afresh. Nothing changes a decoded span in place between the receiver and the store.
 */
const wireBytes = new WeakMap<Span, Uint8Array>();

export function keepWireBytes(span: Span, bytes: Uint8Array): void {
  wireBytes.set(span, bytes);
}

export function wireBytesOf(span: Span): Uint8Array | undefined {
  return wireBytes.get(span);
}
