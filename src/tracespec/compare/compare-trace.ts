/**
 * compareTraceToSpec: the verdict on one trace against one spec (docs/spec-language.md). Steps:
 * index the trace, assign actual spans to expected entries (non-greedy, scope by scope), check
 * every rule, then fold the findings into a compact ComparisonResult.
 */
import { OtelMcpError, type Span, type Trace } from '../../model/index.js';
import { planAssignment, type AssignmentPlan } from './assignment-plan.js';
import { compileSpec, type CompiledSpec } from './compiled-spec.js';
import {
  unexpectedErrorSpanIds,
  type CompareOptions,
  type ComparisonResult,
  type EntryResult,
  type Violation,
} from './comparison-result.js';
import { checkEntries, type ProvisionalMatches } from './entry-rules.js';
import { checkErrorRules } from './error-rules.js';
import { formatRange, roundMs } from './evidence-format.js';
import { Findings } from './findings.js';
import { ScopeSolver } from './scope-solver.js';
import { formatProblems } from '../language/spec-problems.js';
import { suggestImprovements, violationPriority } from '../report/suggest-improvements.js';
import { spanOrigin } from './span-origin.js';
import { markStoppedByFailure } from './stopped-by-failure.js';
import { lookupAttribute } from './tag-matcher.js';
import { indexTrace, type TraceIndex } from './trace-index.js';
import { checkTraceConstraints } from './trace-constraints.js';
import type { TraceSpec } from '../language/trace-spec.js';
import { checkUnexpectedSpans } from './unexpected-spans.js';
import { validateTraceSpec } from '../language/validate-spec.js';

export function compareTraceToSpec(
  trace: Trace,
  spec: TraceSpec,
  options: CompareOptions = {},
): ComparisonResult {
  return prepareSpecComparison(spec)(trace, options);
}

export type SpecComparison = (trace: Trace, options?: CompareOptions) => ComparisonResult;

/**
 * Validates and compiles the spec once, for comparing many traces with it (validate_trace_collection:
 * 1,000 traces would otherwise validate the same spec 1,000 times). Throws INVALID_ARGUMENT for a bad spec.
 */
export function prepareSpecComparison(spec: TraceSpec): SpecComparison {
  // Specs reach here from stores and tools; a hand-built object is checked like typed text.
  const validation = validateTraceSpec(spec);
  if (!validation.ok || !validation.spec) {
    throw new OtelMcpError('INVALID_ARGUMENT', `invalid trace spec:\n${formatProblems(validation.problems)}`);
  }
  const compiled = compileSpec(validation.spec);
  return (trace, options = {}) => compareCompiled(trace, compiled, options);
}

