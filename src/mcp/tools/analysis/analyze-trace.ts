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
import { compareTraceToSpec } from '../../../tracespec/index.js';
import type { TraceSpecVersion } from '../../../workflow/spec-library.js';
import { jsonSize } from '../../output-budget.js';
import { snakeKeys } from '../../snake-keys.js';
import { READ_ONLY, defineTool } from '../../tool-definition.js';
import { backendInput, budgetInput, traceIdInput } from '../common-inputs.js';
import { syncSpecFiles } from '../specs/spec-common.js';
import { loadTrace } from '../trace-lookup.js';
import { errorsSchema, performanceSchema, structureSchema } from './analysis-schemas.js';
import { analysisLines } from './analysis-text.js';
import { thresholdsFor } from './detector-thresholds.js';

/** The structured part gets at most this share of the budget; the text (with the tree) the rest. */
const STRUCTURED_SHARE = 0.45;
/** A tree narrower than this shows too little to be worth its tokens. */
const MIN_TREE_CHARS = 600;

export const analyzeTraceTool = defineTool({
  name: 'analyze_trace',
  synonyms: ['analyze_trace_structure'],
  title: 'Analyse one trace: structure, critical path, errors',
  description:
    'Explains one trace: structure (services, calls, orphans = broken propagation, clock skew), critical path and self time, error root causes, a count of performance findings, and its waterfall. The findings themselves: detect_performance_issues.',
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
      .describe('Entries kept in each list (default 10); lists say how many were left out'),
    spec_name: z
      .string()
      .min(1)
      .optional()
      .describe('Also report which entries of this spec the trace exercised'),
    include_tree: z.boolean().optional().describe('Append the waterfall tree to the text (default true)'),
    clock_skew_tolerance_ms: z
      .number()
      .min(0)
      .optional()
      .describe('Clock skew below this is ignored (default 0)'),
    budget_tokens: budgetInput,
  }),
  output: z.object({
    trace_id: z.string(),
    structure: structureSchema,
    performance: performanceSchema,
    errors: errorsSchema,
    performance_findings: z
      .object({ high: z.number(), medium: z.number(), low: z.number() })
      .describe('How many detector findings of each severity; details from detect_performance_issues'),
    coverage: z
      .object({
        spec_name: z.string(),
        spec_version: z.number(),
        exercised: z.number().describe('Spec entries with at least one matching span'),
        total: z.number(),
        entries: z.array(z.object({ path: z.string(), found: z.number(), satisfied: z.boolean() })),
      })
      .optional(),
    max_items: z
      .number()
      .describe(
        'Entries kept per list in this answer (lowered from the request when the budget demanded it)',
      ),
    tree: z.object({ shown_spans: z.number(), hidden_spans: z.number(), truncated: z.boolean() }).optional(),
  }),
  annotations: READ_ONLY,
  async handler(input, { deps, budget }) {
    const trace = await loadTrace(deps, input.trace_id, input.backend);
    const thresholds = thresholdsFor(deps.config.analysis.thresholds);
    const tree = buildSpanTree(trace);
    let maxItems = input.max_items ?? 10;
    const analyse = (): TraceAnalysis =>
      analyzeTrace(trace, {
        tree,
        maxItems,
        ...(input.clock_skew_tolerance_ms !== undefined
          ? { clockSkewToleranceMs: input.clock_skew_tolerance_ms }
          : {}),
      });
    let analysis = analyse();
    // Fewer entries per list until the structured part fits its share; every list still says its total.
    while (maxItems > 1 && jsonSize(analysis) > budget.chars * STRUCTURED_SHARE) {
      maxItems = Math.max(1, Math.floor(maxItems / 2));
      analysis = analyse();
    }
    // Like the comparison tools: pick up hand edits first, and say so when there were any.
    const sync = input.spec_name === undefined ? undefined : syncSpecFiles(deps);
    const coverage =
      input.spec_name === undefined
        ? undefined
        : specCoverage(deps.specs.get(input.spec_name), trace, maxItems * 5);
    const findings = summarizeFindings(detectPerformanceIssues(trace, thresholds, { tree }), 3);
    const lines = analysisLines(analysis);
    const { high, medium, low } = findings.bySeverity;
    if (high + medium + low > 0) {
      lines.push(
        `Performance findings: ${high} high, ${medium} medium, ${low} low; worst: ${findings.findings.items.map((f) => f.summary).join('; ')}`,
      );
    } else lines.push('Performance findings: none');
    if (coverage) {
      lines.push(...(sync?.lines ?? []));
      const unexercised = coverage.entries.filter((entry) => entry.found === 0).map((entry) => entry.path);
      lines.push(
        `Coverage of spec ${coverage.spec_name} v${coverage.spec_version}: ${coverage.exercised}/${coverage.total} entries exercised${unexercised.length > 0 ? `; not exercised: ${unexercised.join(', ')}` : ''}`,
      );
    }
    const next = `Next: detect_performance_issues trace_id=${trace.traceId} for fixes; get_span_details trace_id=${trace.traceId} span_id=<id> to open a span.`;

    const structured = {
      trace_id: trace.traceId,
      ...snakeKeys({
        structure: analysis.structure,
        performance: analysis.performance,
        errors: analysis.errors,
      }),
      performance_findings: { high, medium, low },
      ...(coverage ? { coverage } : {}),
      max_items: maxItems,
    };
    let text = lines.join('\n');
    const room = budget.chars - jsonSize(structured) - text.length - next.length - 100;
    if (input.include_tree !== false && room >= MIN_TREE_CHARS) {
      const rendered = renderTraceTree(trace, { tree, budgetChars: room });
      text += `\n\n${rendered.text}`;
      Object.assign(structured, {
        tree: {
          shown_spans: rendered.shownSpans,
          hidden_spans: rendered.hiddenSpans,
          truncated: rendered.truncated,
        },
      });
    } else if (input.include_tree !== false) {
      text += '\n\n(tree left out to fit the budget: call get_trace_by_id view=tree, or raise budget_tokens)';
    }
    return { structured, text: `${text}\n${next}` };
  },
});

/** Which entries of a spec the trace exercised: an entry counts when some span matched it. */
function specCoverage(spec: TraceSpecVersion, trace: Trace, maxEntries: number) {
  const result = compareTraceToSpec(trace, spec.spec);
  return {
    spec_name: spec.name,
    spec_version: spec.version,
    exercised: result.entries.filter((entry) => entry.found > 0).length,
    total: result.entries.length,
    entries: result.entries
      .slice(0, maxEntries)
      .map((entry) => ({ path: entry.path, found: entry.found, satisfied: entry.satisfied })),
  };
}
