/**
 * Turns results into a short, prioritized list of actions: errors first, then missing or surplus
 * structure, then placement, then tags, then performance. Sources form a discriminated union on
 * `type` so the analysis part can add its own results (performance detectors, error root causes)
 * by adding a variant and a handler, without touching the comparison.
 */
import type { ComparisonResult, SpanRef, Violation } from '../compare/comparison-result.js';
import { entryName, errorChainFix, groupByChain } from './error-chains.js';
import { categoryOf, categoryPriority, type ViolationCategory } from './violation-categories.js';

export type ImprovementCategory = ViolationCategory;

export interface Improvement {
  /** 1 (do first) … 6, in the order of violation-categories.ts. */
  priority: number;
  category: ImprovementCategory;
  action: string;
  path?: string;
  span_id?: string;
  source: ImprovementSource['type'];
}

/**
 * A finding of trace analysis (detect_performance_issues, analyze_trace's error root causes and
 * orphans), in the shape the tools answer with. Kept structural so this part needs no analysis types.
 */
export interface AnalysisFindingInput {
  /** A detector kind (`n_plus_one_db`, `semconv_lint`, …) or `error_root_cause`, `orphan_span`, `unmarked_failure`. */
  kind: string;
  severity: 'high' | 'medium' | 'low';
  summary: string;
  fix: string;
  span_id?: string;
  /** For `error_root_cause`: the failing spans from the top of its chain down to the cause (last). */
  chain?: readonly SpanRefInput[];
}

interface SpanRefInput {
  span_id: string;
  name: string;
  service: string;
}

export type ImprovementSource =
  | { type: 'spec_comparison'; result: ComparisonResult }
  | { type: 'analysis_findings'; findings: readonly AnalysisFindingInput[] };

/** Sort key of a violation: its category's priority (violation-categories.ts). */
export function violationPriority(violation: Violation): number {
  return categoryPriority(categoryOf(violation.kind));
}

/**
 * One improvement per violation, except that the unexpected errors of one chain (a failing span
 * and the spans above it that failed because of it) are one, at the span where it started, and so
 * are the spans missing beneath its spans that the failure stopped from running (`caused_by`).
 * `chainCause` knows the cause of spans that analyze_trace put in a chain, for a comparison made
 * without the trace's tree (no `caused_by`).
 */
function fromComparison(
  result: ComparisonResult,
  chainCause: ReadonlyMap<string, SpanRefInput>,
): { improvements: Improvement[]; causes: Set<string> } {
  const causes = new Set<string>();
  const errorCause = (violation: Violation) => {
    // Records made before spans kept their ids name no span to group by.
    if (violation.kind !== 'unexpected_error' || !violation.span?.span_id) return undefined;
    return violation.caused_by ?? chainCause.get(violation.span.span_id) ?? violation.span;
  };
  // A missing span joins a chain the comparison reports; alone it keeps its own fix.
  const chains = new Set(result.violations.map((violation) => errorCause(violation)?.span_id));
  const causeOf = (violation: Violation) => {
    const cause =
      violation.kind === 'missing' && chains.has(violation.caused_by?.span_id)
        ? violation.caused_by
        : errorCause(violation);
    return cause ? { key: cause.span_id, span: cause } : undefined;
  };
  const improvements = groupByChain(result.violations, causeOf).map(({ cause, members }) => {
    const errors = members.filter((member) => member.kind !== 'missing');
    const violation = errors.find((member) => member.span?.span_id === cause?.key) ?? errors[0] ?? members[0];
    const first = violation as Violation;
    const passedOn = errors.filter((member) => member.span?.span_id !== cause?.key);
    const neverRan = members.filter((member) => member.kind === 'missing');
    const chained =
      cause !== undefined &&
      (passedOn.length > 0 || neverRan.length > 0 || cause.key !== first.span?.span_id);
    const category = categoryOf(first.kind);
    const improvement: Improvement = {
      priority: categoryPriority(category),
      category,
      action: chained
        ? errorChainFix(
            cause.span,
            passedOn.map((member) => member.span as SpanRef),
            neverRan.map((member) => entryName(member.path)),
          )
        : first.fix,
      source: 'spec_comparison',
    };
    if (cause !== undefined) causes.add(cause.key);
    if (first.path !== '(trace)') improvement.path = first.path;
    if (chained) improvement.span_id = cause.key;
    else if (first.span) improvement.span_id = first.span.span_id;
    return improvement;
  });
  return { improvements, causes };
}

