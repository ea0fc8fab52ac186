import * as z from 'zod';
import {
  buildTransactionPicture,
  formatDuration,
  type SpanPoint,
  type TransactionPicture,
} from '../../../analysis/index.js';
import type { TraceBackend } from '../../../backends/trace-backend.js';
import { invalidArgument } from '../../../model/errors.js';
import { isValidTraceId, normalizeHexId } from '../../../model/ids.js';
import { nanosToIso } from '../../../model/time.js';
import { listSection, type ResponseDraft } from '../../response/response-draft.js';
import { cursorInput, responseFields } from '../../response/response-fields.js';
import { parseTimeRange } from '../../time-range.js';
import { READ_ONLY, defineTool } from '../../tool-definition.js';
import type { ToolDeps } from '../../tool-deps.js';
import { budgetInput, timeRangeInput } from '../common-inputs.js';
import { gatherTransaction, WELL_KNOWN_TRANSACTION_KEYS } from './transaction-gathering.js';

const DEFAULT_MAX_TRACES = 20;
const MAX_TRACES = 200;
/** A value this short ("200", "ok") also sits in counters and codes: searching every id key for it misleads. */
const MIN_UNKEYED_VALUE_LENGTH = 4;

const point = z.object({
  trace_id: z.string(),
  span_id: z.string(),
  service: z.string(),
  name: z.string(),
  offset_ms: z.number().describe('From the earliest span of the transaction'),
});

const outputSchema = z.object({
  transaction_id: z.string(),
  found: z.boolean(),
  start_time: z.string().optional().describe('The earliest span start (ISO, UTC)'),
  elapsed_ms: z.number().describe('Earliest span start to latest span end, over every trace'),
  trace_count: z.number(),
  traces: z
    .array(
      z.object({
        trace_id: z.string(),
        backend: z.string(),
        found_by: z.enum(['trace_id', 'attribute', 'link']),
        root: z.string().describe('service: span name of the root'),
        offset_ms: z.number(),
        duration_ms: z.number(),
        span_count: z.number(),
        error_count: z.number(),
        services: z.array(z.string()),
      }),
    )
    .describe('In order of time'),
  services: z
    .array(
      z.object({
        service: z.string(),
        first_offset_ms: z.number(),
        last_offset_ms: z.number(),
        span_count: z.number(),
        error_count: z.number(),
        trace_count: z.number(),
      }),
    )
    .describe('Every service in the order it first took part'),
  connections: z
    .array(z.object({ kind: z.enum(['link', 'attribute']), from: point, to: point, detail: z.string() }))
    .describe(
      'How the traces connect: a span link (from the linking span to the span it points at), or the value carried by spans of consecutive traces',
    ),
  service_hops: z
    .array(z.object({ from: z.string(), to: z.string(), count: z.number(), first_offset_ms: z.number() }))
    .describe('Parent → child calls that cross services, inside the traces'),
  errors: z
    .array(point.extend({ reason: z.string() }))
    .describe('Failed spans anywhere along the way, earliest first'),
  matched_keys: z
    .array(z.object({ key: z.string(), spans: z.number() }))
    .describe('Attribute keys under which spans carried the value'),
  keys_searched: z.array(z.string()),
  keys_not_searched: z
    .number()
    .describe(
      'Identifier-like keys of the embedded store past the search limit: name attribute_key to search one',
    ),
  dangling_links: z
    .array(point.extend({ linked_trace_id: z.string(), linked_span_id: z.string() }))
    .describe('Links to traces no backend returned (not sampled, expired, never sent)'),
  not_followed: z.array(z.string()).describe('Traces reached past max_traces, not read'),
  backend_problems: z.array(z.object({ backend: z.string(), error: z.string() })),
  limitations: z.array(z.string()),
  ...responseFields,
});

type Output = z.infer<typeof outputSchema>;

