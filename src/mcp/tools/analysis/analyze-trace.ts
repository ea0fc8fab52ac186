import * as z from 'zod';
import {
  analyzeTrace,
  buildSpanTree,
  detectPerformanceIssues,
  renderTraceTree,
  summarizeFindings,
  type TraceAnalysis,
} from '../../../analysis/index.js';
import type { Trace } from '../../../model/span.js';
import { compareTraceToSpec, entryExercised, entrySpanCount } from '../../../tracespec/index.js';
import type { TraceSpecVersion } from '../../../workflow/spec-library.js';
import { listSection, type FittedBlock } from '../../response/response-draft.js';
import { cursorInput, responseFields } from '../../response/response-fields.js';
import { snakeKeys } from '../../snake-keys.js';
import { READ_ONLY, defineTool } from '../../tool-definition.js';
import { backendInput, budgetInput, traceIdInput } from '../common-inputs.js';
import { syncSpecFiles } from '../specs/spec-common.js';
import { loadTrace } from '../trace-lookup.js';
import { analysisListSchemas, errorsSchema, performanceSchema, structureSchema } from './analysis-schemas.js';
import { analysisLines, analysisSections } from './analysis-text.js';
import { thresholdsFor } from './detector-thresholds.js';

/** A tree narrower than this shows too little to be worth its tokens. */
const MIN_TREE_CHARS = 600;
/** The waterfall's hidden-span marks and footer may run a little past the room it was given. */
const TREE_SLACK_CHARS = 300;

const coverageEntry = z.object({
  path: z.string(),
  found: z.number(),
  satisfied: z.boolean(),
  beneath_near_miss: z.boolean().optional(),
});

export const analyzeTraceTool = defineTool({
  name: 'analyze_trace',
  synonyms: ['analyze_trace_structure'],
  title: 'Analyse one trace',
  description:
    'One trace explained: structure (services, calls, orphans = broken propagation, clock skew), critical path, self time, error root causes, a count of performance findings, waterfall. The findings: detect_performance_issues.',
  toolset: 'analysis',
  input: z.object({
    trace_id: traceIdInput,
    backend: backendInput,
    max_items: z
      .number()
      .int()
      .min(1)
      .max(50)
      .optional()
      .describe('Entries per list (default 10); totals stay'),
    spec_name: z.string().min(1).optional().describe("Also report this spec's entries the trace exercised"),
    include_tree: z.boolean().optional().describe('Append the waterfall (default true)'),
    clock_skew_tolerance_ms: z.number().min(0).optional().describe('Tolerated overhang in ms (default 1)'),
    cursor: cursorInput,
    budget_tokens: budgetInput,
  }),
  output: z.object({
    trace_id: z.string(),
    // A continued page (cursor) carries the lists only: these are on the first page.
    structure: structureSchema.optional(),
    performance: performanceSchema.optional(),
    errors: errorsSchema.optional(),
    ...Object.fromEntries(
      Object.entries(analysisListSchemas).map(([key, schema]) => [key, schema.optional()]),
    ),
    performance_findings: z
      .object({ high: z.number(), medium: z.number(), low: z.number() })
      .optional()
      .describe('How many detector findings of each severity; details from detect_performance_issues'),
    coverage: z
      .object({
        spec_name: z.string(),
        spec_version: z.number(),
        exercised: z.number().describe('Spec entries with at least one matching span'),
        total: z.number(),
      })
      .optional(),
    coverage_entries: z
      .array(coverageEntry)
      .optional()
      .describe('With spec_name: per spec entry, the spans that matched it'),
    tree: z
      .object({ shown_spans: z.number(), hidden_spans: z.number() })
      .optional()
      .describe('The waterfall in the text: spans shown and hidden'),
    ...responseFields,
  }),
  annotations: READ_ONLY,
  async handler(input, { deps, continuedPage }) {
    const trace = await loadTrace(deps, input.trace_id, input.backend);
    const thresholds = thresholdsFor(deps.config.analysis.thresholds);
    const tree = buildSpanTree(trace);
    const analysis = analyzeTrace(trace, {
      tree,
      maxItems: input.max_items ?? 10,
      ...(input.clock_skew_tolerance_ms !== undefined
        ? { clockSkewToleranceMs: input.clock_skew_tolerance_ms }
        : {}),
    });
    // Like the comparison tools: pick up hand edits first, and say so when there were any.
    const sync = input.spec_name === undefined ? undefined : await syncSpecFiles(deps);
    const coverage =
      input.spec_name === undefined ? undefined : specCoverage(deps.specs.get(input.spec_name), trace);
    const findings = summarizeFindings(detectPerformanceIssues(trace, thresholds, { tree }), 3);
    const lead = analysisLines(analysis);
    const { high, medium, low } = findings.bySeverity;
    if (high + medium + low > 0) {
      lead.push(
        `Performance findings: ${high} high, ${medium} medium, ${low} low; worst: ${findings.findings.items[0]?.summary ?? ''} (detect_performance_issues lists them)`,
      );
    } else lead.push('Performance findings: none');
    if (coverage) {
      lead.push(...(sync?.lines ?? []));
      const unexercised = coverage.entries.filter((entry) => entry.found === 0).map((entry) => entry.path);
      lead.push(
        `Coverage of spec ${coverage.spec_name} v${coverage.spec_version}: ${coverage.exercised}/${coverage.total} entries exercised${unexercised.length > 0 ? `; not exercised: ${unexercised.slice(0, 2).join(', ')}${unexercised.length > 2 ? ` and ${unexercised.length - 2} more (coverage_entries)` : ''}` : ''}`,
      );
    }
    const next = `detect_performance_issues trace_id=${trace.traceId} for fixes; get_span_details trace_id=${trace.traceId} span_id=<id> to open a span.`;
    const coverageLine = (entry: z.infer<typeof coverageEntry>) =>
      `  ${entry.satisfied ? '✓' : '✗'} ${entry.path}: ${entry.found} spans${entry.beneath_near_miss ? " (beneath its parent's near miss)" : ''}`;
    const lists = [
      ...analysisSections(analysis),
      ...(coverage
        ? [
            listSection({
              key: 'coverage_entries',
              heading: 'Spec entries:',
              rows: coverage.entries,
              line: coverageLine,
            }),
          ]
        : []),
    ];

    const fields: Record<string, unknown> = {
      trace_id: trace.traceId,
      ...analysisCounts(analysis),
      performance_findings: { high, medium, low },
      ...(coverage
        ? {
            coverage: {
              spec_name: coverage.spec_name,
              spec_version: coverage.spec_version,
              exercised: coverage.exercised,
              total: coverage.total,
            },
          }
        : {}),
    };
    // A continued page is the rest of the lists: the headline says which trace; the summary, its
    // counts and the waterfall stay on the first page.
    if (continuedPage) return { fields: { trace_id: trace.traceId }, lead: lead.slice(0, 1), lists, next };
    if (input.include_tree === false) return { fields, lead, lists, next };
    // The waterfall gets the room the lists leave; its footer says what it hid.
    const waterfall: FittedBlock = {
      claim: 'last',
      fit(chars) {
        const room = chars - TREE_SLACK_CHARS;
        if (room < MIN_TREE_CHARS)
          return {
            lines: ['(no waterfall at this budget: get_trace_by_id view=tree)'],
            cuts: {
              tree_spans: {
                count: trace.spans.length,
                next: 'get_trace_by_id view=tree, or raise budget_tokens',
                saidInText: true,
              },
            },
          };
        const rendered = renderTraceTree(trace, { tree, budgetChars: room });
        return {
          lines: ['', rendered.text],
          fields: { tree: { shown_spans: rendered.shownSpans, hidden_spans: rendered.hiddenSpans } },
          cuts: {
            tree_spans: {
              count: rendered.hiddenSpans,
              next: 'get_trace_by_id view=tree with focus_span_id or max_depth',
              saidInText: true,
            },
          },
        };
      },
    };
    return { fields, lead, lists, block: waterfall, next };
  },
});

