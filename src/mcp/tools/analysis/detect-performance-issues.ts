import * as z from 'zod';
import { detectPerformanceIssues, summarizeFindings } from '../../../analysis/index.js';
import { listSection } from '../../response/response-draft.js';
import { cursorInput, responseFields } from '../../response/response-fields.js';
import { snakeKeys } from '../../snake-keys.js';
import { READ_ONLY, defineTool } from '../../tool-definition.js';
import { backendInput, budgetInput, traceIdInput } from '../common-inputs.js';
import { loadTrace } from '../trace-lookup.js';
import { findingSchema } from './analysis-schemas.js';
import { findingLine } from './analysis-text.js';
import { thresholdsFor, thresholdsInput } from './detector-thresholds.js';

const DEFAULT_LIMIT = 20;

export const detectPerformanceIssuesTool = defineTool({
  name: 'detect_performance_issues',
  title: 'Find performance problems in one trace',
  description:
    "One trace's N+1 queries and HTTP calls, sequential calls that could run in parallel, slow queries, retry storms, unexplained gaps, semconv lint; each with severity, spans, numbers, fix. A plan: generate_improvement_suggestions.",
  toolset: 'analysis',
  input: z.object({
    trace_id: traceIdInput,
    backend: backendInput,
    kinds: z
      .array(
        z.enum([
          'n_plus_one_db',
          'n_plus_one_http',
          'sequential_calls',
          'slow_db_query',
          'retry_storm',
          'missing_instrumentation',
          'semconv_lint',
        ]),
      )
      // Each of the seven kinds once at most: longer lists are refused before anything echoes them.
      .max(7)
      .optional()
      .describe('Only these kinds (default all)'),
    min_severity: z
      .enum(['low', 'medium', 'high'])
      .optional()
      .describe('Lowest severity reported (default low)'),
    thresholds: thresholdsInput,
    limit: z
      .number()
      .int()
      .min(1)
      .max(100)
      .optional()
      .describe(`Findings listed at most (default ${DEFAULT_LIMIT})`),
    cursor: cursorInput,
    budget_tokens: budgetInput,
  }),
  output: z.object({
    trace_id: z.string(),
    span_count: z.number(),
    findings: z.array(findingSchema),
    total: z.number().describe('Findings that passed the filters'),
    by_severity: z.object({ high: z.number(), medium: z.number(), low: z.number() }),
    by_kind: z.record(z.string(), z.number()),
    thresholds: z.record(z.string(), z.number()).describe('The thresholds used (snake_case names)'),
    ...responseFields,
  }),
  annotations: READ_ONLY,
  async handler(input, { deps }) {
    const trace = await loadTrace(deps, input.trace_id, input.backend);
    const thresholds = thresholdsFor(deps.config.analysis.thresholds, input.thresholds);
    const rank = { low: 0, medium: 1, high: 2 } as const;
    const floor = rank[input.min_severity ?? 'low'];
    const kinds = input.kinds ? new Set(input.kinds) : undefined;
    const all = detectPerformanceIssues(trace, thresholds).filter(
      (f) => rank[f.severity] >= floor && (!kinds || kinds.has(f.kind)),
    );
    const summary = summarizeFindings(all, input.limit ?? DEFAULT_LIMIT);
    const kept = summary.findings.items;
    const rows = snakeKeys(kept);
    const lineOf = new Map(rows.map((row, index) => [row, findingLine(kept[index]!, index + 1)]));
    const { high, medium, low } = summary.bySeverity;
    const head =
      all.length === 0
        ? `No performance issues found in trace ${trace.traceId} (${trace.spans.length} spans)${floor > 0 || kinds ? ' with these filters' : ''}.`
        : `${all.length} findings in trace ${trace.traceId} (${trace.spans.length} spans): ${high} high, ${medium} medium, ${low} low; by kind: ${Object.entries(
            summary.byKind,
          )
            .map(([kind, count]) => `${kind} ${count}`)
            .join(', ')}.`;
    return {
      fields: {
        trace_id: trace.traceId,
        span_count: trace.spans.length,
        total: all.length,
        by_severity: summary.bySeverity,
        by_kind: summary.byKind as Record<string, number>,
        thresholds: snakeKeys(thresholds) as unknown as Record<string, number>,
      },
      lead: [head],
      lists: [
        listSection({
          key: 'findings',
          rows,
          line: (row) => lineOf.get(row) ?? '',
          ...(summary.findings.omitted > 0
            ? {
                beyond: {
                  count: summary.findings.omitted,
                  next: 'raise limit (max 100)',
                },
              }
            : {}),
        }),
      ],
      next:
        all.length > 0
          ? 'fix the first finding, rerun, and call this tool again; or get_span_details on a span id above.'
          : 'analyze_trace for the critical path and errors.',
    };
  },
});
