/**
 * Development sessions and their iterations, in the store's SQLite database (session-schema.ts).
 * The settings and iteration records are opaque JSON here; the workflow part gives them meaning.
 * Iterations are append-only and numbered per session inside one transaction, so two runs that
 * finish together cannot take the same number.
 */
import type Database from 'better-sqlite3';
import { OtelMcpError } from '../../model/errors.js';

/** Session ids are made by the workflow part; this is what the store accepts. */
export const SESSION_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{2,63}$/;

export type IterationVerdict = 'pass' | 'fail' | 'no_spec' | 'no_traces';

export interface StoredSession {
  id: string;
  projectName: string;
  specName?: string;
  settings: unknown;
  createdAtMs: number;
  iterationCount: number;
}

export interface NewSession {
  id: string;
  projectName: string;
  specName?: string;
  settings: unknown;
}

export interface StoredIteration {
  sessionId: string;
  number: number;
  runId: string;
  startedAtMs: number;
  finishedAtMs: number;
  verdict: IterationVerdict;
  record: unknown;
}

export type NewIteration = Omit<StoredIteration, 'number'>;

interface SessionRow {
  id: string;
  project_name: string;
  spec_name: string | null;
  settings: string;
  created_at_ms: number;
  iterations: number;
}

interface IterationRow {
  session_id: string;
  number: number;
  run_id: string;
  started_at_ms: number;
  finished_at_ms: number;
  verdict: IterationVerdict;
  record: string;
}

const SESSION_COLUMNS = `s.id, s.project_name, s.spec_name, s.settings, s.created_at_ms,
  (SELECT count(*) FROM dev_iterations i WHERE i.session_id = s.id) AS iterations`;

export class SessionRepository {
  private readonly insertSession: Database.Statement<[string, string, string | null, string, number]>;
  private readonly sessionRow: Database.Statement<[string], SessionRow>;
  private readonly recentRows: Database.Statement<[number], SessionRow>;
  private readonly lastNumber: Database.Statement<[string], { last: number | null }>;
  private readonly insertIteration: Database.Statement<
    [string, number, string, number, number, string, string]
  >;
  private readonly iterationRows: Database.Statement<[string], IterationRow>;

  /** `db` must already carry migration 3 (the store applies MIGRATIONS when it opens). */
  constructor(
    private readonly db: Database.Database,
    private readonly now: () => number = Date.now,
  ) {
    this.insertSession = db.prepare(
      'INSERT INTO dev_sessions (id, project_name, spec_name, settings, created_at_ms) VALUES (?, ?, ?, ?, ?)',
    );
    this.sessionRow = db.prepare(`SELECT ${SESSION_COLUMNS} FROM dev_sessions s WHERE s.id = ?`);
    this.recentRows = db.prepare(
      `SELECT ${SESSION_COLUMNS} FROM dev_sessions s ORDER BY s.created_at_ms DESC, s.id LIMIT ?`,
    );
    this.lastNumber = db.prepare('SELECT max(number) AS last FROM dev_iterations WHERE session_id = ?');
    this.insertIteration = db.prepare(
      'INSERT INTO dev_iterations (session_id, number, run_id, started_at_ms, finished_at_ms, verdict, record) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.iterationRows = db.prepare('SELECT * FROM dev_iterations WHERE session_id = ? ORDER BY number');
  }

  create(session: NewSession): StoredSession {
    if (!SESSION_ID_PATTERN.test(session.id))
      throw new OtelMcpError('INVALID_ARGUMENT', `session id ${JSON.stringify(session.id)} is not accepted`);
    try {
      this.insertSession.run(
        session.id,
        session.projectName,
        session.specName ?? null,
        JSON.stringify(session.settings ?? {}),
        this.now(),
      );
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
        throw new OtelMcpError('CONFLICT', `a session with id ${session.id} already exists`);
      }
      throw error;
    }
    return this.get(session.id) as StoredSession;
  }

  get(id: string): StoredSession | undefined {
    const row = this.sessionRow.get(id);
    return row ? toSession(row) : undefined;
  }

  /** The newest sessions first. */
  recent(limit: number): StoredSession[] {
    return this.recentRows.all(limit).map(toSession);
  }

  appendIteration(iteration: NewIteration): StoredIteration {
    return this.db
      .transaction((): StoredIteration => {
        if (!this.sessionRow.get(iteration.sessionId))
          throw new OtelMcpError('NOT_FOUND', `no session ${iteration.sessionId}`);
        const number = (this.lastNumber.get(iteration.sessionId)?.last ?? 0) + 1;
        this.insertIteration.run(
          iteration.sessionId,
          number,
          iteration.runId,
          iteration.startedAtMs,
          iteration.finishedAtMs,
          iteration.verdict,
          JSON.stringify(iteration.record),
        );
        return { ...iteration, number };
      })
      .immediate();
  }

  /** Every iteration of a session, oldest first. */
  iterations(sessionId: string): StoredIteration[] {
    return this.iterationRows.all(sessionId).map((row) => ({
      sessionId: row.session_id,
      number: row.number,
      runId: row.run_id,
      startedAtMs: row.started_at_ms,
      finishedAtMs: row.finished_at_ms,
      verdict: row.verdict,
      record: JSON.parse(row.record) as unknown,
    }));
  }
}

function toSession(row: SessionRow): StoredSession {
  return {
    id: row.id,
    projectName: row.project_name,
    ...(row.spec_name !== null ? { specName: row.spec_name } : {}),
    settings: JSON.parse(row.settings) as unknown,
    createdAtMs: row.created_at_ms,
    iterationCount: row.iterations,
  };
}
