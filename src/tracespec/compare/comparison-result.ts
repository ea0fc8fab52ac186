/**
 * What a comparison returns. It goes into an AI model's context, so it is compact: one line of
 * evidence per violation, grouped when many spans break the same rule of the same entry, and
 * capped lists with honest counts of what was left out. Field names are snake_case like the plan's.
 */

export type ViolationKind =
  | 'missing'
  | 'count_too_low'
  | 'count_too_high'
  | 'forbidden_present'
  | 'wrong_parent'
  | 'wrong_service'
  | 'wrong_kind'
  | 'tag_mismatch'
  | 'tag_missing'
  | 'optional_tag_mismatch'
  | 'order'
  | 'duration'
  /** Extension: the `links` expectation of an entry. */
  | 'links'
  | 'unexpected_error'
  | 'expected_error_missing'
  | 'wrong_exception'
  | 'total_duration'
  | 'span_count'
  | 'depth'
  | 'unexpected_span'
  /**
   * Made by the judge of a run, not by the comparison: the spans of a service the run started
   * never arrived (it crashed, was stopped before its exporter flushed, or never exports), so the
   * entries in it could not be checked.
   */
  | 'telemetry_lost';

export interface SpanRef {
  span_id: string;
  name: string;
  service: string;
}

/**
 * Who made a culprit span, so the agent knows what to open: an instrumentation library (change how
 * it is configured or called, not the span) or the application's own tracer, with the source
 * location when the span carries `code.*` attributes.
 */
export interface SpanOrigin {
  /** The instrumentation scope's name and version. */
  scope: string;
  made_by: 'instrumentation' | 'application';
  /** `app.py:57 (create_loan)`, from code.file.path / code.line.number / code.function.name or their older names. */
  code?: string;
}

/** The actual span that comes closest to a missing entry, and how it differs. */
export interface NearestCandidate {
  span: SpanRef;
  /** e.g. `service order-service (expected payment-service)`, `under POST /orders (order-service)`. */
  differences: string[];
}

export interface Violation {
  kind: ViolationKind;
  /** The entry's path (`checkout > payment.process`), `error_conditions[0]`, or `(trace)`. */
  path: string;
  /** One sentence of evidence. */
  message: string;
  /** The culprit actual span, where one exists. */
  span?: SpanRef;
  /** Who made the culprit span. */
  origin?: SpanOrigin;
  /** For a missing child: the actual span it should have been under. */
  under?: SpanRef;
  nearest?: NearestCandidate;
  /** For tag violations: the attribute name. */
  tag?: string;
  expected?: string;
  actual?: string;
  /** What to change, in the agent's terms. */
  fix: string;
  /** How many times this rule of this entry was broken (when more than once). */
  occurrences?: number;
  /** Further culprit spans when grouped (at most 4). */
  other_span_ids?: string[];
  /**
   * For `unexpected_error`: the failing span beneath this one where its failure started, when this
   * span only passed it on (set by the run and compare_trace_to_spec, which see the whole trace).
   * For `missing`: where the failure of the span it was expected beneath started, which most likely
   * stopped the flow before it.
   */
  caused_by?: SpanRef;
}

export interface MissingSpan {
  path: string;
  operation_name: string;
  service_name?: string;
  /** `1`, `≥1`, `2..5`. */
  expected: string;
  found: number;
  /** The violation kind that explains the absence, when not plain `missing`. */
  reason?: ViolationKind;
}

export interface UnexpectedSpanGroup {
  name: string;
  service: string;
  /**
   * Where these calls went, when calls of this name went to several places: the service called,
   * else host:port (`notify-service`). Absent otherwise.
   */
  destination?: string;
  count: number;
  /** At most 3. */
  span_ids: string[];
}

export interface PerformanceIssue {
  kind: 'duration' | 'total_duration' | 'span_count' | 'depth';
  path: string;
  span?: SpanRef;
  measured: number;
  min?: number;
  max?: number;
  unit: 'ms' | 'spans' | 'levels';
  message: string;
}

export interface EntryMatch {
  span_id: string;
  duration_ms: number;
}

/** Per-entry outcome, for session progress and collection statistics. */
export interface EntryResult {
  path: string;
  operation_name: string;
  service_name?: string;
  expected: string;
  /** Spans matched to this entry, over every place it was looked for. */
  found: number;
  /** No violation names this entry's path. */
  satisfied: boolean;
  /** False when it was never looked for: its parent entry found no span (its checks count as failed). */
  evaluated: boolean;
  /** The first matches in start order (at most `maxMatchesPerEntry`). */
  matches: EntryMatch[];
  /**
   * Spans found beneath a near miss of the missing parent entry (its span, failing one rule): the
   * entry is there and judged on its own (`satisfied`: no violation names it), but its checks count
   * only once the parent matches. `parent_lost`: found instead beneath a span whose parent never
   * arrived (the part of the trace above it was lost), so the spans above are what is missing.
   */
  near_miss?: { found: number; satisfied: boolean; matches: EntryMatch[]; parent_lost?: boolean };
  /**
   * Spans where it was looked for past its `count.max` that no other entry needs: the ones its
   * count_too_high or forbidden_present violation counts. With those it matched, the count that failed.
   */
  surplus?: number;
  /** With CompareOptions.allDurations: every one of its spans' durations, in no particular order. */
  durations_ms?: number[];
}

