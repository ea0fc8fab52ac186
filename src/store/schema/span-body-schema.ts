/**
 * Migration 8: a span's body as its OTLP `Span` message (otlp/span-message.ts) in one BLOB column.
 *
 * Rows written before it keep their JSON columns (attributes, events, links, with status_message,
 * trace_state, flags and the dropped counts beside them) and a NULL body, and are read as before; a
 * row with a body is read from the body alone, its older columns holding constants ('{}', NULL, 0).
 * A span from a protobuf export is stored in the bytes it arrived in: no JSON encoding on ingest,
 * one bound value instead of eleven, and a buffer the writer's thread receives without a clone.
 */
export const SPAN_BODY_SCHEMA = `ALTER TABLE spans ADD COLUMN body BLOB;`;
