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
 * Migration 14 (below) replaced the index with a table the writer fills 512 new rows at a time.
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
 * Migration 14: trace ids are listed in `trace_generations` by the writer, LISTED_TRACE_ROWS new trace
 * rows at a time in one sorted insert, instead of in an index of `traces` kept row by row.
 *
 * Within the newest generation the index was ordered by random trace ids, so each commit of a
 * batch's ~64 new traces rewrote most of that generation's ~23 pages: 17–18 of a commit's 40–65 WAL
 * pages, and ~3–6% of the writer thread's CPU (bench/ingest-vs-jaeger.md). Listed 512 at a time,
 * the generation's pages are rewritten ~8 times instead of ~64. The rows not listed yet (fewer than
 * 512, from `store_meta`'s `traces_listed_below` on) are read from `traces` itself, by row id.
 *
 * The writer gives trace rows their ids (trace-generation-index.ts): above every stored row and every
 * listed one, so no row is ever written where a lookup would not look.
 */
export const TRACE_GENERATION_TABLE_SCHEMA = `
CREATE TABLE trace_generations (
  generation INTEGER NOT NULL,        -- traces.id >> ${TRACE_GENERATION_SHIFT}
  trace_id TEXT NOT NULL,
  id INTEGER NOT NULL,                -- traces.id
  PRIMARY KEY (generation, trace_id)
) WITHOUT ROWID, STRICT;
INSERT OR IGNORE INTO trace_generations (generation, trace_id, id)
  SELECT id >> ${TRACE_GENERATION_SHIFT}, trace_id, id FROM traces ORDER BY 1, 2;
INSERT OR REPLACE INTO store_meta (key, value)
  VALUES ('traces_listed_below', (SELECT coalesce(max(id), 0) + 1 FROM traces));
DROP INDEX traces_by_generation;
`;

/** SQL: the first trace row id not listed in trace_generations (every row from it on is not). */
export const FIRST_UNLISTED_TRACE_REF =
  "SELECT coalesce((SELECT value FROM store_meta WHERE key = 'traces_listed_below'), 0)";

/**
 * After a CTE of the bound values: every listed generation, newest first, as column `n` of `g` (then
 * one NULL), and the first row id not listed as `open.below`. Each step seeks the next lower
 * generation in the table, so generations retention emptied cost nothing (counting down instead,
 * one old row left behind made every lookup walk all of them).
 */
const GENERATIONS = `open(below) AS (${FIRST_UNLISTED_TRACE_REF}),
  g(n) AS (
    SELECT (SELECT max(generation) FROM trace_generations)
    UNION ALL SELECT (SELECT x.generation FROM trace_generations x
        WHERE x.generation < g.n ORDER BY x.generation DESC LIMIT 1)
      FROM g WHERE g.n IS NOT NULL)`;

/**
 * SQL: the traces.id of the trace whose id is bound, or NULL: the rows not listed first. Two scalar
 * subqueries, `g` the outer loop of the second, so SQLite walks the generations one at a time until
 * one holds the id; otherwise it builds the whole chain before the first probe (0.15 against
 * 0.01 ms at 1 M traces).
 */
export const TRACE_REF_BY_ID = `WITH RECURSIVE want(trace_id) AS (SELECT ?), ${GENERATIONS}
  SELECT coalesce(
    (SELECT t.id FROM want CROSS JOIN open CROSS JOIN traces t
      WHERE t.id >= open.below AND t.trace_id = want.trace_id LIMIT 1),
    (SELECT x.id FROM g CROSS JOIN want CROSS JOIN trace_generations x
      ON x.generation = g.n AND x.trace_id = want.trace_id LIMIT 1))`;

/** SQL: stored trace ids in [?, ?) in id order, at most ? of them. */
export const TRACE_IDS_IN_RANGE = `WITH RECURSIVE bounds(low, high) AS (SELECT ?, ?), ${GENERATIONS}
  SELECT trace_id FROM (
    SELECT t.trace_id FROM bounds CROSS JOIN open CROSS JOIN traces t
      WHERE t.id >= open.below AND t.trace_id >= bounds.low AND t.trace_id < bounds.high
    UNION ALL
    SELECT x.trace_id FROM bounds CROSS JOIN g CROSS JOIN trace_generations x
      ON x.generation = g.n AND x.trace_id >= bounds.low AND x.trace_id < bounds.high
  ) ORDER BY trace_id LIMIT ?`;
