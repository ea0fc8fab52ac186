/**
 * A development session as a strip of iterations, red to green: each with its verdict, score,
 * what it fixed and introduced, and the trace it was judged on. Pure: built from the session's
 * progress (workflow/session-progress) and the iterations' primary trace ids.
 */

/** The parts of one iteration's progress the strip shows (workflow's IterationProgress fits). */
export interface IterationInput {
  number: number;
  verdict: string;
  score?: number;
  checks?: { passed: number; total: number };
  violationCount: number;
  fixed: string[];
  introduced: string[];
  finishedAtMs: number;
}

export interface SessionInput {
  sessionId: string;
  projectName: string;
  specName?: string;
  status: string;
  iterations: IterationInput[];
}

export interface StripCell {
  number: number;
  verdict: string;
  /** green: passed; red: failed; grey: nothing to judge by. */
  colour: 'green' | 'red' | 'grey';
  score?: number;
  checks?: { passed: number; total: number };
  violations: number;
  fixed: string[];
  introduced: string[];
  finishedAt: string;
  traceId?: string;
}

export interface SessionStripView {
  kind: 'session';
  sessionId: string;
  projectName: string;
  specName?: string;
  status: string;
  cells: StripCell[];
}

function colourOf(verdict: string): StripCell['colour'] {
  if (verdict === 'pass') return 'green';
  if (verdict === 'fail' || verdict === 'crashed' || verdict === 'timed_out' || verdict === 'not_covered')
    return 'red';
  return 'grey';
}

/** Oldest first; `traceIds` maps an iteration number to the trace it was judged on. */
export function sessionStripView(
  session: SessionInput,
  traceIds: ReadonlyMap<number, string>,
): SessionStripView {
  return {
    kind: 'session',
    sessionId: session.sessionId,
    projectName: session.projectName,
    ...(session.specName !== undefined ? { specName: session.specName } : {}),
    status: session.status,
    cells: session.iterations.map((iteration) => {
      const traceId = traceIds.get(iteration.number);
      return {
        number: iteration.number,
        verdict: iteration.verdict,
        colour: colourOf(iteration.verdict),
        ...(iteration.score !== undefined ? { score: iteration.score } : {}),
        ...(iteration.checks ? { checks: iteration.checks } : {}),
        violations: iteration.violationCount,
        fixed: iteration.fixed,
        introduced: iteration.introduced,
        finishedAt: new Date(iteration.finishedAtMs).toISOString(),
        ...(traceId !== undefined ? { traceId } : {}),
      };
    }),
  };
}
