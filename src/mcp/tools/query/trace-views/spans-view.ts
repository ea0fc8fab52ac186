import * as z from 'zod';
import type { Trace } from '../../../../model/span.js';
import { durationMs } from '../../../../model/time.js';
import { listSection, type ListSection } from '../../../response/response-draft.js';
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

export type SpanRow = z.infer<typeof spanRow>;

/** Every span in start order; the response layer pages them with a cursor. */
export function spansSection(trace: Trace): ListSection<SpanRow> {
  const { start } = traceBounds(trace.spans);
  const rows = trace.spans.map((span): SpanRow => ({
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
  return listSection({
    key: 'spans',
    heading: 'Spans in start order (id parent +offset duration service: name):',
    rows,
    line: renderRow,
  });
}

export const spansListSchema = z.array(spanRow);

function renderRow(row: SpanRow): string {
  const attributes = Object.entries(row.key_attributes)
    .map(([key, value]) => `${key}=${value}`)
    .join(' ');
  const error = row.status === 'error' ? ` ✗${row.status_message ? ` ${row.status_message}` : ''}` : '';
  return `${row.span_id} ${row.parent_span_id ?? '-'} +${row.offset_ms} ${row.duration_ms}ms ${row.service}: ${row.name}${error}${attributes ? ` [${attributes}]` : ''}`;
}