export const correlateDistributedTracesTool = defineTool({
  name: 'correlate_distributed_traces',
  title: 'Follow one business transaction across traces',
  description:
    'One business transaction across traces and backends: traces carrying its id (under attribute_key or any id-like key) or joined by span links either way, in time order, with services, cross-service calls, elapsed time and failures. One trace: analyze_trace.',
  toolset: 'advanced',
  input: z.object({
    transaction_id: z
      .string()
      .trim()
      .min(1)
      .max(128)
      .describe('The business id (order id, request id…) or a trace id'),
    attribute_key: z
      .union([z.string().min(1), z.array(z.string().min(1)).min(1).max(20)])
      .optional()
      .describe('Key(s) carrying the id (default: any id-like key)'),
    time_range: timeRangeInput.describe('Where to search (default 7d)'),
    backends: z
      .array(z.string().min(1))
      .min(1)
      .max(10)
      .optional()
      .describe('Backends to search (default: all)'),
    max_traces: z
      .number()
      .int()
      .min(1)
      .max(MAX_TRACES)
      .optional()
      .describe(`Traces read at most (default ${DEFAULT_MAX_TRACES})`),
    budget_tokens: budgetInput,
    cursor: cursorInput,
  }),
  output: outputSchema,
  annotations: READ_ONLY,
  async handler(input, { deps }) {
    const keys =
      input.attribute_key === undefined
        ? undefined
        : Array.isArray(input.attribute_key)
          ? input.attribute_key
          : [input.attribute_key];
    const isTraceId = isValidTraceId(normalizeHexId(input.transaction_id));
    if (!keys && !isTraceId && input.transaction_id.length < MIN_UNKEYED_VALUE_LENGTH) {
      throw invalidArgument(
        `transaction_id '${input.transaction_id}' is too short to search under every id key (it would also match counters and status codes)`,
        `name the key that carries it: attribute_key: 'app.order.id', or pass an id of at least ${MIN_UNKEYED_VALUE_LENGTH} characters`,
      );
    }
    const gathered = await gatherTransaction({
      value: input.transaction_id,
      ...(keys ? { keys } : {}),
      window: parseTimeRange(input.time_range ?? '7d', deps.now()),
      backends: selectBackends(deps, input.backends),
      maxTraces: input.max_traces ?? DEFAULT_MAX_TRACES,
    });
    const picture = buildTransactionPicture(
      gathered.members,
      gathered.links,
      gathered.carriers,
      input.transaction_id,
    );
    const matched = new Map<string, number>();
    for (const carrier of gathered.carriers) matched.set(carrier.key, (matched.get(carrier.key) ?? 0) + 1);
    return draft(
      {
        transaction_id: input.transaction_id,
        found: picture.traces.length > 0,
        ...(picture.traces.length > 0 ? { start_time: nanosToIso(picture.startUnixNano) } : {}),
        elapsed_ms: picture.elapsedMs,
        trace_count: picture.traces.length,
        matched_keys: [...matched].map(([key, spans]) => ({ key, spans })),
        keys_searched: gathered.keysSearched,
        keys_not_searched: gathered.keysNotSearched,
        backend_problems: gathered.problems,
        limitations: gathered.limitations,
      },
      rowsOf(picture, gathered.notFollowed),
      keys,
      deps.backends.get().name,
    );
  },
});

function selectBackends(deps: ToolDeps, names: string[] | undefined): TraceBackend[] {
  if (names) return [...new Set(names)].map((name) => deps.backends.get(name));
  // Backends that look a value up under every id key (the embedded store) first: they find the most.
  const all = deps.backends.all();
  return [
    ...all.filter((backend) => backend.capabilities.valueLookup),
    ...all.filter((backend) => !backend.capabilities.valueLookup),
  ];
}

const snakePoint = (p: SpanPoint): z.infer<typeof point> => ({
  trace_id: p.traceId,
  span_id: p.spanId,
  service: p.service,
  name: p.name,
  offset_ms: p.offsetMs,
});

type Head = Pick<
  Output,
  | 'transaction_id'
  | 'found'
  | 'start_time'
  | 'elapsed_ms'
  | 'trace_count'
  | 'matched_keys'
  | 'keys_searched'
  | 'keys_not_searched'
  | 'backend_problems'
  | 'limitations'
>;
type Rows = Pick<
  Output,
  'traces' | 'services' | 'connections' | 'service_hops' | 'errors' | 'dangling_links' | 'not_followed'
>;

function rowsOf(picture: TransactionPicture, notFollowed: string[]): Rows {
  return {
    not_followed: notFollowed,
    traces: picture.traces.map((t) => ({
      trace_id: t.traceId,
      backend: t.backend,
      found_by: t.foundBy,
      root: `${t.rootService}: ${t.rootName}`,
      offset_ms: t.offsetMs,
      duration_ms: t.durationMs,
      span_count: t.spanCount,
      error_count: t.errorCount,
      services: t.services,
    })),
    errors: picture.errors.map((e) => ({ ...snakePoint(e), reason: e.reason })),
    services: picture.services.map((s) => ({
      service: s.service,
      first_offset_ms: s.firstOffsetMs,
      last_offset_ms: s.lastOffsetMs,
      span_count: s.spanCount,
      error_count: s.errorCount,
      trace_count: s.traceCount,
    })),
    connections: picture.connections.map((c) => ({
      kind: c.kind,
      from: snakePoint(c.from),
      to: snakePoint(c.to),
      detail: c.detail,
    })),
    service_hops: picture.serviceHops.map((h) => ({
      from: h.from,
      to: h.to,
      count: h.count,
      first_offset_ms: h.firstOffsetMs,
    })),
    dangling_links: picture.danglingLinks.map((d) => ({
      ...snakePoint(d),
      linked_trace_id: d.linkedTraceId,
      linked_span_id: d.linkedSpanId,
    })),
  };
}

const at = (ms: number): string => `+${formatDuration(ms)}`;
const short = (traceId: string): string => traceId.slice(0, 12);

/**
 * The verdict (how many traces, services and failures, the first failure) leads; every list is paged,
 * traces and errors getting the larger shares. `home` is the default backend: its traces are not
 * labelled with it.
 */
