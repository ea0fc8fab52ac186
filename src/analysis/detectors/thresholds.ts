import { invalidArgument } from '../../model/index.js';

/**
 * Detector thresholds. The defaults follow Sentry's performance-issue detectors (getsentry/sentry,
 * src/sentry/utils/performance_issues), the most widely used set, except where a comment below says
 * otherwise and why.
 */
export interface DetectorThresholds {
  nPlusOneDbMinCount: number;
  nPlusOneDbMinTotalMs: number;
  nPlusOneHttpMinCount: number;
  nPlusOneHttpMinTotalMs: number;
  sequentialMinSavedMs: number;
  sequentialMinSavedShare: number;
  sequentialMinCallMs: number;
  slowDbQueryMs: number;
  retryStormMinCalls: number;
  missingInstrumentationMinGapMs: number;
  missingInstrumentationMinGapShare: number;
  highImpactMs: number;
  highImpactShare: number;
  mediumImpactMs: number;
  mediumImpactShare: number;
  maxSpansPerFinding: number;
}

export const DEFAULT_THRESHOLDS: Readonly<DetectorThresholds> = Object.freeze({
  // Sentry N+1 DB: ≥5 repetitions of the same parameterized query under one parent…
  nPlusOneDbMinCount: 5,
  // …taking ≥50 ms together (its `duration_threshold`). Here a loop below it is still reported, at
  // low severity: a development loop runs against a local database, where the same five queries
  // take half a millisecond.
  nPlusOneDbMinTotalMs: 50,
  // Sentry N+1 API calls: ≥10 GETs to the same parameterized URL under one parent.
  nPlusOneHttpMinCount: 10,
  // Sentry also wants ≥300 ms together (browser pages); we ask only for the count, since
  // a server loop of 10 fast calls is still worth knowing; the severity carries the impact
  // (below this total: low).
  nPlusOneHttpMinTotalMs: 0,
  // Sentry consecutive DB: parallelizing must save ≥100 ms…
  sequentialMinSavedMs: 100,
  // …and ≥10% (Sentry compares to the calls' total; we to the parent's duration).
  sequentialMinSavedShare: 0.1,
  // Sentry consecutive DB: each query takes >30 ms; shorter calls are not worth a fan-out.
  sequentialMinCallMs: 30,
  // Sentry slow DB query: ≥500 ms.
  slowDbQueryMs: 500,
  // Three identical calls where the first two failed is the smallest retry loop.
  retryStormMinCalls: 3,
  // An uncovered stretch must be ≥100 ms (the smallest impact the other detectors report)…
  missingInstrumentationMinGapMs: 100,
  // …and ≥50% of the span, so most of its time is unexplained.
  missingInstrumentationMinGapShare: 0.5,
  // Severity (our scale, not Sentry's): ≥1 s or ≥30% of the trace is high…
  highImpactMs: 1000,
  highImpactShare: 0.3,
  // …≥200 ms or ≥10% is medium; anything smaller is low.
  mediumImpactMs: 200,
  mediumImpactShare: 0.1,
  // Ten ids per finding are enough to open a few; the rest are counted, keeping a finding ~1 kB.
  maxSpansPerFinding: 10,
});

/** Defaults overridden by the caller's values, each checked to be a finite number ≥ 0. */
export function resolveThresholds(overrides: Partial<DetectorThresholds> = {}): DetectorThresholds {
  const resolved: DetectorThresholds = { ...DEFAULT_THRESHOLDS };
  for (const [key, value] of Object.entries(overrides)) {
    if (!(key in DEFAULT_THRESHOLDS)) {
      throw invalidArgument(
        `unknown detector threshold '${key}'`,
        `known thresholds: ${Object.keys(DEFAULT_THRESHOLDS).join(', ')}`,
      );
    }
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw invalidArgument(`detector threshold '${key}' must be a number ≥ 0, got ${String(value)}`);
    }
    resolved[key as keyof DetectorThresholds] = value;
  }
  return resolved;
}
