/**
 * Migration 2: trace specs, every version kept (docs/spec-language.md). The spec is stored as its
 * canonical JSON, so two versions with the same content hash equally whatever the key order they
 * were written in; the store neither parses nor validates it (that is spec/'s job).
 */
export const SPEC_SCHEMA = `
CREATE TABLE trace_spec_versions (
  name TEXT NOT NULL,
  version INTEGER NOT NULL,           -- 1, 2, 3 … per name
  body TEXT NOT NULL,                 -- canonical JSON of the validated spec
  content_hash TEXT NOT NULL,         -- sha256 of body: "did the content change?" without parsing
  created_at_ms INTEGER NOT NULL,
  source TEXT NOT NULL,               -- 'tool' | 'template' | 'update' | 'file'
  note TEXT,                          -- e.g. the template name, or the file that was edited
  PRIMARY KEY (name, version)
) WITHOUT ROWID;
`;
