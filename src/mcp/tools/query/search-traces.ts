import * as z from 'zod';
import { OtelMcpError, invalidArgument } from '../../../model/errors.js';
import type { AttributeFilter } from '../../../model/query.js';
import { attributeAliases } from '../../../model/semconv-renames.js';
import { cursorInput } from '../../response/response-fields.js';
import { READ_ONLY, defineTool } from '../../tool-definition.js';
import { parseTimeRange } from '../../time-range.js';
import { attributeFilters, attributeFiltersInput } from './attribute-filter-input.js';
import { backendInput, budgetInput, limitInput, timeRangeInput } from '../common-inputs.js';
import { traceListDraft, traceListOutput } from './trace-summary-output.js';

const DEFAULT_LIMIT = 20;

const query = z
  .object({
    service_name: z.string().min(1).optional().describe('A span of this service must match'),
    operation_name: z.string().min(1).optional().describe('Span name (operation) that must match'),
    attributes: attributeFiltersInput
      .optional()
      .describe(
        'Attributes that must match ({"http.response.status_code": 500}); {"exists": true} for presence',
      ),
    min_duration_ms: z.number().min(0).optional().describe('The matching span lasted at least this long'),
    max_duration_ms: z.number().min(0).optional().describe('The matching span lasted at most this long'),
    status: z
      .preprocess(otlpStatus, z.enum(['error', 'ok']))
      .optional()
      .describe("'error': traces with at least one error span; 'ok': traces without any"),
    traceql: z
      .string()
      .min(1)
      .max(4000)
      .optional()
      .describe('A raw TraceQL query (Tempo backends), as written; only time_range and limit apply with it'),
    time_range: timeRangeInput,
    limit: limitInput(DEFAULT_LIMIT, 200),
  })
  .describe('All filters must hold for one span of the trace; status applies to the whole trace');

/**
 * OpenTelemetry writes `ERROR` and OTLP JSON `STATUS_CODE_ERROR`: both mean `error` here, in any
 * case. Anything else passes through unchanged for the enum to refuse, `STATUS_CODE_UNSET` too:
 * `ok` means a trace without error spans, not spans whose status was left unset.
 */
function otlpStatus(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const folded = value
    .trim()
    .toLowerCase()
    .replace(/^status_code_/, '');
  return folded === 'error' || folded === 'ok' ? folded : value;
}