function draft(out: Head, rows: Rows, keys: string[] | undefined, home: string): ResponseDraft<Head> {
  const lists = rowLists(rows, home);
  if (!out.found) {
    const searched =
      out.keys_searched.length > 0
        ? out.keys_searched.slice(0, 12).join(', ') + (out.keys_searched.length > 12 ? ', …' : '')
        : 'no identifier-like keys are stored yet';
    return {
      fields: out,
      lists,
      lead: [
        `No trace carries '${out.transaction_id}'${keys ? ` under ${keys.join(', ')}` : ''}. Keys searched: ${searched}.`,
        ...out.backend_problems.map((p) => `Backend ${p.backend} failed: ${p.error}`),
      ],
      notes: out.limitations.map((l) => `Note: ${l}`),
      next: `name the key that carries it (attribute_key, e.g. ${keys ? WELL_KNOWN_TRANSACTION_KEYS[1] : (out.keys_searched[0] ?? 'app.order.id')}), widen time_range (default 7d), or look at one span's attributes with get_span_details to see which key your services use.`,
    };
  }
  const errorCount = rows.errors.length;
  const lead = [
    `Transaction '${out.transaction_id}': ${out.trace_count} trace${out.trace_count === 1 ? '' : 's'}, ${rows.services.length} services, ${formatDuration(out.elapsed_ms)} from the first span to the last, ${errorCount === 0 ? 'no errors' : `${errorCount} failed span${errorCount === 1 ? '' : 's'}`}; starts ${out.start_time}.`,
  ];
  if (out.matched_keys.length > 0)
    lead.push(
      `Carried by: ${out.matched_keys.map((m) => `${m.key} (${m.spans} span${m.spans === 1 ? '' : 's'})`).join(', ')}.`,
    );
  const firstError = rows.errors[0];
  if (firstError) lead.push(`First failure: ${errorLine(firstError)}`);
  if (rows.connections.length === 0 && out.trace_count > 1)
    lead.push('Connections: none between these traces beyond sharing the value.');
  if (rows.not_followed.length > 0)
    lead.push(
      `Not read: ${rows.not_followed.length} more trace${rows.not_followed.length === 1 ? '' : 's'} reached past max_traces (raise it to follow them).`,
    );
  for (const p of out.backend_problems) lead.push(`Backend ${p.backend} failed: ${p.error}`);
  const longest = [...rows.traces].sort((a, b) => b.duration_ms - a.duration_ms)[0];
  return {
    fields: out,
    lead,
    lists,
    notes: out.limitations.map((l) => `Note: ${l}`),
    next: firstError
      ? `analyze_trace trace_id=${firstError.trace_id} to see why ${firstError.service} '${firstError.name}' failed.`
      : `analyze_trace on the longest trace (${short(longest?.trace_id ?? '')}) for its critical path.`,
  };
}

/** Every list of the picture, in the order the text shows them. */
function rowLists(rows: Rows, home: string): NonNullable<ResponseDraft['lists']> {
  return [
    listSection({
      key: 'services',
      heading: 'Services in order:',
      rows: rows.services,
      line: (s) =>
        `  ${at(s.first_offset_ms)} ${s.service}${s.error_count > 0 ? ` (${s.error_count} failed)` : ''}`,
      weight: 2,
    }),
    listSection({
      key: 'traces',
      heading: 'Traces:',
      rows: rows.traces,
      line: (t) =>
        `  ${short(t.trace_id)} ${t.root} at ${at(t.offset_ms)}, ${formatDuration(t.duration_ms)}, ${t.span_count} spans${t.error_count ? `, ${t.error_count} failed` : ''} [${t.found_by}${t.backend === home ? '' : `, ${t.backend}`}]`,
      weight: 3,
    }),
    listSection({
      key: 'errors',
      heading: 'Errors:',
      rows: rows.errors,
      line: (e) => `  ${errorLine(e)}`,
      weight: 3,
    }),
    listSection({
      key: 'connections',
      heading: 'Connections:',
      rows: rows.connections,
      line: (c) =>
        `  ${c.kind}: ${c.from.service} '${c.from.name}' (${short(c.from.trace_id)}) → ${c.to.service} '${c.to.name}' (${short(c.to.trace_id)})${c.kind === 'attribute' ? `, ${c.detail}` : ''}`,
    }),
    listSection({
      key: 'service_hops',
      heading: 'Cross-service calls:',
      rows: rows.service_hops,
      line: (h) => `  ${h.from} → ${h.to}: ${h.count}×, first at ${at(h.first_offset_ms)}`,
    }),
    listSection({
      key: 'dangling_links',
      rows: rows.dangling_links,
      line: (d) =>
        `Missing: ${d.service} '${d.name}' links to trace ${short(d.linked_trace_id)}, which no backend returned (not sampled, expired, or sent elsewhere).`,
    }),
    listSection({
      key: 'not_followed',
      heading: 'Not read, past max_traces:',
      rows: rows.not_followed,
      line: (traceId) => `  ${traceId}`,
    }),
  ];
}

function errorLine(e: Output['errors'][number]): string {
  return `${at(e.offset_ms)} ${e.service} '${e.name}' (${short(e.trace_id)}): ${e.reason}`;
}
