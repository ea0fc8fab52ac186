import { BUCKET_SHIFT } from '../spans/span-buckets.js';

/**
 * Migration 1: spans, their resources and scopes, logs, per-trace summaries, and the attribute
 * index. Ids are TEXT hex (readable with the sqlite3 shell; a prefix is an index range scan).
 * Times are INTEGER nanoseconds (int64, exact).
 *
 * Every index here is paid for on ingest, so each one names the query that needs it, and each is
 * laid out so that a batch's inserts land in a few pages at its tail (see span-buckets.ts): an index
 * led by a random value (a duration, a request id) dirties one page per row once it outgrows the
 * cache, which measured 3× slower ingest at 200,000 spans and worse beyond.
 */
export const TRACE_SCHEMA = `
CREATE TABLE resources (
  id INTEGER PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,          -- sha256 of the canonical JSON: resources repeat on every span
  body TEXT NOT NULL,                 -- JSON {attributes, droppedAttributesCount, schemaUrl?}
  encoding INTEGER NOT NULL           -- 1: body holds tagged non-JSON numbers (NaN, ±Infinity, -0)
);

-- Resource attributes matched by a search (span attributes first, then the resource's).
CREATE TABLE resource_attributes (
  key_id INTEGER NOT NULL,
  value ANY NOT NULL,
  resource_id INTEGER NOT NULL,
  PRIMARY KEY (key_id, value, resource_id)
) WITHOUT ROWID, STRICT;

CREATE TABLE scopes (
  id INTEGER PRIMARY KEY,
  hash TEXT NOT NULL UNIQUE,
  body TEXT NOT NULL,                 -- JSON {name, version?, attributes, droppedAttributesCount, schemaUrl?}
  encoding INTEGER NOT NULL
);

-- One row per (service, span name, kind): the span's three repeated strings become one small integer,
-- and the per-row counts answer listServices / listOperations without scanning spans.
CREATE TABLE operations (
  id INTEGER PRIMARY KEY,
  service TEXT NOT NULL,
  name TEXT NOT NULL,
  kind INTEGER NOT NULL,
  span_count INTEGER NOT NULL DEFAULT 0,
  last_seen_ns INTEGER NOT NULL DEFAULT 0,
  UNIQUE (service, name, kind)
);

CREATE TABLE traces (
  id INTEGER PRIMARY KEY,
  trace_id TEXT NOT NULL UNIQUE,      -- also serves prefix resolution; migration 11 replaces this index
  start_ns INTEGER NOT NULL,
  end_ns INTEGER NOT NULL,
  span_count INTEGER NOT NULL,
  error_count INTEGER NOT NULL,
  root_span_id TEXT,
  root_start_ns INTEGER,
  root_service TEXT,
  root_name TEXT,
  services TEXT NOT NULL              -- JSON array, sorted
);
-- findTraces: most recent first, within a window; retention: oldest first.
CREATE INDEX traces_by_start ON traces (start_ns);
-- findTraces with status 'error' when error traces are rare: no need to walk the healthy ones.
CREATE INDEX traces_with_errors_by_start ON traces (start_ns) WHERE error_count > 0;

CREATE TABLE spans (
  id INTEGER PRIMARY KEY,
  trace_ref INTEGER NOT NULL,         -- traces.id
  span_id TEXT NOT NULL,
  parent_span_id TEXT,
  operation_id INTEGER NOT NULL,      -- operations.id: service, name, kind
  start_ns INTEGER NOT NULL,
  end_ns INTEGER NOT NULL,
  duration_ns INTEGER GENERATED ALWAYS AS (end_ns - start_ns) VIRTUAL,
  bucket INTEGER GENERATED ALWAYS AS (id >> ${BUCKET_SHIFT}) VIRTUAL,
  status_code INTEGER NOT NULL,       -- OTLP numbering: 0 unset, 1 ok, 2 error
  status_message TEXT,
  trace_state TEXT,
  flags INTEGER,
  resource_id INTEGER NOT NULL,
  scope_id INTEGER NOT NULL,
  attributes TEXT NOT NULL,           -- JSON object
  dropped_attributes INTEGER NOT NULL,
  events TEXT,                        -- JSON array, NULL when there are none (most spans)
  dropped_events INTEGER NOT NULL,
  links TEXT,
  dropped_links INTEGER NOT NULL,
  encoding INTEGER NOT NULL
);
-- getTrace, getSpan, and the de-duplication of a span sent twice (an exporter's retry).
-- Migration 10 replaces it with trace_span_runs (trace-span-runs-schema.ts).
CREATE UNIQUE INDEX spans_by_trace ON spans (trace_ref, span_id);
-- Migration 9 drops the next three: the postings find spans by operation, duration and resource
-- (span-field-postings.ts).
-- findTraces by service / operation (durations read from the index, not the row).
CREATE INDEX spans_by_operation ON spans (operation_id, bucket, duration_ns);
-- findTraces by span duration: one seek per bucket.
CREATE INDEX spans_by_duration ON spans (bucket, duration_ns);
-- findTraces by a resource attribute (a run id, deployment.environment).
CREATE INDEX spans_by_resource ON spans (resource_id);

CREATE TABLE attribute_keys (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE
);

-- The attribute index: (key, value) → span, for top-level span attributes, per bucket of spans.
-- Migration 7 replaces it with attribute_postings (attribute-postings.ts), one row per bucket and value
-- (migration 12 lets a value take several rows: posting-parts.ts).
-- value is the coerced text of a string, number or boolean (so 200 and "200" meet), or the integer
-- 0 when the value is not indexed (longer than the limit, an array, a map, null): the key is still
-- known to be present. A lookup seeks (bucket, key, value) in each bucket.
CREATE TABLE span_attributes (
  bucket INTEGER NOT NULL,            -- span_ref >> ${BUCKET_SHIFT}
  key_id INTEGER NOT NULL,
  value ANY NOT NULL,
  span_ref INTEGER NOT NULL,          -- spans.id
  PRIMARY KEY (bucket, key_id, value, span_ref)
) WITHOUT ROWID, STRICT;

CREATE TABLE logs (
  id INTEGER PRIMARY KEY,
  trace_id TEXT,
  span_id TEXT,
  time_ns INTEGER NOT NULL,
  observed_time_ns INTEGER NOT NULL,
  severity_number INTEGER NOT NULL,
  severity_text TEXT,
  body TEXT NOT NULL,                 -- JSON of the AnyValue
  attributes TEXT NOT NULL,
  dropped_attributes INTEGER NOT NULL,
  flags INTEGER,
  event_name TEXT,
  service_name TEXT NOT NULL,
  resource_id INTEGER NOT NULL,
  scope_id INTEGER NOT NULL,
  encoding INTEGER NOT NULL
);
-- getLogs by trace (and span); retention of a deleted trace's logs.
CREATE INDEX logs_by_trace ON logs (trace_id, span_id, time_ns) WHERE trace_id IS NOT NULL;
-- Retention of logs by age and count (a log's time is 0 when only the observed time was set).
CREATE INDEX logs_by_age ON logs (max(time_ns, observed_time_ns));
`;
