import * as z from 'zod';
import type { TraceSummary } from '../../../model/query.js';
import { nanosToIso } from '../../../model/time.js';
import { fitList, jsonSize, type OutputBudget } from '../../output-budget.js';

export const traceSummarySchema = z.object({
  trace_id: z.string(),
  root_service: z.string().optional(),
  root_name: z.string().optional().describe('Name of the root span; absent while the root has not arrived'),
  start: z.string().describe('ISO time with nanoseconds'),
  duration_ms: z.number(),
  span_count: z.number(),
  error_count: z.number(),
  services: z.array(z.string()),
});

export const traceListOutput = z.object({
  backend: z.string(),
  traces: z.array(traceSummarySchema),
  truncated: z.boolean().describe('True when more traces matched than are shown'),
  omitted: z.number().describe('Matching traces not shown (at least this many)'),
});

export type TraceListOutput = z.infer<typeof traceListOutput>;

function toSummaryOutput(summary: TraceSummary): z.infer<typeof traceSummarySchema> {
  return {
    trace_id: summary.traceId,
    ...(summary.rootServiceName !== undefined ? { root_service: summary.rootServiceName } : {}),
    ...(summary.rootName !== undefined ? { root_name: summary.rootName } : {}),
    start: nanosToIso(summary.startTimeUnixNano),
    duration_ms: round(summary.durationMs),
    span_count: summary.spanCount,
    error_count: summary.errorCount,
    services: summary.services,
  };
}

/**
 * Renders a list of trace summaries within the budget. `moreMayExist` is set when the backend
 * returned as many as the limit allowed, so there may be more beyond what was fetched.
 */
export function renderTraceList(
  backend: string,
  summaries: TraceSummary[],
  budget: OutputBudget,
  moreMayExist: boolean,
): { structured: TraceListOutput; text: string } {
  const all = summaries.map(toSummaryOutput);
  // The text repeats each trace in one short line, so give the structured list half the budget.
  const fitted = fitList(all, budget.chars / 2, jsonSize);
  const lines = fitted.items.map(
    (t) =>
      `${t.trace_id}  ${t.root_service ?? '?'}: ${t.root_name ?? '(root not received)'}  ${t.duration_ms} ms  ${t.span_count} spans${t.error_count ? `  ${t.error_count} errors` : ''}  ${t.start}`,
  );
  if (all.length === 0) lines.push('No traces matched. Widen time_range, check names with list_services / list_operations.');
  if (fitted.omitted > 0) lines.push(`… ${fitted.omitted} more not shown (raise budget_tokens or narrow the query).`);
  else if (moreMayExist) lines.push('The limit was reached: more traces may match (raise limit or narrow time_range).');
  if (all.length > 0) lines.push('Open one with get_trace_by_id (view: summary, tree or spans), or analyze_trace.');
  return {
    structured: { backend, traces: fitted.items, truncated: fitted.omitted > 0 || moreMayExist, omitted: fitted.omitted },
    text: lines.join('\n'),
  };
}

export function round(value: number, digits = 3): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