/** Spans matched to an entry in its place or beneath its parent's near miss. */
function spansPlaced(entry: EntryResult): number {
  return entry.found + (entry.near_miss?.found ?? 0);
}

/**
 * Every span that was the entry's: matched in its place or beneath its parent's near miss, and
 * those over its `count.max` (a `count: 0` entry matches none, yet its forbidden span is there).
 */
export function entrySpanCount(entry: EntryResult): number {
  return spansPlaced(entry) + (entry.surplus ?? 0);
}

/**
 * An entry is exercised when spans were its own: matched in its place, beneath its parent's near
 * miss, or found there too often (a forbidden span present exercised its `count: 0` entry).
 */
export function entryExercised(entry: EntryResult): boolean {
  return entrySpanCount(entry) > 0;
}

/** Near misses that say the span is the entry's, misplaced: not a tag, which is what tells a
 * generic name (`server`, `GET`) used by every endpoint apart, a health check's included. */
const PLACEMENT_MISSES: ReadonlySet<ViolationKind> = new Set(['wrong_service', 'wrong_kind', 'wrong_parent']);

/**
 * A trace exercises the spec when one of its spans matched an entry, or has an entry's name and
 * breaks only where it is (another service, kind or parent: a renamed service's traces still
 * count). A trace with neither (a health check, another endpoint) is another flow, which the spec
 * says nothing about.
 */
export function traceExercisesSpec(result: Pick<ComparisonResult, 'entries' | 'violations'>): boolean {
  return (
    // Placed spans only: a trace whose one span of the spec is a forbidden one stays another flow.
    result.entries.some((entry) => spansPlaced(entry) > 0) ||
    result.violations.some(
      (violation) =>
        violation.path !== '(trace)' && violation.span !== undefined && PLACEMENT_MISSES.has(violation.kind),
    )
  );
}

export interface ComparisonResult {
  spec_name: string;
  trace_id: string;
  matches_specification: boolean;
  /** Share of the spec's checks that hold, 0..1. */
  score: number;
  checks: { passed: number; total: number };
  violations: Violation[];
  missing_spans: MissingSpan[];
  unexpected_spans: UnexpectedSpanGroup[];
  /** All spans that matched no entry, including those beyond the listed groups. */
  unexpected_span_count: number;
  performance_issues: PerformanceIssue[];
  suggestions: string[];
  entries: EntryResult[];
  /** Paths of the entries never looked for because their parent entry found no span. */
  not_evaluated: string[];
  /**
   * Tags matched through another generation of the semantic conventions, one sentence each
   * (`db.query.text` matched the older `db.statement` that loans-service sends).
   */
  semconv_notes: string[];
  span_count: number;
  /** Present when lists were cut to keep the result compact. */
  truncated?: { violations?: number; unexpected_span_groups?: number };
}

export interface CompareOptions {
  /** Default 40: enough for every distinct problem of a realistic spec. */
  maxViolations?: number;
  /** Default 50 matched spans listed per entry. */
  maxMatchesPerEntry?: number;
  /**
   * Give each entry `durations_ms`: the durations of all its spans, in its place, beneath its
   * parent's near miss and over its count (validate_trace_collection's percentiles).
   */
  allDurations?: boolean;
  /** Default 20 groups of unexpected spans. */
  maxUnexpectedGroups?: number;
  /** Default 8 suggestions. */
  maxSuggestions?: number;
  /**
   * By span id, the span where the failure of a failing span started, for spans that only passed
   * it on (analysis's failureOrigins): their `unexpected_error` then carries `caused_by`, and the
   * suggestions ask for the chain's fix once. The comparison sees spans, not why they failed.
   */
  errorOrigins?: ReadonlyMap<string, SpanRef>;
}

/**
 * An unexpected_error of a span that only passed on a failure that started in another span
 * (`caused_by`, given CompareOptions.errorOrigins): part of that failure's chain, not one of its own.
 */
export function passesFailureOn(violation: Violation): boolean {
  return (
    violation.kind === 'unexpected_error' &&
    violation.caused_by !== undefined &&
    violation.caused_by.span_id !== violation.span?.span_id
  );
}

/** The ids of the spans reported as unexpected errors. */
export function unexpectedErrorSpanIds(violations: readonly Violation[]): Set<string> {
  return new Set(
    violations.flatMap((violation) =>
      violation.kind === 'unexpected_error' && violation.span ? [violation.span.span_id] : [],
    ),
  );
}

/** A group of spans no entry expects as its answer names it: `service: name → destination ×N`. */
export function unexpectedGroupLabel(group: UnexpectedSpanGroup): string {
  return `${group.service}: ${group.name}${group.destination ? ` → ${group.destination}` : ''} ×${group.count}`;
}
