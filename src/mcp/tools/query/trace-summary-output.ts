import * as z from 'zod';
import type { TraceSummary } from '../../../model/query.js';
import { nanosToIso } from '../../../model/time.js';
import { plural } from '../../../model/plural.js';
import { listSection, type ResponseDraft } from '../../response/response-draft.js';
import { responseFields } from '../../response/response-fields.js';

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
  ...responseFields,
});

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
 * A list of trace summaries as a draft. Callers fetch `limit + 1` summaries: the one past the limit
 * is never shown, it only proves that more traces match, so a list of exactly `limit` traces is not
 * called truncated.
 */
export function traceListDraft(
  backend: string,
  summaries: TraceSummary[],
  limit: number,
): ResponseDraft<{ backend: string }> {
  const all = summaries.slice(0, limit).map(toSummaryOutput);
  const pastLimit = summaries.length - all.length;
  return {
    fields: { backend },
    lead:
      all.length === 0
        ? ['No traces matched. Widen time_range, check names with list_services / list_operations.']
        : [`${all.length}${pastLimit > 0 ? '+' : ''} traces in ${backend}, newest first:`],
    lists: [
      listSection({
        key: 'traces',
        rows: all,
        line: (t) =>
          `${t.trace_id}  ${t.root_service ?? '?'}: ${t.root_name ?? '(root not received)'}  ${t.duration_ms} ms  ${plural(t.span_count, 'span')}${t.error_count ? `  ${plural(t.error_count, 'error')}` : ''}  ${t.start}`,
        ...(pastLimit > 0
          ? {
              beyond: {
                count: pastLimit,
                atLeast: true,
                next: `raise limit (now ${limit}) or narrow the query or time_range`,
              },
            }
          : {}),
      }),
    ],
    ...(all.length > 0
      ? { next: 'open one with get_trace_by_id (view: summary, tree or spans), or analyze_trace.' }
      : {}),
  };
}

export function round(value: number, digits = 3): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
