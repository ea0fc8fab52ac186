import * as z from 'zod';
import type { Span, Trace } from '../../../../model/span.js';
import { durationMs, nanosToIso, nanosToMs } from '../../../../model/time.js';
import { formatDuration } from '../../../../analysis/index.js';
import { round } from '../trace-summary-output.js';
import { describeSpan, traceBounds } from './span-line.js';

/** How many error and slow spans the summary names: enough to point somewhere, short enough to scan. */
const LISTED = 5;

const spanRef = z.object({
  span_id: z.string(),
  service: z.string(),
  name: z.string(),
  duration_ms: z.number(),
  status_message: z.string().optional(),
});

export const summaryViewSchema = z.object({
  roots: z
    .array(spanRef)
    .describe('Spans without a parent; several roots or none mean broken propagation or missing spans'),
  start: z.string(),
  duration_ms: z.number(),
  span_count: z.number(),
  error_count: z.number(),
  orphan_count: z.number().describe('Spans whose parent is not in the trace'),
  services: z.array(z.object({ name: z.string(), span_count: z.number(), error_count: z.number() })),
  errors: z.array(spanRef).describe(`Up to ${LISTED} error spans`),
  slowest: z.array(spanRef).describe(`Up to ${LISTED} longest non-root spans`),
});

export type SummaryView = z.infer<typeof summaryViewSchema>;

export function buildSummaryView(trace: Trace): { view: SummaryView; text: string } {
  const ids = new Set(trace.spans.map((span) => span.spanId));
  const roots = trace.spans.filter((span) => !span.parentSpanId);
  const orphans = trace.spans.filter((span) => span.parentSpanId && !ids.has(span.parentSpanId));
  const errors = trace.spans.filter((span) => span.status.code === 'error');
  const services = new Map<string, { name: string; span_count: number; error_count: number }>();
  for (const span of trace.spans) {
    const entry = services.get(span.serviceName) ?? { name: span.serviceName, span_count: 0, error_count: 0 };
    entry.span_count += 1;
    if (span.status.code === 'error') entry.error_count += 1;
    services.set(span.serviceName, entry);
  }
  const slowest = trace.spans
    .filter((span) => span.parentSpanId)
    .sort((a, b) => durationMs(b) - durationMs(a))
    .slice(0, LISTED);
  const bounds = traceBounds(trace.spans);
  const traceMs = nanosToMs(bounds.end - bounds.start);
  const view: SummaryView = {
    roots: roots.slice(0, LISTED).map(toRef),
    start: nanosToIso(bounds.start),
    duration_ms: round(traceMs),
    span_count: trace.spans.length,
    error_count: errors.length,
    orphan_count: orphans.length,
    services: [...services.values()].sort((a, b) => b.span_count - a.span_count),
    errors: errors.slice(0, LISTED).map(toRef),
    slowest: slowest.map(toRef),
  };
  const lines = [
    `Trace ${trace.traceId}: ${view.span_count} spans, ${view.services.length} services, ${formatDuration(traceMs)}, ${view.error_count} errors, started ${view.start}`,
    `Root: ${roots.length === 0 ? 'none received (the root span is missing)' : roots.slice(0, LISTED).map(describeSpan).join('; ')}`,
    `Services: ${view.services.map((s) => `${s.name} (${s.span_count}${s.error_count ? `, ${s.error_count} errors` : ''})`).join(', ')}`,
  ];
  if (orphans.length > 0)
    lines.push(
      `Orphans: ${orphans.length} spans point at parents that never arrived (broken context propagation?)`,
    );
  if (errors.length > 0)
    lines.push(
      `Errors: ${errors.slice(0, LISTED).map(describeSpan).join('; ')}${errors.length > LISTED ? ` … +${errors.length - LISTED}` : ''}`,
    );
  if (slowest.length > 0) lines.push(`Slowest: ${slowest.map(describeSpan).join('; ')}`);
  lines.push(
    'Next: view=tree for the shape, view=spans to page through spans, get_span_details for one span, analyze_trace for the critical path.',
  );
  return { view, text: lines.join('\n') };
}

function toRef(span: Span): z.infer<typeof spanRef> {
  return {
    span_id: span.spanId,
    service: span.serviceName,
    name: span.name,
    duration_ms: round(durationMs(span)),
    ...(span.status.message ? { status_message: span.status.message } : {}),
  };
}
