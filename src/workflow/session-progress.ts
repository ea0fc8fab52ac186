/**
 * How a session is going: every iteration with its verdict and score, what each fixed and
 * introduced since the one before, the durations of the key spans, and the time to first green.
 * Pure: computed from the stored iteration records.
 */
import type { DevSession, Iteration } from './dev-sessions.js';
import type { IterationRecord } from './iteration-record.js';
import { lostServiceOf } from './lost-telemetry.js';

export interface IterationProgress {
  number: number;
  runId: string;
  finishedAtMs: number;
  verdict: string;
  score?: number;
  checks?: { passed: number; total: number };
  /**
   * The judged trace's violations, counted as the run's answer counts them (one per violation:
   * three spans ending in error are three `unexpected_error`, though one key `unexpected_error (trace)`).
   */
  violationCount: number;
  /** Keys (`kind path`) that stand for several violations of the judged trace, with how many: the `×3` beside a key. */
  repeated: Record<string, number>;
  /** `kind path` of the violations gone since the previous iteration (their entry checked in both). */
  fixed: string[];
  /** `kind path` of the violations new since the previous iteration (their entry checked in both): regressions. */
  introduced: string[];
  /**
   * Entries whose spans never arrived in this iteration (telemetry_lost: a crash, or an exporter
   * that did not send), with the violation's account of why and whose spans they were. Lost
   * telemetry, not a regression of the code: neither fixed nor introduced counts them.
   */
  lost: { path: string; why: string; service?: string }[];
  /** Entry paths this iteration could not check (parent entry missing, spans lost): neither fixed nor introduced. */
  notEvaluated: string[];
  /** An entry missing in both runs, explained differently (`tag_mismatch → missing path`): neither fixed nor introduced. */
  changed: string[];
  exitCode: number | null;
  timedOut: boolean;
  traceCount: number;
  keySpans: { path: string; durationMs: number }[];
}

export interface SessionProgress {
  sessionId: string;
  projectName: string;
  specName?: string;
  iterations: IterationProgress[];
  firstGreen?: { iteration: number; afterMs: number };
  /**
   * Is the latest iteration green, and was the one before? `spans_lost`: the latest lost spans (a
   * crash, an exporter) and broke nothing else it could check, so its score does not compare.
   */
  status: 'no_runs' | 'green' | 'red' | 'regressed' | 'spans_lost' | 'improving' | 'unchanged' | 'no_spec';
  /** Key spans whose duration moved most between the first and the latest run that matched them. */
  durationChanges: { path: string; firstMs: number; latestMs: number }[];
}

export function sessionProgress(session: DevSession, iterations: readonly Iteration[]): SessionProgress {
  const rows: IterationProgress[] = [];
  let previous: CheckedRun | undefined;
  for (const iteration of iterations) {
    const { record } = iteration;
    const checked = checkedRun(record);
    const judged = record.verdict === 'pass' || record.verdict === 'fail';
    const change =
      previous && judged ? changesBetween(previous, checked) : { fixed: [], introduced: [], changed: [] };
    rows.push({
      number: iteration.number,
      runId: iteration.runId,
      finishedAtMs: iteration.finishedAtMs,
      verdict: record.verdict,
      ...(record.score !== undefined ? { score: record.score } : {}),
      ...(record.checks ? { checks: record.checks } : {}),
      violationCount: record.violations.length + record.violationsOmitted,
      repeated: repeatedKeys(record),
      fixed: change.fixed,
      introduced: change.introduced,
      lost: lostSpans(record),
      notEvaluated: [...checked.notEvaluated],
      changed: change.changed,
      exitCode: record.exitCode,
      timedOut: record.timedOut,
      traceCount: record.traces.length + record.tracesOmitted,
      keySpans: record.keySpans,
    });
    if (judged) previous = checked;
  }
  const green = iterations.find((iteration) => iteration.record.verdict === 'pass');
  return {
    sessionId: session.id,
    projectName: session.projectName,
    ...(session.specName !== undefined ? { specName: session.specName } : {}),
    iterations: rows,
    ...(green
      ? { firstGreen: { iteration: green.number, afterMs: green.finishedAtMs - session.createdAtMs } }
      : {}),
    status: statusOf(rows),
    durationChanges: durationChanges(rows),
  };
}

/** What one judged run checked: its violations, and the entries it could not check in full. */
export interface CheckedRun {
  keys: ReadonlySet<string>;
  /** Never looked for (parent entry missing, spans lost). */
  notEvaluated: ReadonlySet<string>;
  /** Looked for and not found: only their presence was checked. */
  notFound: ReadonlySet<string>;
}

export function checkedRun(record: IterationRecord): CheckedRun {
  return {
    keys: new Set(record.violationKeys),
    notEvaluated: new Set(record.notEvaluated ?? []),
    notFound: new Set(record.notFound ?? []),
  };
}

