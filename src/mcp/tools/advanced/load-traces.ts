/**
 * Loading the trace sets the advanced tools work on: by ids (prefixes allowed), or by a filter
 * (service, time range, run id) through the selected backend. Unreadable traces are reported,
 * not fatal; the caller says how many it could not read.
 */
import * as z from 'zod';
import { errorMessage } from '../../../model/errors.js';
import type { AttributeFilter } from '../../../model/query.js';
import type { Trace } from '../../../model/span.js';
import { RUN_ID_ATTRIBUTE } from '../../../model/run-attributes.js';
import { parseTimeRange } from '../../time-range.js';
import type { ToolDeps } from '../../tool-deps.js';
import { loadTrace } from '../trace-lookup.js';

export interface Unavailable {
  trace_id: string;
  error: string;
}

export interface LoadedTraces {
  traces: Trace[];
  unavailable: Unavailable[];
  /** The filter found as many traces as its limit: more may exist. */
  capped: boolean;
}

export const unavailableSchema = z
  .array(z.object({ trace_id: z.string(), error: z.string() }))
  .describe('Traces that could not be read (left out)');

export async function loadTraceIds(
  deps: ToolDeps,
  ids: readonly string[],
  backend?: string,
): Promise<LoadedTraces> {
  const traces: Trace[] = [];
  const unavailable: Unavailable[] = [];
  const seen = new Set<string>();
  for (const id of new Set(ids)) {
    try {
      const trace = await loadTrace(deps, id, backend);
      if (seen.has(trace.traceId)) continue;
      seen.add(trace.traceId);
      traces.push(trace);
    } catch (error) {
      unavailable.push({ trace_id: id, error: errorMessage(error) });
    }
  }
  return { traces, unavailable, capped: false };
}

export interface TraceFilter {
  service_name?: string | undefined;
  time_range?: string | { start?: string | undefined; end?: string | undefined } | undefined;
  run_id?: string | undefined;
}

export async function loadTraceFilter(
  deps: ToolDeps,
  filter: TraceFilter,
  limit: number,
  backendName?: string,
): Promise<LoadedTraces> {
  const backend = deps.backends.get(backendName);
  const attributes: AttributeFilter[] =
    filter.run_id !== undefined ? [{ key: RUN_ID_ATTRIBUTE, value: filter.run_id }] : [];
  const summaries = await backend.findTraces({
    ...(filter.service_name ? { serviceName: filter.service_name } : {}),
    ...(attributes.length > 0 ? { attributes } : {}),
    window: parseTimeRange(
      filter.time_range ?? (filter.run_id !== undefined ? '7d' : 'last_1_hour'),
      deps.now(),
    ),
    limit,
  });
  const traces: Trace[] = [];
  const unavailable: Unavailable[] = [];
  for (const summary of summaries) {
    const trace = await backend.getTrace(summary.traceId);
    if (trace) traces.push(trace);
    else unavailable.push({ trace_id: summary.traceId, error: 'deleted since it was listed (retention)' });
  }
  return { traces, unavailable, capped: summaries.length >= limit };
}