function compareCompiled(trace: Trace, compiled: CompiledSpec, options: CompareOptions): ComparisonResult {
  const index = indexTrace(trace);
  const solver = new ScopeSolver(index, compiled);
  const plan = planAssignment(solver);
  const findings = new Findings();

  const provisional = checkEntries(solver, plan, findings);
  checkErrorRules(
    index,
    compiled.spec.error_conditions ?? [],
    compiled.entries,
    (span) => plan.useOf.get(span)?.entry,
    findings,
    options.errorOrigins,
  );
  checkTraceConstraints(index, compiled.spec.performance_constraints, findings);
  // A span an entry's violation names as its near miss (a tag off, another service) is accounted
  // for by that violation: listed as unexpected too, it read as a span to remove. So is every span a
  // count violation calls too many (findings.surplus): listed again, "remove 4 extra SELECT calls"
  // read as 4 plus 3 more. Strict does not fail on them a second time either.
  const nearMisses = new Set(
    findings.violations.flatMap((violation) =>
      violation.path !== '(trace)' && violation.span ? [violation.span.span_id] : [],
    ),
  );
  const unexpected = checkUnexpectedSpans(
    index,
    (span) =>
      plan.useOf.has(span) ||
      provisional.uses.has(span) ||
      findings.surplus.has(span) ||
      nearMisses.has(index.spans[span]?.spanId ?? ''),
    compiled.spec.strict === true,
    findings,
  );

  const maxViolations = options.maxViolations ?? 40;
  const maxGroups = options.maxUnexpectedGroups ?? 20;
  // Marked one scope at a time, before merging: of three parent spans, only the one that failed
  // stopped the flow; beneath the other two the span is missing in its own right.
  markStoppedByFailure(
    findings.violations,
    compiled.entries,
    index,
    plan,
    unexpectedErrorSpanIds(findings.violations),
    options.errorOrigins,
  );
  const merged = mergeViolations(findings.violations).sort(
    (a, b) => violationPriority(a) - violationPriority(b),
  );
  const spanById = new Map(index.spans.map((span) => [span.spanId, span]));
  for (const violation of merged) {
    const culprit = violation.span ? spanById.get(violation.span.span_id) : undefined;
    if (culprit) violation.origin = spanOrigin(culprit);
  }
  const result: ComparisonResult = {
    spec_name: compiled.spec.name,
    trace_id: trace.traceId,
    matches_specification: merged.length === 0,
    score: findings.total === 0 ? 1 : Math.round((findings.passed / findings.total) * 1000) / 1000,
    checks: { passed: findings.passed, total: findings.total },
    violations: merged.slice(0, maxViolations),
    missing_spans: findings.missing,
    unexpected_spans: unexpected.groups.slice(0, maxGroups),
    unexpected_span_count: unexpected.count,
    performance_issues: findings.performance,
    suggestions: [],
    entries: entryResults(
      compiled,
      index,
      plan,
      merged,
      findings.evaluated,
      provisional,
      options.maxMatchesPerEntry ?? 50,
      options.allDurations ? findings.surplus : undefined,
    ),
    not_evaluated: compiled.entries
      .filter((entry) => !findings.evaluated.has(entry.id))
      .map((entry) => entry.path),
    semconv_notes: semconvNotes(index, plan),
    span_count: index.spans.length,
  };
  const cutViolations = merged.length - result.violations.length;
  const cutGroups = unexpected.groups.length - result.unexpected_spans.length;
  if (cutViolations > 0 || cutGroups > 0) {
    result.truncated = {
      ...(cutViolations > 0 ? { violations: cutViolations } : {}),
      ...(cutGroups > 0 ? { unexpected_span_groups: cutGroups } : {}),
    };
  }
  // Suggestions come from every violation, including those cut from the list above.
  result.suggestions = suggestImprovements(
    { ...result, violations: merged },
    { max: options.maxSuggestions ?? 8 },
  ).map((improvement) => improvement.action);
  return result;
}

/**
 * Many spans breaking the same rule of the same entry become one violation with a count. A count
 * violation states its scope's count in its message; one merged from several scopes (a child entry
 * of a repeated parent) says so, with the total, or its message would state only the first.
 */
function mergeViolations(violations: readonly Violation[]): Violation[] {
  const byKey = new Map<string, Violation>();
  const merged: Violation[] = [];
  const scopes = new Map<Violation, number>();
  for (const violation of violations) {
    const subject =
      violation.path === '(trace)' && violation.span
        ? `${violation.span.service}/${violation.span.name}`
        : '';
    const key = `${violation.path}|${violation.kind}|${violation.tag ?? ''}|${subject}|${violation.caused_by?.span_id ?? ''}`;
    const first = byKey.get(key);
    if (!first) {
      const copy = inReadingOrder(violation);
      byKey.set(key, copy);
      merged.push(copy);
      continue;
    }
    scopes.set(first, (scopes.get(first) ?? 1) + 1);
    first.occurrences = (first.occurrences ?? 1) + (violation.occurrences ?? 1);
    const ids = [violation.span?.span_id, ...(violation.other_span_ids ?? [])].filter(
      (id): id is string => id !== undefined,
    );
    const others = first.other_span_ids ?? [];
    for (const id of ids)
      if (others.length < 4 && !others.includes(id) && id !== first.span?.span_id) others.push(id);
    if (others.length > 0) first.other_span_ids = others;
  }
  for (const [violation, count] of scopes) {
    const total = violation.occurrences ?? 1;
    const more = `${count - 1} more parent span${count === 2 ? '' : 's'}`;
    if (violation.kind === 'count_too_high')
      violation.message += `; too many under ${more} as well, ${total} extra in all`;
    else if (violation.kind === 'forbidden_present')
      violation.message += `; under ${more} as well, ${total} in all`;
  }
  return merged;
}

const VIOLATION_KEYS: readonly (keyof Violation)[] = [
  'kind',
  'path',
  'message',
  'span',
  'caused_by',
  'origin',
  'under',
  'nearest',
  'tag',
  'expected',
  'actual',
  'occurrences',
  'other_span_ids',
  'fix',
];

