/**
 * Turns results into a short, prioritized list of actions: errors first, then missing or surplus
 * structure, then placement, then tags, then performance. Sources form a discriminated union on
 * `type` so the analysis part can add its own results (performance detectors, error root causes)
 * by adding a variant and a handler, without touching the comparison.
 */
import type { ComparisonResult, Violation } from '../compare/comparison-result.js';
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
}

export type ImprovementSource =
  | { type: 'spec_comparison'; result: ComparisonResult }
  | { type: 'analysis_findings'; findings: readonly AnalysisFindingInput[] };

/** Sort key of a violation: its category's priority (violation-categories.ts). */
export function violationPriority(violation: Violation): number {
  return categoryPriority(categoryOf(violation.kind));
}

function fromComparison(result: ComparisonResult): Improvement[] {
  return result.violations.map((violation) => {
    const category = categoryOf(violation.kind);
    const improvement: Improvement = {
      priority: categoryPriority(category),
      category,
      action: violation.fix,
      source: 'spec_comparison',
    };
    if (violation.path !== '(trace)') improvement.path = violation.path;
    if (violation.span) improvement.span_id = violation.span.span_id;
    return improvement;
  });
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
  const all = sources.flatMap((source) => {
    switch (source.type) {
      case 'spec_comparison':
        return fromComparison(source.result);
      case 'analysis_findings':
        return fromFindings(source.findings);
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
