/**
 * Migration 11: traces are found by id through `traces_by_generation (id >> 12, trace_id)` instead
 * of a UNIQUE index on trace_id.
 *
 * Trace ids are random, so each new trace landed on its own page of the unique index once the index
 * outgrew a commit's new traces: an 8 KiB page written to the WAL (and copied by the checkpoint) for
 * every trace, more bytes than its spans' rows at 8 spans a trace. Ingest fell from ~53,000 to
 * ~37,000 spans/s between 1 M and 4.5 M stored spans (bench/ingest-pipeline.ts). Keyed by generation
 * first (4,096 trace rows, in the order traces arrive), a commit's new traces all go into the newest
 * generation's few dozen pages. A lookup by id seeks each generation, newest first: ~150 seeks at
 * 600,000 traces, well under a millisecond.
 *
 * The writer keeps trace ids unique itself (known-traces.ts). Only one process writes a data dir.
 */
export const TRACE_GENERATION_SHIFT = 12;

export const TRACE_GENERATIONS_SCHEMA = `
CREATE TABLE traces_rebuilt (
  id INTEGER PRIMARY KEY,
  trace_id TEXT NOT NULL,             -- unique: the writer checks it (known-traces.ts)
  start_ns INTEGER NOT NULL,
  end_ns INTEGER NOT NULL,
  span_count INTEGER NOT NULL,
  error_count INTEGER NOT NULL,
  root_span_id TEXT,
  root_start_ns INTEGER,
  root_service TEXT,
  root_name TEXT,
  services TEXT NOT NULL
);
INSERT INTO traces_rebuilt (id, trace_id, start_ns, end_ns, span_count, error_count, root_span_id,
    root_start_ns, root_service, root_name, services)
  SELECT id, trace_id, start_ns, end_ns, span_count, error_count, root_span_id, root_start_ns,
    root_service, root_name, services
  FROM traces ORDER BY id;
DROP TABLE traces;
ALTER TABLE traces_rebuilt RENAME TO traces;
CREATE INDEX traces_by_start ON traces (start_ns);
CREATE INDEX traces_with_errors_by_start ON traces (start_ns) WHERE error_count > 0;
CREATE INDEX traces_by_generation ON traces (id >> ${TRACE_GENERATION_SHIFT}, trace_id);
`;

/**
 * Every generation holding a trace row, newest first, as column `n` of `g` (then one NULL): each
 * step seeks the next lower generation in the index, so generations retention emptied cost nothing
 * (counting down instead, one old row left behind made every lookup walk all of them).
 */
const GENERATIONS = `WITH RECURSIVE g(n) AS (
  SELECT (SELECT max(id) FROM traces) >> ${TRACE_GENERATION_SHIFT}
  UNION ALL SELECT (SELECT t.id >> ${TRACE_GENERATION_SHIFT} FROM traces t INDEXED BY traces_by_generation
      WHERE t.id >> ${TRACE_GENERATION_SHIFT} < g.n ORDER BY t.id >> ${TRACE_GENERATION_SHIFT} DESC LIMIT 1)
    FROM g WHERE g.n IS NOT NULL)`;

/** SQL: the traces.id of the trace whose id is bound, if stored. */
export const TRACE_REF_BY_ID = `${GENERATIONS}
  SELECT t.id FROM g CROSS JOIN traces t INDEXED BY traces_by_generation
    ON t.id >> ${TRACE_GENERATION_SHIFT} = g.n AND t.trace_id = ? LIMIT 1`;

/** SQL: stored trace ids in [?, ?) in id order, at most ? of them. */
export const TRACE_IDS_IN_RANGE = `${GENERATIONS}
  SELECT t.trace_id FROM g CROSS JOIN traces t INDEXED BY traces_by_generation
    ON t.id >> ${TRACE_GENERATION_SHIFT} = g.n AND t.trace_id >= ? AND t.trace_id < ?
  ORDER BY t.trace_id LIMIT ?`;
