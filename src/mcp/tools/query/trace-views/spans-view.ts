import * as z from 'zod';
import type { Trace } from '../../../../model/span.js';
import { durationMs } from '../../../../model/time.js';
import { decodeCursor, encodeCursor } from '../../../cursor.js';
import { fitList, jsonSize, type OutputBudget } from '../../../output-budget.js';
import { round } from '../trace-summary-output.js';
import { keyAttributes, offsetMs, traceBounds } from './span-line.js';

const spanRow = z.object({
  span_id: z.string(),
  parent_span_id: z.string().optional(),
  service: z.string(),
  name: z.string(),
  kind: z.string(),
  offset_ms: z.number().describe('Start, relative to the trace start'),
  duration_ms: z.number(),
  status: z.string(),
  status_message: z.string().optional(),
  key_attributes: z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
    .describe('HTTP/DB/RPC/messaging identifiers only; get_span_details has all'),
  attribute_count: z.number(),
  event_count: z.number(),
});

export const spansViewSchema = z.object({
  spans: z.array(spanRow),
  offset: z.number(),
  total: z.number(),
  next_cursor: z.string().optional().describe('Pass as cursor to get the next page; absent on the last page'),
});

export type SpansView = z.infer<typeof spansViewSchema>;

/** One page of spans in start order, as many as fit the budget, with a cursor for the rest. */
export function buildSpansView(
  trace: Trace,
  budget: OutputBudget,
  cursor?: string,
): { view: SpansView; text: string } {
  const scope = `spans:${trace.traceId}`;
  const offset = cursor ? decodeCursor(cursor, scope).offset : 0;
  const { start } = traceBounds(trace.spans);
  const rows = trace.spans.slice(offset).map((span) => ({
    span_id: span.spanId,
    ...(span.parentSpanId ? { parent_span_id: span.parentSpanId } : {}),
    service: span.serviceName,
    name: span.name,
    kind: span.kind,
    offset_ms: offsetMs(span, start),
    duration_ms: round(durationMs(span)),
    status: span.status.code,
    ...(span.status.message ? { status_message: span.status.message } : {}),
    key_attributes: keyAttributes(span),
    attribute_count: Object.keys(span.attributes).length,
    event_count: span.events.length,
  }));
  // Each row is paid for twice, as structured data and as one text line the model reads.
  const fitted = fitList(rows, budget.chars - 400, (row) => jsonSize(row) + renderRow(row).length);
  const nextOffset = offset + fitted.items.length;
  const view: SpansView = {
    spans: fitted.items,
    offset,
    total: trace.spans.length,
    ...(nextOffset < trace.spans.length ? { next_cursor: encodeCursor({ scope, offset: nextOffset }) } : {}),
  };
  const text = [
    `Trace ${trace.traceId}, spans ${offset + 1}–${nextOffset} of ${trace.spans.length} in start order (id parent +offset duration service: name):`,
    ...fitted.items.map(renderRow),
    view.next_cursor ? `More: call again with cursor="${view.next_cursor}".` : 'This is the last page.',
  ].join('\n');
  return { view, text };
}

function renderRow(row: z.infer<typeof spanRow>): string {
  const attributes = Object.entries(row.key_attributes)
    .map(([key, value]) => `${key}=${value}`)
    .join(' ');
  const error = row.status === 'error' ? ` ✗${row.status_message ? ` ${row.status_message}` : ''}` : '';
  return `${row.span_id} ${row.parent_span_id ?? '-'} +${row.offset_ms} ${row.duration_ms}ms ${row.service}: ${row.name}${error}${attributes ? ` [${attributes}]` : ''}`;
}
