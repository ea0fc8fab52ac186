/**
 * Migration 10: a trace's spans are found through `trace_span_runs`, one row per run of consecutive
 * span ids the trace holds, instead of the per-span index `spans_by_trace (trace_ref, span_id)`.
 *
 * The writer stores a batch's spans a trace at a time under ids it gives in turn
 * (attribute-postings.ts), so each write of a trace is one run: an SDK's batch of 512 spans in 64
 * traces adds 64 rows here where the index took 512 entries keyed by a 16-character text, and a span
 * row is then an append to the table alone. Reading a trace is a range of rowids per run, and
 * retention deletes a run as a rowid range. The unique index also kept a span sent twice (an
 * exporter's retry) from being stored twice: the writer now checks a known trace's span ids itself.
 *
 * Rows written before it become runs where their ids follow one another within a trace.
 */
export const TRACE_SPAN_RUNS_SCHEMA = `
CREATE TABLE trace_span_runs (
  trace_ref INTEGER NOT NULL,         -- traces.id
  first_span INTEGER NOT NULL,        -- spans.id of the run's first span
  last_span INTEGER NOT NULL,         -- and of its last: every id between belongs to the trace
  PRIMARY KEY (trace_ref, first_span)
) WITHOUT ROWID, STRICT;

INSERT INTO trace_span_runs (trace_ref, first_span, last_span)
  SELECT trace_ref, min(id), max(id)
  FROM (SELECT id, trace_ref, id - row_number() OVER (PARTITION BY trace_ref ORDER BY id) AS run FROM spans)
  GROUP BY trace_ref, run;
DROP INDEX spans_by_trace;
`;

/** SQL joining the spans of the trace `traces` row aliased `t` as `s` (through runs aliased `r`). */
export const SPANS_OF_TRACE = `CROSS JOIN trace_span_runs r ON r.trace_ref = t.id
  CROSS JOIN spans s ON s.id BETWEEN r.first_span AND r.last_span`;
