/**
 * Every version of every trace spec, in the store's SQLite database (table of spec-schema.ts).
 * The spec itself is opaque JSON here: validation, YAML and the file mirror live above this part.
 * Versions are append-only; appending content equal to the latest version is a no-op, so a caller
 * can "define" the same spec twice without growing the history.
 */
import { checkSpecName } from '../../model/spec-name.js';
import type Database from 'better-sqlite3';
import { canonicalHash, canonicalJson } from '../schema/canonical-json.js';

export type SpecVersionSource = 'tool' | 'template' | 'update' | 'file';

export interface StoredSpecVersion {
  name: string;
  version: number;
  /** The spec as stored (parsed canonical JSON). */
  spec: unknown;
  contentHash: string;
  createdAtMs: number;
  source: SpecVersionSource;
  note?: string;
}

export interface StoredSpecInfo {
  name: string;
  latestVersion: number;
  versionCount: number;
  createdAtMs: number;
  updatedAtMs: number;
}

export interface AppendSpecVersion {
  name: string;
  spec: unknown;
  source: SpecVersionSource;
  note?: string;
}

export interface AppendResult {
  version: StoredSpecVersion;
  /** False when the content equalled the latest version: nothing was written. */
  created: boolean;
}

interface VersionRow {
  name: string;
  version: number;
  body: string;
  content_hash: string;
  created_at_ms: number;
  source: SpecVersionSource;
  note: string | null;
}

/** The hash `append` records for a spec: equal content gives an equal hash whatever its key order. */
export function specContentHash(spec: unknown): string {
  return canonicalHash(spec);
}

export class SpecRepository {
  private readonly latestRow: Database.Statement<[string], VersionRow>;
  private readonly versionRow: Database.Statement<[string, number], VersionRow>;
  private readonly insert: Database.Statement<
    [string, number, string, string, number, string, string | null]
  >;
  private readonly listRows: Database.Statement<
    [],
    { name: string; latest: number; count: number; created: number; updated: number }
  >;
  private readonly historyRows: Database.Statement<[string], VersionRow>;

  /** `db` must already carry migration 2 (the store applies MIGRATIONS when it opens). */
  constructor(
    private readonly db: Database.Database,
    private readonly now: () => number = Date.now,
  ) {
    this.latestRow = db.prepare(
      'SELECT * FROM trace_spec_versions WHERE name = ? ORDER BY version DESC LIMIT 1',
    );
    this.versionRow = db.prepare('SELECT * FROM trace_spec_versions WHERE name = ? AND version = ?');
    this.insert = db.prepare(
      'INSERT INTO trace_spec_versions (name, version, body, content_hash, created_at_ms, source, note) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.listRows = db.prepare(
      'SELECT name, max(version) AS latest, count(*) AS count, min(created_at_ms) AS created, max(created_at_ms) AS updated FROM trace_spec_versions GROUP BY name ORDER BY name',
    );
    this.historyRows = db.prepare('SELECT * FROM trace_spec_versions WHERE name = ? ORDER BY version');
  }

  /** Appends a version unless the content equals the latest one; in one transaction, so two writers cannot take the same number. */
  append(input: AppendSpecVersion): AppendResult {
    checkSpecName(input.name);
    const body = canonicalJson(input.spec);
    const hash = specContentHash(input.spec);
    return this.db
      .transaction((): AppendResult => {
        const latest = this.latestRow.get(input.name);
        if (latest && latest.content_hash === hash) return { version: toVersion(latest), created: false };
        const version = (latest?.version ?? 0) + 1;
        this.insert.run(input.name, version, body, hash, this.now(), input.source, input.note ?? null);
        return { version: toVersion(this.versionRow.get(input.name, version) as VersionRow), created: true };
      })
      .immediate();
  }

  latest(name: string): StoredSpecVersion | undefined {
    const row = this.latestRow.get(name);
    return row ? toVersion(row) : undefined;
  }

  get(name: string, version: number): StoredSpecVersion | undefined {
    const row = this.versionRow.get(name, version);
    return row ? toVersion(row) : undefined;
  }

  /** Every version of one spec, oldest first. */
  history(name: string): StoredSpecVersion[] {
    return this.historyRows.all(name).map(toVersion);
  }

  list(): StoredSpecInfo[] {
    return this.listRows.all().map((row) => ({
      name: row.name,
      latestVersion: row.latest,
      versionCount: row.count,
      createdAtMs: row.created,
      updatedAtMs: row.updated,
    }));
  }
}

function toVersion(row: VersionRow): StoredSpecVersion {
  return {
    name: row.name,
    version: row.version,
    spec: JSON.parse(row.body) as unknown,
    contentHash: row.content_hash,
    createdAtMs: row.created_at_ms,
    source: row.source,
    ...(row.note !== null ? { note: row.note } : {}),
  };
}
