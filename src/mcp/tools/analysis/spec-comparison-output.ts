/**
 * The answer of compare_trace_to_spec: the plan's ComparisonResult fields plus the spec version,
 * fitted to the budget. Violations come first (they explain the verdict); per-entry matches are
 * the first to shrink, since they only serve statistics.
 */
import * as z from 'zod';
import { describeOrigin, type ComparisonResult, type Violation } from '../../../tracespec/index.js';
import { fitList, jsonSize, type OutputBudget } from '../../output-budget.js';
import type { ToolOutput } from '../../tool-definition.js';
import { specFilesSchema, type SpecFilesOutput } from '../specs/spec-common.js';

const spanRef = z.object({ span_id: z.string(), name: z.string(), service: z.string() });

export const violationSchema = z.object({
  kind: z
    .string()
    .describe(
      "missing, count_too_low, count_too_high, forbidden_present, wrong_parent, wrong_service, wrong_kind, tag_mismatch, tag_missing, optional_tag_mismatch, order, duration, links, unexpected_error, expected_error_missing, wrong_exception, total_duration, span_count, depth, unexpected_span, telemetry_lost (a run service's spans never arrived)",
    ),
  path: z.string().describe('The spec entry (`checkout > payment.process`), error_conditions[i], or (trace)'),
  message: z.string().describe('The evidence, one sentence'),
  span: spanRef.optional().describe('The culprit span'),
  origin: z
    .object({
      scope: z.string(),
      made_by: z.enum(['instrumentation', 'application']),
      code: z.string().optional().describe('file:line (function) from code.* attributes'),
    })
    .optional()
    .describe("Who made the culprit span: an instrumentation library, or the application's own tracer"),
  under: spanRef.optional().describe('For a missing child: the span it should have been under'),
  nearest: z
    .object({ span: spanRef, differences: z.array(z.string()) })
    .optional()
    .describe('The closest actual span and how it differs'),
  tag: z.string().optional(),
  expected: z.string().optional(),
  actual: z.string().optional(),
  fix: z.string().describe('What to change, in code terms'),
  occurrences: z.number().optional(),
  other_span_ids: z.array(z.string()).optional(),
});

const entrySchema = z.object({
  path: z.string(),
  operation_name: z.string(),
  service_name: z.string().optional(),
  expected: z.string(),
  found: z.number(),
  satisfied: z.boolean(),
  evaluated: z.boolean().describe('False when never looked for: its parent entry found no span'),
  matches: z.array(z.object({ span_id: z.string(), duration_ms: z.number() })),
});

export const comparisonOutputSchema = z.object({
  spec_name: z.string(),
  spec_version: z.number(),
  trace_id: z.string(),
  matches_specification: z.boolean(),
  score: z.number().describe('Share of the spec checks that hold, 0..1'),
  checks: z.object({ passed: z.number(), total: z.number() }),
  violations: z.array(violationSchema),
  missing_spans: z.array(
    z.object({
      path: z.string(),
      operation_name: z.string(),
      service_name: z.string().optional(),
      expected: z.string(),
      found: z.number(),
      reason: z.string().optional(),
    }),
  ),
  unexpected_spans: z.array(
    z.object({ name: z.string(), service: z.string(), count: z.number(), span_ids: z.array(z.string()) }),
  ),
  unexpected_span_count: z.number(),
  performance_issues: z.array(
    z.object({
      kind: z.string(),
      path: z.string(),
      span: spanRef.optional(),
      measured: z.number(),
      min: z.number().optional(),
      max: z.number().optional(),
      unit: z.string(),
      message: z.string(),
    }),
  ),
  suggestions: z.array(z.string()),
  entries: z.array(entrySchema).describe('Matched spans per entry (first few each)'),
  not_evaluated: z
    .array(z.string())
    .describe('Entry paths not checked: their parent entry found no span, or their spans were lost'),
  semconv_notes: z
    .array(z.string())
    .describe(
      'Tags matched through the other generation of the semantic conventions (http.method for http.request.method, …)',
    ),
  span_count: z.number(),
  truncated: z
    .object({
      violations: z.number().optional(),
      unexpected_span_groups: z.number().optional(),
      entries: z.number().optional(),
      performance_issues: z.number().optional(),
      missing_spans: z.number().optional(),
    })
    .optional()
    .describe('How many items of each list were left out to keep the answer short'),
  spec_files: specFilesSchema.optional(),
});

export type ComparisonOutput = z.infer<typeof comparisonOutputSchema>;