/**
 * Violations gone and new between two judged runs, counting a violation only when its entry was
 * found in the other run too: a child entry under a parent that went missing was not "fixed", and
 * it is not "introduced" when the parent comes back and it is checked again; a span that went
 * missing took its tag and duration checks with it. An entry missing in both runs, explained
 * differently, is `changed`. Spans lost on the way (telemetry_lost) are neither: a crash or an
 * exporter lost them, the code did not stop making them.
 */
export function changesBetween(
  before: CheckedRun,
  after: CheckedRun,
): { fixed: string[]; introduced: string[]; changed: string[] } {
  const pathOf = (key: string): string => key.slice(key.indexOf(' ') + 1);
  const checkedIn = (run: CheckedRun, key: string): boolean =>
    !run.notEvaluated.has(pathOf(key)) && !run.notFound.has(pathOf(key));
  const changed: string[] = [];
  for (const key of after.keys) {
    if (before.keys.has(key)) continue;
    const path = pathOf(key);
    if (!before.notFound.has(path) || !after.notFound.has(path)) continue;
    const was = [...before.keys].find((old) => pathOf(old) === path);
    if (was !== undefined) changed.push(`${was.slice(0, was.indexOf(' '))} → ${key}`);
  }
  const counted = (key: string): boolean => !key.startsWith(`${LOST} `);
  return {
    fixed: [...before.keys].filter((key) => counted(key) && !after.keys.has(key) && checkedIn(after, key)),
    introduced: [...after.keys].filter(
      (key) => counted(key) && !before.keys.has(key) && checkedIn(before, key),
    ),
    changed,
  };
}

const LOST = 'telemetry_lost';

/**
 * Fixed and introduced compare keys (`kind path`), so several violations of one kind on one entry
 * are one key there: how many each stands for, for the keys that merge more than one.
 */
function repeatedKeys(record: IterationRecord): Record<string, number> {
  const tally: Record<string, number> = {};
  for (const violation of record.violations) {
    const key = `${violation.kind} ${violation.path}`;
    tally[key] = (tally[key] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(tally).filter(([, count]) => count > 1));
}

/** A key as the answers show it: `unexpected_error (trace) ×3` when it merges three violations. */
export function showKey(key: string, repeated: Readonly<Record<string, number>> = {}): string {
  const times = repeated[key];
  return times !== undefined && times > 1 ? `${key} ×${times}` : key;
}

/** The lost-spans violations of a run, each with its message's first clause: whose spans, and why. */
function lostSpans(record: IterationRecord): IterationProgress['lost'] {
  return record.violationKeys
    .filter((key) => key.startsWith(`${LOST} `))
    .map((key) => {
      const path = key.slice(LOST.length + 1);
      const message = record.violations.find(
        (violation) => violation.kind === LOST && violation.path === path,
      )?.message;
      const service = message !== undefined ? lostServiceOf(message) : undefined;
      return {
        path,
        why: message?.split('; ')[0] ?? 'its spans never arrived',
        ...(service !== undefined ? { service } : {}),
      };
    });
}

function statusOf(rows: readonly IterationProgress[]): SessionProgress['status'] {
  const latest = rows[rows.length - 1];
  if (!latest) return 'no_runs';
  if (latest.verdict === 'no_spec') return 'no_spec';
  if (latest.verdict === 'pass') return 'green';
  const before = [...rows.slice(0, -1)]
    .reverse()
    .find((row) => row.verdict === 'pass' || row.verdict === 'fail');
  // A first run whose only violations are spans that never arrived has nothing of the code to judge.
  if (!before)
    return latest.lost.length > 0 && latest.violationCount === latest.lost.length ? 'spans_lost' : 'red';
  if (latest.introduced.length > 0) return 'regressed';
  if (latest.lost.length > 0) return 'spans_lost';
  if (before.verdict === 'pass') return 'regressed';
  if ((latest.score ?? 0) > (before.score ?? 0) || latest.fixed.length > 0) return 'improving';
  return 'unchanged';
}

/** Five key spans with the largest relative change: what a fix made faster or slower. */
function durationChanges(rows: readonly IterationProgress[]): SessionProgress['durationChanges'] {
  const first = new Map<string, number>();
  const latest = new Map<string, number>();
  for (const row of rows) {
    for (const span of row.keySpans) {
      if (!first.has(span.path)) first.set(span.path, span.durationMs);
      latest.set(span.path, span.durationMs);
    }
  }
  const changes: SessionProgress['durationChanges'] = [];
  for (const [path, firstMs] of first) {
    const latestMs = latest.get(path) as number;
    if (firstMs !== latestMs) changes.push({ path, firstMs, latestMs });
  }
  const ratio = (change: { firstMs: number; latestMs: number }): number =>
    Math.abs(Math.log((change.latestMs + 0.01) / (change.firstMs + 0.01)));
  return changes.sort((a, b) => ratio(b) - ratio(a)).slice(0, 5);
}
