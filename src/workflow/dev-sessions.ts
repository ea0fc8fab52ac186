/**
 * Development sessions: a project, the spec its runs are judged by, and
 * every iteration, persisted in the store so a restart loses nothing.
 */
import { OtelMcpError } from '../model/errors.js';
import type {
  SessionRepository,
  StoredIteration,
  StoredSession,
} from '../store/sessions/session-repository.js';
import type { RunReport, ServiceRequest } from './execute-run.js';
import { iterationRecordOf, type IterationRecord } from './iteration-record.js';

/** Run defaults a session can hold, so each execute_and_capture call only names the command. */
export interface SessionSettings {
  command?: string;
  workingDir?: string;
  env?: Record<string, string>;
  services?: ServiceRequest[];
  startServicesTogether?: boolean;
}

export interface DevSession {
  id: string;
  projectName: string;
  specName?: string;
  settings: SessionSettings;
  createdAtMs: number;
  iterationCount: number;
}

export interface Iteration {
  number: number;
  runId: string;
  startedAtMs: number;
  finishedAtMs: number;
  record: IterationRecord;
}

export interface NewDevSession {
  projectName: string;
  specName?: string;
  settings?: SessionSettings;
}

export class SessionBook {
  constructor(
    private readonly repository: SessionRepository,
    private readonly newId: () => string,
  ) {}

  create(input: NewDevSession): DevSession {
    const stored = this.repository.create({
      id: this.newId(),
      projectName: input.projectName,
      ...(input.specName !== undefined ? { specName: input.specName } : {}),
      settings: input.settings ?? {},
    });
    return toSession(stored);
  }

  /** The session, or NOT_FOUND naming the most recent sessions. */
  get(id: string): DevSession {
    const stored = this.repository.get(id);
    if (stored) return toSession(stored);
    const recent = this.repository.recent(5);
    throw new OtelMcpError(
      'NOT_FOUND',
      `no development session ${JSON.stringify(id)}`,
      recent.length > 0
        ? `recent sessions: ${recent.map((session) => `${session.id} (${session.projectName})`).join(', ')}; or create_development_session for a new one`
        : 'create one with create_development_session(project_name, spec_name)',
    );
  }

  recent(limit: number): DevSession[] {
    return this.repository.recent(limit).map(toSession);
  }

  record(sessionId: string, report: RunReport, command: string): Iteration {
    const record = iterationRecordOf(report, command);
    const stored = this.repository.appendIteration({
      sessionId,
      runId: report.runId,
      startedAtMs: report.startedAtMs,
      finishedAtMs: report.finishedAtMs,
      verdict: record.verdict,
      record,
    });
    return toIteration(stored);
  }

  iterations(sessionId: string): Iteration[] {
    return this.repository.iterations(sessionId).map(toIteration);
  }
}

function toSession(stored: StoredSession): DevSession {
  return {
    id: stored.id,
    projectName: stored.projectName,
    ...(stored.specName !== undefined ? { specName: stored.specName } : {}),
    settings: stored.settings as SessionSettings,
    createdAtMs: stored.createdAtMs,
    iterationCount: stored.iterationCount,
  };
}

function toIteration(stored: StoredIteration): Iteration {
  return {
    number: stored.number,
    runId: stored.runId,
    startedAtMs: stored.startedAtMs,
    finishedAtMs: stored.finishedAtMs,
    record: stored.record as IterationRecord,
  };
}