/** Same fields, in the order a reader wants them: what, where, evidence, then the fix. */
function inReadingOrder(violation: Violation): Violation {
  const ordered: Record<string, unknown> = {};
  for (const key of VIOLATION_KEYS) if (violation[key] !== undefined) ordered[key] = violation[key];
  return ordered as unknown as Violation;
}

function entryResults(
  compiled: CompiledSpec,
  index: TraceIndex,
  plan: AssignmentPlan,
  violations: readonly Violation[],
  evaluated: ReadonlySet<number>,
  provisional: ProvisionalMatches,
  maxMatches: number,
  /** Surplus spans by the entry that counted them; given, each entry lists every span's duration. */
  surplusOf: ReadonlyMap<number, number> | undefined,
): EntryResult[] {
  const violated = new Set(violations.map((violation) => violation.path));
  // Merged per entry already: `occurrences` counts every surplus span of every scope.
  const surplus = new Map(
    violations
      .filter((violation) => violation.kind === 'count_too_high' || violation.kind === 'forbidden_present')
      .map((violation) => [violation.path, violation.occurrences ?? 1]),
  );
  const byEntry = (uses: Iterable<[number, number]>): Map<number, number[]> => {
    const spansOf = new Map<number, number[]>();
    for (const [span, entryId] of uses) {
      const list = spansOf.get(entryId);
      if (list) list.push(span);
      else spansOf.set(entryId, [span]);
    }
    return spansOf;
  };
  const matched = byEntry([...plan.useOf].map(([span, use]) => [span, use.entry.id]));
  const beneathNearMiss = byEntry(provisional.uses);
  const overCount = surplusOf ? byEntry(surplusOf) : undefined;
  const durationsOf = (...lists: (number[] | undefined)[]): number[] =>
    lists.flatMap((spans) => (spans ?? []).map((span) => roundMs(index.durationMs[span] ?? 0)));
  const inStartOrder = (spans: number[] | undefined): number[] =>
    (spans ?? []).sort((a, b) => (index.startRank[a] ?? 0) - (index.startRank[b] ?? 0));
  const asMatch = (span: number) => ({
    span_id: (index.spans[span] as Span).spanId,
    duration_ms: roundMs(index.durationMs[span] ?? 0),
  });
  return compiled.entries.map((entry) => {
    const spans = inStartOrder(matched.get(entry.id));
    const nearMiss = inStartOrder(beneathNearMiss.get(entry.id));
    const tooMany = surplus.get(entry.path);
    return {
      path: entry.path,
      operation_name: entry.name,
      ...(entry.service !== undefined ? { service_name: entry.service } : {}),
      expected: formatRange(entry.count),
      found: spans.length,
      // An entry under a missing parent was never looked for: it is not satisfied either.
      satisfied:
        evaluated.has(entry.id) && !violated.has(entry.path) && (entry.count.min === 0 || spans.length > 0),
      evaluated: evaluated.has(entry.id),
      matches: spans.slice(0, maxMatches).map(asMatch),
      ...(nearMiss.length > 0
        ? {
            near_miss: {
              found: nearMiss.length,
              satisfied: !violated.has(entry.path),
              matches: nearMiss.slice(0, maxMatches).map(asMatch),
              ...(nearMiss.every((span) => provisional.withoutParent.has(span)) ? { parent_lost: true } : {}),
            },
          }
        : {}),
      ...(tooMany !== undefined ? { surplus: tooMany } : {}),
      // A surplus span another entry took as optional is that entry's.
      ...(overCount
        ? {
            durations_ms: durationsOf(
              spans,
              nearMiss,
              overCount.get(entry.id)?.filter((span) => !plan.useOf.has(span)),
            ),
          }
        : {}),
    };
  });
}

/**
 * One note per (tag, name sent, service) where a matched span had a spec tag only under its name
 * from another generation of the semantic conventions.
 */
function semconvNotes(index: TraceIndex, plan: AssignmentPlan): string[] {
  const notes = new Set<string>();
  for (const [span, use] of plan.useOf) {
    const actual = index.spans[span] as Span;
    for (const tag of [...use.entry.requiredTags, ...use.entry.optionalTags]) {
      const alias = lookupAttribute(actual, tag.key)?.alias;
      if (!alias) continue;
      notes.add(
        `\`${tag.key}\` matched \`${alias.name}\`, the ${alias.generation} ${alias.family} convention name that ${actual.serviceName} sends`,
      );
    }
  }
  return [...notes].sort();
}