export const searchTracesTool = defineTool({
  name: 'search_traces',
  title: 'Search traces',
  description:
    'Traces by service, operation, attributes, span duration, error status and time window (or a raw TraceQL query on Tempo), newest first. The latest of one service: get_traces.',
  toolset: 'query',
  input: z.object({ query, backend: backendInput, budget_tokens: budgetInput, cursor: cursorInput }),
  output: traceListOutput,
  annotations: READ_ONLY,
  async handler(input, { deps }) {
    const q = input.query;
    const backend = deps.backends.get(input.backend);
    const limit = q.limit ?? DEFAULT_LIMIT;
    const window = parseTimeRange(q.time_range ?? 'last_1_hour', deps.now());
    if (q.traceql !== undefined) {
      const filters = (
        [
          'service_name',
          'operation_name',
          'attributes',
          'min_duration_ms',
          'max_duration_ms',
          'status',
        ] as const
      ).filter((key) => q[key] !== undefined);
      if (filters.length > 0) {
        throw invalidArgument(
          `traceql is passed as written, so ${filters.join(', ')} would be ignored`,
          'put those conditions into the TraceQL query, or leave traceql out',
        );
      }
      if (!backend.capabilities.nativeQuery || !backend.findTracesNative) {
        const able = deps.backends
          .all()
          .filter((item) => item.capabilities.nativeQuery)
          .map((item) => item.name);
        throw new OtelMcpError(
          'UNSUPPORTED',
          `backend '${backend.name}' (${backend.kind}) does not take raw TraceQL queries`,
          able.length > 0
            ? `pass backend: ${able.join(' or ')}, or use the structured filters`
            : 'use the structured filters (service_name, attributes, …); configure a Tempo backend for TraceQL',
        );
      }
      const summaries = await backend.findTracesNative({ query: q.traceql, window, limit: limit + 1 });
      return traceListDraft(backend.name, summaries, limit);
    }
    const find = (attributes: AttributeFilter[]) =>
      backend.findTraces({
        ...(q.service_name ? { serviceName: q.service_name } : {}),
        ...(q.operation_name ? { operationName: q.operation_name } : {}),
        ...(attributes.length > 0 ? { attributes } : {}),
        ...(q.min_duration_ms !== undefined ? { minDurationMs: q.min_duration_ms } : {}),
        ...(q.max_duration_ms !== undefined ? { maxDurationMs: q.max_duration_ms } : {}),
        ...(q.status ? { status: q.status } : {}),
        window,
        // One past the limit tells whether more traces match (see traceListDraft).
        limit: limit + 1,
      });
    const attributes = attributeFilters(q.attributes);
    const summaries = await find(attributes);
    // Nothing under the names asked for: the services may send the other generation's names
    // (http.status_code for http.response.status_code), as spec matching allows. Tried only then,
    // so that a cursor, which repeats the query, lands on the same variant.
    if (summaries.length === 0) {
      for (const variant of aliasVariants(attributes)) {
        const found = await find(variant.filters);
        if (found.length === 0) continue;
        const draft = traceListDraft(backend.name, found, limit);
        draft.lead.unshift(`No trace matched ${variant.asked}; these match ${variant.used}.`);
        return draft;
      }
    }
    const draft = traceListDraft(backend.name, summaries, limit);
    const others = summaries.length > 0 ? otherNames(attributes) : undefined;
    if (others) draft.lead.push(others);
    return draft;
  },
});

/** At most this many renamed variants of one search are tried (all renamed at once, then one by one). */
const MAX_VARIANTS = 4;

/**
 * The search's attribute filters with keys the conventions renamed (semconv-renames.ts) spelled the
 * other way: all of them at once, then each alone.
 */
function aliasVariants(
  filters: readonly AttributeFilter[],
): { filters: AttributeFilter[]; asked: string; used: string }[] {
  const renamed = filters.flatMap((filter, index) =>
    attributeAliases(filter.key).map((alias) => ({ index, filter, alias })),
  );
  const variant = (changes: typeof renamed) => {
    const next = [...filters];
    for (const { index, filter, alias } of changes) next[index] = { ...filter, key: alias.name };
    return {
      filters: next,
      asked: changes.map(({ filter }) => `\`${filter.key}\``).join(', '),
      used: changes
        .map(({ alias }) => `its ${alias.generation} name \`${alias.name}\` (${alias.family} conventions)`)
        .join(', '),
    };
  };
  // A service sends one generation throughout, so every key renamed at once is the likeliest match:
  // first. Each key's first alias (net.peer.name, not net.host.name, for server.address).
  const firstPerKey = new Map<number, (typeof renamed)[number]>();
  for (const change of renamed) if (!firstPerKey.has(change.index)) firstPerKey.set(change.index, change);
  const all = firstPerKey.size > 1 ? [variant([...firstPerKey.values()])] : [];
  const singles = renamed.map((change) => variant([change]));
  return [...all, ...singles].slice(0, MAX_VARIANTS);
}

/** "`http.response.status_code` also has an older name …": said when the names given did match. */
function otherNames(filters: readonly AttributeFilter[]): string | undefined {
  const names = filters.flatMap((filter) =>
    attributeAliases(filter.key).map((alias) => `\`${filter.key}\` ${alias.generation} \`${alias.name}\``),
  );
  return names.length > 0
    ? `Services that send another generation's names are not in this list (${names.slice(0, 3).join(', ')}): search by those to see them.`
    : undefined;
}
