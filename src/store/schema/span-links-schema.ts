/**
 * Migration 4: the reverse index of span links, so "which traces link into trace X" (a consumer's
 * trace pointing at its producer's) is one seek instead of a scan of every span's links.
 *
 * Led by the linked trace id, a random value: each row dirties its own page once the index outgrows
 * the cache (see trace-schema.ts). That is affordable here because only spans with links write rows
 * (consumers of messages, batch jobs), a small share of the spans. Rows are keyed with the linking
 * span's trace so retention deletes them with their trace. Spans stored before this migration are
 * indexed by the backfill below (a one-off scan of the spans that have links).
 */
export const SPAN_LINKS_SCHEMA = `
CREATE TABLE span_links (
  linked_trace_id TEXT NOT NULL,      -- the trace the link points at (hex, as in traces.trace_id)
  trace_ref INTEGER NOT NULL,         -- traces.id of the span that carries the link
  span_id TEXT NOT NULL,              -- that span
  linked_span_id TEXT NOT NULL,
  PRIMARY KEY (linked_trace_id, trace_ref, span_id, linked_span_id)
) WITHOUT ROWID;
-- Retention: the rows of a deleted trace.
CREATE INDEX span_links_by_trace ON span_links (trace_ref);
`;

/** Indexes the links of spans stored before migration 4 (run by it; a no-op on an empty store). */
export const SPAN_LINKS_BACKFILL = `
INSERT OR IGNORE INTO span_links (linked_trace_id, trace_ref, span_id, linked_span_id)
  SELECT l.value ->> 'traceId', s.trace_ref, s.span_id, l.value ->> 'spanId'
  FROM spans s, json_each(s.links) l
  WHERE s.links IS NOT NULL;
`;
