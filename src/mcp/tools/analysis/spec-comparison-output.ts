/**
 * The answer of compare_trace_to_spec: the plan's ComparisonResult fields plus the spec version, as
 * a response draft. Violations come first and get the largest share (they explain the verdict);
 * every list pages with the response cursor.
 */
import * as z from 'zod';
import {
  describeOrigin,
  unexpectedGroupLabel,
  type ComparisonResult,
  type EntryMatch,
  type EntryResult,
  type Violation,
} from '../../../tracespec/index.js';
import { plural } from '../../../model/plural.js';
import { comparisonTextRules } from './comparison-text-rules.js';
import { listSection, type ResponseDraft } from '../../response/response-draft.js';
import { responseFields } from '../../response/response-fields.js';
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
  caused_by: spanRef
    .optional()
    .describe(
      'For unexpected_error: the failing span beneath where the failure started; this span only passed it on, so fix that one',
    ),
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

const matchSchema = z.object({ span_id: z.string(), duration_ms: z.number() });

const entrySchema = z.object({
  path: z.string(),
  operation_name: z.string(),
  service_name: z.string().optional(),
  expected: z.string(),
  found: z.number(),
  satisfied: z.boolean(),
  evaluated: z.boolean().describe('False when never looked for: its parent entry found no span'),
  matches: z.array(matchSchema),
  near_miss: z
    .object({
      found: z.number(),
      satisfied: z.boolean(),
      matches: z.array(matchSchema),
      parent_lost: z.boolean().optional().describe('Found beneath a span whose parent never arrived'),
    })
    .optional()
    .describe('Found beneath the near miss of its missing parent; counts once the parent matches'),
  surplus: z
    .number()
    .optional()
    .describe(
      'Spans past count.max that no other entry needs, which its count_too_high or forbidden_present violation counts; with found, the count that failed',
    ),
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
    z.object({
      name: z.string(),
      service: z.string(),
      destination: z
        .string()
        .optional()
        .describe('Where these calls went, when calls of this name went to several places'),
      count: z.number(),
      span_ids: z.array(z.string()),
    }),
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
  spec_files: specFilesSchema.optional(),
  ...responseFields,
});

export type ComparisonOutput = z.infer<typeof comparisonOutputSchema>;

/** Matched spans kept per entry in the answer; the statistics tools keep them all. */
const MATCHES_SHOWN = 3;

/**
 * One entry's line. An entry whose spans sit beneath a near miss of its missing parent (`~`) is not
 * missing: it passes with its parent, so the reader is not sent to add calls that are there. One
 * found too often gives the count that failed, as its violation does, then what it matched. One
 * not evaluated has no line: the list of those names it.
 */
function entryLine(entry: EntryResult): string {
  const spans = (matches: readonly EntryMatch[]) =>
    matches.length > 0
      ? ` [${matches.map((match) => `${match.span_id.slice(0, 8)} ${match.duration_ms} ms`).join(', ')}]`
      : '';
  const surplus = entry.surplus ?? 0;
  const tally = (found: number, matches: readonly EntryMatch[], expected: string): string =>
    surplus === 0
      ? `${found} found ${expected}${spans(matches)}`
      : `${found + surplus} found ${expected}: ${found > 0 ? `${found} matched${spans(matches)}, ` : ''}${surplus} too many`;
  const nearMiss = entry.near_miss;
  if (entry.found === 0 && nearMiss) {
    const where = nearMiss.parent_lost
      ? `beneath lost spans (expected ${entry.expected})`
      : `beneath its parent's near miss (expected ${entry.expected}; counts once the parent matches)`;
    return `  ${nearMiss.satisfied ? '~' : '✗'} ${entry.path}: ${tally(nearMiss.found, nearMiss.matches, where)}`;
  }
  return `  ${entry.satisfied ? '✓' : '✗'} ${entry.path}: ${tally(entry.found, entry.matches, `(expected ${entry.expected})`)}`;
}