/** Matched spans kept per entry in the answer; the statistics tools keep them all. */
const MATCHES_SHOWN = 3;

export function violationLine(violation: Violation): string {
  const times = violation.occurrences && violation.occurrences > 1 ? ` (×${violation.occurrences})` : '';
  const origin = violation.origin ? `\n    ${describeOrigin(violation.origin)}` : '';
  return `✗ [${violation.kind}] ${violation.path}: ${violation.message}${times}${origin}\n    fix: ${violation.fix}`;
}

export function renderComparison(
  result: ComparisonResult,
  specVersion: number,
  budget: OutputBudget,
  sync: { files?: SpecFilesOutput; lines: string[] },
): ToolOutput<ComparisonOutput> {
  // Structured and text both carry the violations: each gets under half the budget.
  const half = budget.chars * 0.45;
  const violations = fitList(result.violations, half * 0.6, jsonSize);
  const performance = fitList(result.performance_issues, half * 0.1, jsonSize);
  const missing = fitList(result.missing_spans, half * 0.1, jsonSize);
  const entries = fitList(
    result.entries.map((entry) => ({ ...entry, matches: entry.matches.slice(0, MATCHES_SHOWN) })),
    half * 0.1,
    jsonSize,
  );
  const truncated = {
    ...(result.truncated?.violations || violations.omitted
      ? { violations: (result.truncated?.violations ?? 0) + violations.omitted }
      : {}),
    ...(result.truncated?.unexpected_span_groups
      ? { unexpected_span_groups: result.truncated.unexpected_span_groups }
      : {}),
    ...(entries.omitted ? { entries: entries.omitted } : {}),
    ...(performance.omitted ? { performance_issues: performance.omitted } : {}),
    ...(missing.omitted ? { missing_spans: missing.omitted } : {}),
  };
  const structured: ComparisonOutput = {
    ...result,
    spec_version: specVersion,
    violations: violations.items,
    performance_issues: performance.items,
    entries: entries.items,
    missing_spans: missing.items,
    ...(Object.keys(truncated).length > 0 ? { truncated } : { truncated: undefined }),
    ...(sync.files ? { spec_files: sync.files } : {}),
  };
  const lines = [...sync.lines];
  const checks = `score ${result.score}, ${result.checks.passed}/${result.checks.total} checks, ${result.span_count} spans`;
  const total = result.violations.length + (result.truncated?.violations ?? 0);
  lines.push(
    result.matches_specification
      ? `✓ trace ${result.trace_id} matches spec ${result.spec_name} v${specVersion} (${checks}).`
      : `✗ trace ${result.trace_id} does not match spec ${result.spec_name} v${specVersion}: ${total} violation${total === 1 ? '' : 's'} (${checks}).`,
  );
  const shown = fitList(result.violations.map(violationLine), half * 0.8, (line) => line.length);
  lines.push(...shown.items);
  const notShown = total - shown.items.length;
  if (notShown > 0)
    lines.push(`… ${notShown} more violations not shown (raise budget_tokens; they are grouped by entry)`);
  if (result.not_evaluated.length > 0) {
    const listed = result.not_evaluated.slice(0, 4).join('; ');
    const more = result.not_evaluated.length > 4 ? ` and ${result.not_evaluated.length - 4} more` : '';
    lines.push(`Not evaluated (parent entry missing or spans lost): ${listed}${more}.`);
  }
  for (const note of result.semconv_notes.slice(0, 3)) lines.push(`Note: ${note}.`);
  if (result.unexpected_span_count > 0) {
    const groups = result.unexpected_spans
      .slice(0, 5)
      .map((group) => `${group.service}: ${group.name} ×${group.count}`);
    lines.push(
      `Spans no entry expects (${result.unexpected_span_count}${result.unexpected_spans.length > 5 ? ', first groups' : ''}): ${groups.join(', ')}`,
    );
  }
  const fixes = new Set(result.violations.map((violation) => violation.fix));
  const extra = result.suggestions.filter((suggestion) => !fixes.has(suggestion));
  if (extra.length > 0) lines.push('Suggestions:', ...extra.map((suggestion) => `  - ${suggestion}`));
  lines.push(
    result.matches_specification
      ? 'Next: validate_trace_collection over more traces of this run, or tighten the spec with update_trace_spec.'
      : 'Next: apply the fixes, rerun, and compare again; generate_improvement_suggestions turns this result into a prioritized plan; get_span_details opens a span.',
  );
  return { structured, text: lines.join('\n') };
}
