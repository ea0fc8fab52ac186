import { randomBytes } from 'node:crypto';

/** `run_` + 12 hex digits: 48 random bits, so two runs in parallel never share an id. */
export function newRunId(): string {
  return `run_${randomBytes(6).toString('hex')}`;
}

/** `ses_` + 10 hex digits: short enough to type, random enough for one person's sessions. */
export function newSessionId(): string {
  return `ses_${randomBytes(5).toString('hex')}`;
}
