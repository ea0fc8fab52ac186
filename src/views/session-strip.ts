/**
 * A development session as a strip of iterations, red to green: each with its verdict, score,
 * what it fixed and introduced, the spans it lost, and the trace it was judged on. Pure: built from
 * the session's progress (workflow/session-progress) and the iterations' primary trace ids.
 */

/**
 * The parts of one iteration's progress the strip shows. A copy of the fields of workflow's
 * IterationProgress (which fits it), since views may not import workflow (eslint.config.js).
 */
export interface IterationInput {
  number: number;
  verdict: string;
  score?: number;
  checks?: { passed: number; total: number };
  violationCount: number;
  fixed: string[];
  introduced: string[];
  /** One per telemetry_lost violation: the spans never arrived (a crash, an exporter). */
  lost: readonly LostSpans[];
  /** Entry paths the run could not check (parent entry missing, spans lost). */
  notEvaluated: readonly string[];
  finishedAtMs: number;
}

export interface LostSpans {
  /** The first entry the loss left unchecked. */
  path: string;
  /** Whose spans, and why they never arrived. */
  why: string;
  service?: string;
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
  /**
   * green: passed; red: failed; amber: lost spans and introduced nothing (telemetry lost, not a
   * regression: the session's `spans_lost`); grey: nothing to judge by.
   */
  colour: 'green' | 'red' | 'amber' | 'grey';
  score?: number;
  checks?: { passed: number; total: number };
  /** Every violation of the judged trace, the lost-spans ones (as many as `lost`) included. */
  violations: number;
  fixed: string[];
  /** Regressions only: lost spans are never among them. */
  introduced: string[];
  lost: LostSpans[];
  /** How many spec entries the run could not check. */
  notEvaluated: number;
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

/**
 * As the session's status reads the same run: spans lost and nothing new broken is `spans_lost`,
 * not `regressed`. A first judged run has nothing to have broken anew, so it is amber only when the
 * lost spans are all that is wrong with it.
 */
function colourOf(iteration: IterationInput, first: boolean): StripCell['colour'] {
  const { verdict } = iteration;
  if (verdict === 'pass') return 'green';
  if (verdict === 'fail' || verdict === 'crashed' || verdict === 'timed_out' || verdict === 'not_covered') {
    if (iteration.lost.length === 0) return 'red';
    const nothingElse = first
      ? iteration.violationCount === iteration.lost.length
      : iteration.introduced.length === 0;
    return nothingElse ? 'amber' : 'red';
  }
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
    cells: session.iterations.map((iteration, at) => {
      const traceId = traceIds.get(iteration.number);
      const first = !session.iterations
        .slice(0, at)
        .some((earlier) => earlier.verdict === 'pass' || earlier.verdict === 'fail');
      return {
        number: iteration.number,
        verdict: iteration.verdict,
        colour: colourOf(iteration, first),
        ...(iteration.score !== undefined ? { score: iteration.score } : {}),
        ...(iteration.checks ? { checks: iteration.checks } : {}),
        violations: iteration.violationCount,
        fixed: iteration.fixed,
        introduced: iteration.introduced,
        lost: iteration.lost.map((lost) => ({ ...lost })),
        notEvaluated: iteration.notEvaluated.length,
        finishedAt: new Date(iteration.finishedAtMs).toISOString(),
        ...(traceId !== undefined ? { traceId } : {}),
      };
    }),
  };
}