/** The analysis without its lists (those are paged at top level): counts and single facts. */
function analysisCounts(analysis: TraceAnalysis) {
  const { structure: s, performance: p, errors: e } = analysis;
  return snakeKeys({
    structure: {
      spanCount: s.spanCount,
      depth: s.depth,
      rootCount: s.roots.total,
      serviceCount: s.serviceCount,
      fanOut: s.fanOut,
      orphanCount: s.orphans.total,
      clockSkewCount: s.clockSkew.total,
      unknownServiceSpanCount: s.unknownServiceSpans.total,
      duplicateSpanIds: s.duplicateSpanIds,
      parentLoops: s.parentLoops,
    },
    performance: {
      totalDurationMs: p.totalDurationMs,
      ...(p.criticalPath
        ? { criticalPath: { root: p.criticalPath.root, durationMs: p.criticalPath.durationMs } }
        : {}),
    },
    errors: {
      errorSpanCount: e.errorSpanCount,
      rootCauseCount: e.rootCauses.total,
      unmarkedFailureCount: e.unmarkedFailures.total,
    },
  });
}

/** Which entries of a spec the trace exercised: an entry counts when some span matched it. */
function specCoverage(spec: TraceSpecVersion, trace: Trace) {
  const result = compareTraceToSpec(trace, spec.spec);
  return {
    spec_name: spec.name,
    spec_version: spec.version,
    exercised: result.entries.filter(entryExercised).length,
    total: result.entries.length,
    entries: result.entries.map((entry) => ({
      path: entry.path,
      // Spans beneath a near miss of the parent, or too many of them, exercise the entry too: they
      // are there (as validate_trace_collection counts them).
      found: entrySpanCount(entry),
      satisfied: entry.satisfied,
      ...(entry.found === 0 && entry.near_miss ? { beneath_near_miss: true } : {}),
    })),
  };
}
