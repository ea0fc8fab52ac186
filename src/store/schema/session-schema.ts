/**
 * Migration 3: development sessions and their iterations (the session records every iteration). An
 * iteration's record is JSON written by the workflow part; the store keeps the few columns it is
 * asked about (run id, verdict, times) as real columns.
 */
export const SESSION_SCHEMA = `
CREATE TABLE dev_sessions (
  id TEXT PRIMARY KEY,
  project_name TEXT NOT NULL,
  spec_name TEXT,                     -- the spec each run is compared with, when the session has one
  settings TEXT NOT NULL,             -- JSON: defaults for runs (working dir, services, env)
  created_at_ms INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE dev_iterations (
  session_id TEXT NOT NULL REFERENCES dev_sessions(id),
  number INTEGER NOT NULL,            -- 1, 2, 3 … per session
  run_id TEXT NOT NULL,
  started_at_ms INTEGER NOT NULL,
  finished_at_ms INTEGER NOT NULL,
  verdict TEXT NOT NULL,              -- pass | fail | no_spec | no_traces
  record TEXT NOT NULL,               -- JSON written by the workflow part
  PRIMARY KEY (session_id, number)
) WITHOUT ROWID;
CREATE INDEX dev_iterations_by_run ON dev_iterations(run_id);
`;
