import { invalidArgument } from '../model/errors.js';

/**
 * Opaque pagination cursors: base64url JSON that names what it pages over, so a cursor from one
 * trace or view is refused for another instead of silently paging the wrong list.
 */
export interface CursorState {
  /** What the cursor belongs to, e.g. `spans:<trace id>`. */
  scope: string;
  offset: number;
}

export function encodeCursor(state: CursorState): string {
  return Buffer.from(JSON.stringify(state)).toString('base64url');
}

export function decodeCursor(cursor: string, scope: string): CursorState {
  let state: unknown;
  try {
    state = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidArgument(
      `cursor '${cursor}' is not a cursor this server issued`,
      'pass the next_cursor value from the previous answer unchanged',
    );
  }
  const candidate = state as Partial<CursorState>;
  if (typeof candidate.scope !== 'string' || typeof candidate.offset !== 'number' || candidate.offset < 0) {
    throw invalidArgument(
      `cursor '${cursor}' is malformed`,
      'pass the next_cursor value from the previous answer unchanged',
    );
  }
  if (candidate.scope !== scope) {
    throw invalidArgument(
      `this cursor pages '${candidate.scope}', not '${scope}'`,
      'use a cursor only with the same trace and view it came from, or omit it to start at the beginning',
    );
  }
  return { scope: candidate.scope, offset: candidate.offset };
}