/** Violations whose message states how many spans it counts: a `(×N)` after it read as N violations. */
const COUNTED_IN_MESSAGE = new Set(['count_too_high', 'forbidden_present', 'unexpected_span']);

/** `passedOn`: the unexpected_error violations of spans that only passed this one's failure on. */
export function violationLine(violation: Violation, passedOn: readonly Violation[] = []): string {
  const times =
    violation.occurrences && violation.occurrences > 1 && !COUNTED_IN_MESSAGE.has(violation.kind)
      ? ` (×${violation.occurrences})`
      : '';
  const span = violation.span ? ` [span ${violation.span.span_id.slice(0, 8)}]` : '';
  const origin = violation.origin ? `\n    ${describeOrigin(violation.origin)}` : '';
  const chain =
    passedOn.length > 0
      ? `\n    passed on to ${passedOn.map((other) => `${other.span ? spanText(other.span) : other.path}`).join(', ')}, which need no fix of their own`
      : '';
  return `✗ [${violation.kind}] ${violation.path}: ${violation.message}${times}${span}${origin}${chain}\n    fix: ${violation.fix}`;
}

type SpanRefOutput = z.infer<typeof spanRef>;

function spanText(span: SpanRefOutput): string {
  return `${span.service}: ${span.name} [${span.span_id.slice(0, 8)}]`;
}

/** The fields of a comparison that are always answered whole: everything but its lists. */
export type ComparisonFields = Omit<
  ComparisonOutput,
  | 'violations'
  | 'missing_spans'
  | 'unexpected_spans'
  | 'performance_issues'
  | 'entries'
  | 'not_evaluated'
  | 'truncated'
  | 'next_cursor'
  | 'next'
  | 'offsets'
>;

/**
 * A comparison as a response draft: the verdict and its counts lead, and violations, missing spans,
 * performance issues, not-evaluated entries, unexpected span groups and per-entry matches are lists
 * the layer pages. Violations past `max_violations` are counted as `beyond`. execute_and_capture
 * embeds the same lead lines and lists in its run answer.
 */
export interface ComparisonDraftOptions {
  /**
   * A session's earlier iteration whose spans no entry expects were the same groups: the lead says
   * so and the text does not list them again (a non-strict spec leaves the same HTTP hops unnamed
   * in every run).
   */
  unexpectedAsIn?: number;
  /** Actions the answer gives as its next steps: a suggestion saying the same is not repeated above them. */
  nextSteps?: ReadonlySet<string>;
}

