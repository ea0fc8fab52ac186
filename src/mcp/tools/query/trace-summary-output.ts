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
  omitted: z
    .number()
    .describe(
      'Matching traces not shown: exact when cut for space; when limit_reached, at least this many (more may match)',
    ),
  limit_reached: z
    .boolean()
    .describe('More traces matched than the limit: raise limit or narrow the query to see them'),
  next: z.string().optional().describe('How to see what was left out, when truncated'),
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
 * Renders a list of trace summaries within the budget. Callers fetch `limit + 1` summaries: the one
 * past the limit is never shown, it only proves that more traces match, so a list of exactly `limit`
 * traces is not called truncated.
 */
export function renderTraceList(
  backend: string,
  summaries: TraceSummary[],
  budget: OutputBudget,
  limit: number,
): { structured: TraceListOutput; text: string } {
  const limitReached = summaries.length > limit;
  const all = summaries.slice(0, limit).map(toSummaryOutput);
  // The text repeats each trace in one short line, so give the structured list half the budget.
  const fitted = fitList(all, budget.chars / 2, jsonSize);
  const omitted = fitted.omitted + (limitReached ? summaries.length - limit : 0);
  const lines = fitted.items.map(
    (t) =>
      `${t.trace_id}  ${t.root_service ?? '?'}: ${t.root_name ?? '(root not received)'}  ${t.duration_ms} ms  ${plural(t.span_count, 'span')}${t.error_count ? `  ${plural(t.error_count, 'error')}` : ''}  ${t.start}`,
  );
  const next = [
    fitted.omitted > 0 ? `raise budget_tokens for the ${fitted.omitted} cut for space` : '',
    limitReached
      ? `raise limit (now ${limit}) or narrow the query or time_range for the traces past the limit`
      : '',
  ]
    .filter(Boolean)
    .join('; ');
  if (all.length === 0)
    lines.push('No traces matched. Widen time_range, check names with list_services / list_operations.');
  if (omitted > 0)
    lines.push(
      `Truncated: ${limitReached ? 'at least ' : ''}${plural(omitted, 'more matching trace')} not shown. Next: ${next}.`,
    );
  if (all.length > 0)
    lines.push('Open one with get_trace_by_id (view: summary, tree or spans), or analyze_trace.');
  return {
    structured: {
      backend,
      traces: fitted.items,
      truncated: omitted > 0,
      omitted,
      limit_reached: limitReached,
      ...(omitted > 0 ? { next } : {}),
    },
    text: lines.join('\n'),
  };
}

export function round(value: number, digits = 3): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
