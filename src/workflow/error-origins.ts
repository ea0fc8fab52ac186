/**
 * Where the failure of each failing span started, as a comparison takes it (CompareOptions.errorOrigins):
 * analysis's root-cause chains, so a spec report and analyze_trace tell one error chain the same way.
 */
import { failureOrigins } from '../analysis/index.js';
import { buildSpanTree } from '../model/span-tree.js';
import type { Trace } from '../model/span.js';
import type { SpanRef } from '../tracespec/index.js';

export function errorOriginsOf(trace: Trace): Map<string, SpanRef> {
  const origins = new Map<string, SpanRef>();
  if (!trace.spans.some((span) => span.status.code === 'error')) return origins;
  for (const [spanId, origin] of failureOrigins(buildSpanTree(trace)))
    origins.set(spanId, { span_id: origin.spanId, name: origin.name, service: origin.service });
  return origins;
}
