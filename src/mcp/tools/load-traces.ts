/**
 * Loading the trace sets the advanced tools work on: by ids (prefixes allowed), or by a filter
 * (service, time range, run id) through the selected backend. Unreadable traces are reported,
 * not fatal; the caller says how many it could not read. One stream serves both the tools that hold
 * a set and validate_trace_collection, which compares each trace as it is read.
 */
import * as z from 'zod';
import { errorMessage } from '../../model/errors.js';
import type { AttributeFilter } from '../../model/query.js';
import type { Trace } from '../../model/span.js';
import { RUN_ID_ATTRIBUTE } from '../../model/run-attributes.js';
import { parseTimeRange } from '../time-range.js';
import type { ToolDeps } from '../tool-deps.js';
import { loadTrace } from './trace-lookup.js';

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

/** One trace read, or why it could not be. */
export type TraceRead = { trace: Trace } | { unavailable: Unavailable };

/**
 * The traces of a set one at a time, so a caller that compares and drops each one (a collection of
 * 1,000 traces) never holds them all. `capped` is known once the filter's search has run.
 */
export interface TraceStream {
  reads: AsyncIterable<TraceRead>;
  capped: () => boolean;
}

export function streamTraceIds(deps: ToolDeps, ids: readonly string[], backend?: string): TraceStream {
  async function* reads(): AsyncIterable<TraceRead> {
    const seen = new Set<string>();
    for (const id of new Set(ids)) {
      let trace: Trace;
      try {
        trace = await loadTrace(deps, id, backend);
      } catch (error) {
        yield { unavailable: { trace_id: id, error: errorMessage(error) } };
        continue;
      }
      if (seen.has(trace.traceId)) continue;
      seen.add(trace.traceId);
      yield { trace };
    }
  }
  return { reads: reads(), capped: () => false };
}

export interface TraceFilter {
  service_name?: string | undefined;
  time_range?: string | { start?: string | undefined; end?: string | undefined } | undefined;
  run_id?: string | undefined;
}

export function streamTraceFilter(
  deps: ToolDeps,
  filter: TraceFilter,
  limit: number,
  backendName?: string,
): TraceStream {
  const backend = deps.backends.get(backendName);
  let capped = false;
  async function* reads(): AsyncIterable<TraceRead> {
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
    capped = summaries.length >= limit;
    for (const summary of summaries) {
      const trace = await backend.getTrace(summary.traceId);
      if (trace) yield { trace };
      else
        yield {
          unavailable: { trace_id: summary.traceId, error: 'deleted since it was listed (retention)' },
        };
    }
  }
  return { reads: reads(), capped: () => capped };
}

/** Every trace of a stream, in memory (the sets the advanced tools compare are small). */
export async function collectTraces(stream: TraceStream): Promise<LoadedTraces> {
  const traces: Trace[] = [];
  const unavailable: Unavailable[] = [];
  for await (const read of stream.reads) {
    if ('trace' in read) traces.push(read.trace);
    else unavailable.push(read.unavailable);
  }
  return { traces, unavailable, capped: stream.capped() };
}

export function loadTraceIds(
  deps: ToolDeps,
  ids: readonly string[],
  backend?: string,
): Promise<LoadedTraces> {
  return collectTraces(streamTraceIds(deps, ids, backend));
}

export function loadTraceFilter(
  deps: ToolDeps,
  filter: TraceFilter,
  limit: number,
  backendName?: string,
): Promise<LoadedTraces> {
  return collectTraces(streamTraceFilter(deps, filter, limit, backendName));
}