const FINDING_CATEGORY: Record<string, ImprovementCategory> = {
  error_root_cause: 'error',
  unmarked_failure: 'error',
  orphan_span: 'placement',
  missing_instrumentation: 'structure',
  semconv_lint: 'tags',
};
const SEVERITY_RANK = { high: 0, medium: 1, low: 2 } as const;

/**
 * Errors, then broken structure, then the rest by category; a high-severity performance finding
 * (by the default detector thresholds, ≥ 1,000 ms or ≥ 30% of the trace at stake) ranks with placement.
 */
function fromFindings(findings: readonly AnalysisFindingInput[]): Improvement[] {
  return [...findings]
    .sort((a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity])
    .map((finding) => {
      const category = FINDING_CATEGORY[finding.kind] ?? 'performance';
      const priority =
        category === 'performance' && finding.severity === 'high'
          ? categoryPriority('placement')
          : categoryPriority(category);
      const improvement: Improvement = {
        priority,
        category,
        action: `${finding.fix} (${finding.summary})`,
        source: 'analysis_findings',
      };
      if (finding.span_id !== undefined) improvement.span_id = finding.span_id;
      return improvement;
    });
}

function isComparisonResult(value: unknown): value is ComparisonResult {
  return (
    typeof value === 'object' && value !== null && 'matches_specification' in value && 'violations' in value
  );
}

/** Accepts a ComparisonResult directly, one tagged source, or several; returns at most `max` (default 10) actions. */
export function suggestImprovements(
  input: ComparisonResult | ImprovementSource | readonly ImprovementSource[],
  options: { max?: number } = {},
): Improvement[] {
  const sources: readonly ImprovementSource[] = isComparisonResult(input)
    ? [{ type: 'spec_comparison', result: input }]
    : Array.isArray(input)
      ? (input as readonly ImprovementSource[])
      : [input as ImprovementSource];
  // The chains analyze_trace found: each of their spans, by id, to the span where its chain starts.
  const chainCause = new Map<string, SpanRefInput>();
  for (const source of sources) {
    if (source.type !== 'analysis_findings') continue;
    for (const finding of source.findings) {
      const cause = finding.kind === 'error_root_cause' ? finding.chain?.at(-1) : undefined;
      if (cause) for (const span of finding.chain ?? []) chainCause.set(span.span_id, cause);
    }
  }
  const folded = new Map(
    sources.map((source) => [
      source,
      source.type === 'spec_comparison' ? fromComparison(source.result, chainCause) : undefined,
    ]),
  );
  // A root cause the comparison already asks to fix, at the same span, is that same action again.
  const asked = new Set([...folded.values()].flatMap((result) => [...(result?.causes ?? [])]));
  const all = sources.flatMap((source) => {
    switch (source.type) {
      case 'spec_comparison':
        return folded.get(source)?.improvements ?? [];
      case 'analysis_findings':
        return fromFindings(
          source.findings.filter(
            (finding) =>
              finding.kind !== 'error_root_cause' ||
              finding.span_id === undefined ||
              !asked.has(finding.span_id),
          ),
        );
    }
  });
  const seen = new Set<string>();
  return all
    .map((improvement, position) => ({ improvement, position }))
    .sort((a, b) => a.improvement.priority - b.improvement.priority || a.position - b.position)
    .map(({ improvement }) => improvement)
    .filter((improvement) => {
      if (seen.has(improvement.action)) return false;
      seen.add(improvement.action);
      return true;
    })
    .slice(0, options.max ?? 10);
}