export function comparisonDraft(
  result: ComparisonResult,
  specVersion: number,
  sync: { files?: SpecFilesOutput; lines: string[] },
  options: ComparisonDraftOptions = {},
): ResponseDraft<ComparisonFields> {
  const checks = `score ${result.score}, ${result.checks.passed}/${result.checks.total} checks, ${result.span_count} spans`;
  const total = result.violations.length + (result.truncated?.violations ?? 0);
  const inText = comparisonTextRules(result);
  const asExpectedNote =
    inText.asExpected > 0
      ? ` ${inText.asExpected} of ${plural(result.entries.length, 'entry', 'entries')} matched as expected (not listed).`
      : '';
  const lead = [
    ...sync.lines,
    result.matches_specification
      ? `✓ trace ${result.trace_id} matches spec ${result.spec_name} v${specVersion} (${checks}).`
      : `✗ trace ${result.trace_id} does not match spec ${result.spec_name} v${specVersion}: ${total} violation${total === 1 ? '' : 's'} (${checks}).${asExpectedNote}`,
  ];
  if (result.unexpected_span_count > 0) {
    const groups = result.unexpected_spans.length + (result.truncated?.unexpected_span_groups ?? 0);
    const asBefore =
      options.unexpectedAsIn !== undefined ? `, the same as in iteration ${options.unexpectedAsIn}` : '';
    lead.push(
      `${plural(result.unexpected_span_count, 'span')} no entry expects, in ${plural(groups, 'group')}${asBefore} (unexpected_spans).`,
    );
  }
  const fixes = new Set(result.violations.map((violation) => violation.fix));
  const extra = result.suggestions.filter(
    (suggestion) => !fixes.has(suggestion) && !options.nextSteps?.has(suggestion),
  );
  const notes = [
    ...result.semconv_notes.map((note) => `Note: ${note}.`),
    ...(extra.length > 0 ? ['Suggestions:', ...extra.map((suggestion) => `  - ${suggestion}`)] : []),
  ];
  const { violations, missing_spans, unexpected_spans, performance_issues, entries, not_evaluated } = result;
  const fields: ComparisonFields = {
    spec_name: result.spec_name,
    spec_version: specVersion,
    trace_id: result.trace_id,
    matches_specification: result.matches_specification,
    score: result.score,
    checks: result.checks,
    unexpected_span_count: result.unexpected_span_count,
    suggestions: result.suggestions,
    semconv_notes: result.semconv_notes,
    span_count: result.span_count,
    ...(sync.files ? { spec_files: sync.files } : {}),
  };
  return {
    fields,
    lead,
    lists: [
      listSection({
        key: 'violations',
        rows: violations,
        inText: inText.violation,
        line: (violation) =>
          violationLine(
            violation,
            violation.kind === 'unexpected_error' ? inText.passedOnTo.get(violation.span?.span_id ?? '') : [],
          ),
        weight: 4,
        ...(result.truncated?.violations
          ? {
              beyond: {
                count: result.truncated.violations,
                next: 'raise max_violations (up to 200) to list them',
              },
            }
          : {}),
      }),
      listSection({
        key: 'missing_spans',
        heading: 'Missing spans:',
        rows: missing_spans,
        inText: inText.missingSpan,
        line: (item) =>
          `  ${item.path}: expected ${item.expected}, found ${item.found}${item.reason ? ` (${item.reason})` : ''}`,
      }),
      listSection({
        key: 'performance_issues',
        heading: 'Performance issues:',
        rows: performance_issues,
        inText: inText.performanceIssue,
        line: (item) =>
          `  [${item.kind}] ${item.path}: ${item.message}${item.span ? ` ${spanText(item.span)}` : ''}`,
      }),
      listSection({
        key: 'not_evaluated',
        heading: 'Not evaluated (parent entry missing or spans lost):',
        rows: not_evaluated,
        line: (path) => `  ${path}`,
      }),
      listSection({
        key: 'unexpected_spans',
        heading: 'Spans no entry expects:',
        rows: unexpected_spans,
        ...(options.unexpectedAsIn !== undefined ? { inText: () => false } : {}),
        ...(result.truncated?.unexpected_span_groups
          ? {
              beyond: {
                count: result.truncated.unexpected_span_groups,
                next: 'compare_trace_to_spec lists every group',
              },
            }
          : {}),
        line: (group) =>
          `  ${unexpectedGroupLabel(group)} [${group.span_ids.map((id) => id.slice(0, 8)).join(', ')}]`,
      }),
      listSection({
        key: 'entries',
        heading: 'Matched spans per entry (first 3 each):',
        rows: entries.map((entry) => ({
          ...entry,
          matches: entry.matches.slice(0, MATCHES_SHOWN),
          ...(entry.near_miss
            ? { near_miss: { ...entry.near_miss, matches: entry.near_miss.matches.slice(0, MATCHES_SHOWN) } }
            : {}),
        })),
        inText: inText.entry,
        line: entryLine,
      }),
    ],
    notes,
    next: result.matches_specification
      ? 'validate_trace_collection over more traces of this run, or tighten the spec with update_trace_spec.'
      : 'apply the fixes, rerun, and compare again; generate_improvement_suggestions turns this result into a prioritized plan; get_span_details opens a span.',
  };
}
