import * as z from 'zod';
import { invalidArgument } from '../../../model/errors.js';
import { prepareSpecComparison, summarizeCollection, type CollectionItem } from '../../../tracespec/index.js';
import { RUN_ID_ATTRIBUTE } from '../../../model/run-attributes.js';
import { plural } from '../../../model/plural.js';
import { errorOriginsOf } from '../../../workflow/error-origins.js';
import { listSection } from '../../response/response-draft.js';
import { cursorInput, responseFields } from '../../response/response-fields.js';
import { READ_ONLY, defineTool } from '../../tool-definition.js';
import { backendInput, budgetInput, timeRangeInput, traceIdInput } from '../common-inputs.js';
import { specFilesSchema, specNameInput, specVersionInput, syncSpecFiles } from '../specs/spec-common.js';
import { streamTraceFilter, streamTraceIds } from '../load-traces.js';

const DEFAULT_LIMIT = 100;
/** 1,000 traces of 50 spans compare in well under a second (bench target); more belongs in batches. */
const MAX_TRACES = 1000;

const collectionSchema = z.object({
  spec_name: z.string(),
  spec_version: z.number(),
  trace_count: z.number(),
  not_exercising: z
    .number()
    .describe('Traces that exercise no entry of the spec (other flows): listed, not counted'),
  passed: z.number(),
  failed: z.number(),
  pass_rate: z.number().describe('0..1 of the traces that exercise the spec'),
  mean_score: z.number(),
  traces: z
    .array(
      z.object({
        trace_id: z.string(),
        exercised: z.boolean(),
        matches: z.boolean(),
        score: z.number(),
        violations: z.number(),
        first_violation: z.string().optional(),
      }),
    )
    .describe('Failing traces first, lowest score first, then those that exercise no entry'),
  failures: z
    .array(
      z.object({
        path: z.string(),
        failed_traces: z.number(),
        kinds: z.record(z.string(), z.number()),
        example: z.string(),
      }),
    )
    .describe('Entries that failed in at least one trace, most frequent first'),
  coverage: z
    .array(z.object({ path: z.string(), exercised_traces: z.number(), rate: z.number(), spans: z.number() }))
    .describe('Per entry: in how many traces it matched'),
  unexercised: z.array(z.string()).describe('Entries no trace exercised'),
  durations: z.array(
    z.object({
      path: z.string(),
      samples: z.number(),
      p50_ms: z.number(),
      p95_ms: z.number(),
      p99_ms: z.number(),
      max_ms: z.number(),
    }),
  ),
  unavailable: z
    .array(z.object({ trace_id: z.string(), error: z.string() }))
    .describe('Traces that could not be read (not compared)'),
  more_traces_may_match: z
    .boolean()
    .describe('The filter found as many traces as the limit: there may be more'),
  spec_files: specFilesSchema.optional(),
  ...responseFields,
});

export const validateTraceCollectionTool = defineTool({
  name: 'validate_trace_collection',
  title: 'Check many traces against a spec',
  description:
    'Many traces vs one spec (trace_ids, or filter: service, time range, run_id): pass rate, failing entries and how, coverage, duration percentiles per entry. One trace: compare_trace_to_spec.',
  toolset: 'analysis',
  input: z.object({
    spec_name: specNameInput,
    spec_version: specVersionInput,
    trace_ids: z.array(traceIdInput).min(1).max(MAX_TRACES).optional().describe('Traces to check'),
    filter: z
      .object({
        service_name: z.string().min(1).optional().describe('Traces this service took part in'),
        time_range: timeRangeInput.describe('Time window (default last_1_hour; 7d with run_id)'),
        run_id: z
          .string()
          .min(1)
          .optional()
          .describe(`Traces of one run: resource attribute ${RUN_ID_ATTRIBUTE}`),
        limit: z
          .number()
          .int()
          .min(1)
          .max(MAX_TRACES)
          .optional()
          .describe(`Traces checked at most, newest first (default ${DEFAULT_LIMIT})`),
      })
      .optional()
      .describe('Instead of trace_ids: stored traces to check'),
    cursor: cursorInput,
    backend: backendInput,
    budget_tokens: budgetInput,
  }),
  output: collectionSchema,
  annotations: READ_ONLY,
  async handler(input, { deps }) {
    if ((input.trace_ids === undefined) === (input.filter === undefined)) {
      throw invalidArgument(
        input.trace_ids === undefined ? 'pass trace_ids or filter' : 'pass trace_ids or filter, not both',
        'trace_ids: a list of ids; filter: {service_name, time_range, run_id, limit}',
      );
    }
    const sync = await syncSpecFiles(deps);
    const spec = deps.specs.get(input.spec_name, input.spec_version);
    const unavailable: { trace_id: string; error: string }[] = [];
    // One validation and compilation of the spec for the whole collection; each trace is compared
    // as soon as it is read and then dropped, so 1,000 traces are never all in memory at once.
    const compare = prepareSpecComparison(spec.spec);
    const items: CollectionItem[] = [];
    const stream = input.trace_ids
      ? streamTraceIds(deps, input.trace_ids, input.backend)
      : streamTraceFilter(deps, input.filter ?? {}, input.filter?.limit ?? DEFAULT_LIMIT, input.backend);
    for await (const read of stream.reads) {
      if ('trace' in read)
        items.push({
          traceId: read.trace.traceId,
          result: compare(read.trace, { allDurations: true, errorOrigins: errorOriginsOf(read.trace) }),
        });
      else unavailable.push(read.unavailable);
    }
    const moreMayMatch = stream.capped();
    const summary = summarizeCollection(items, spec.spec);

    const failing = [...summary.traces].sort(
      (a, b) =>
        Number(!a.exercised) - Number(!b.exercised) ||
        Number(a.matches) - Number(b.matches) ||
        a.score - b.score,
    );
    const counted = summary.trace_count - summary.not_exercising;
    const lead = [...sync.lines];
    const percent = (rate: number): string => `${Math.round(rate * 1000) / 10}%`;
    if (summary.trace_count === 0) {
      lead.push(
        `No traces to check against ${spec.name} v${spec.version}${unavailable.length ? ` (${unavailable.length} could not be read)` : ''}. Widen the filter (time_range, service_name) or check the ids with get_traces.`,
      );
    } else if (counted === 0) {
      lead.push(
        `None of the ${summary.trace_count} traces exercises an entry of ${spec.name} v${spec.version}: they are other flows (health checks, other endpoints), or the spec's names are not those the services send. compare_trace_to_spec on one shows the nearest names.`,
      );
    } else {
      lead.push(
        `${plural(counted, 'trace')} vs ${spec.name} v${spec.version}: ${summary.passed} passed, ${summary.failed} failed (pass rate ${percent(summary.pass_rate)}, mean score ${summary.mean_score}).`,
      );
      if (summary.not_exercising > 0)
        lead.push(
          `Not counted: ${plural(summary.not_exercising, 'more trace')} ${summary.not_exercising === 1 ? 'exercises' : 'exercise'} no entry of the spec (other flows, such as health checks).`,
        );
    }
    if (unavailable.length > 0)
      lead.push(`Not compared: ${plural(unavailable.length, 'trace')} could not be read.`);
    if (moreMayMatch)
      lead.push(
        'The filter limit was reached: more traces may match (raise filter.limit or narrow time_range).',
      );
    const exercised = summary.coverage.filter((entry) => entry.exercised_traces > 0).length;
    lead.push(
      `Coverage: ${exercised}/${summary.coverage.length} entries exercised${summary.unexercised.length ? `, ${summary.unexercised.length} never (unexercised)` : ''}.`,
    );
    const { traces: _traces, failures, coverage, durations, unexercised, ...totals } = summary;
    return {
      fields: {
        ...totals,
        spec_version: spec.version,
        more_traces_may_match: moreMayMatch,
        ...(sync.files ? { spec_files: sync.files } : {}),
      },
      lead,
      lists: [
        listSection({
          key: 'failures',
          heading: 'Failing entries:',
          rows: failures,
          weight: 3,
          line: (failure) =>
            `  ${failure.path}: failed in ${failure.failed_traces}/${counted} (${Object.entries(failure.kinds)
              .map(([kind, count]) => `${kind}×${count}`)
              .join(', ')}); e.g. ${failure.example}`,
        }),
        listSection({
          key: 'traces',
          heading: 'Traces (failing first):',
          rows: failing,
          weight: 2,
          line: (item) =>
            item.exercised
              ? `  ${item.matches ? '✓' : '✗'} ${item.trace_id} score ${item.score}${item.matches ? '' : `: ${item.first_violation ?? `${item.violations} violations`}`}`
              : `  – ${item.trace_id}: exercises no entry of the spec (not counted)`,
        }),
        listSection({
          key: 'unavailable',
          heading: 'Not compared:',
          rows: unavailable,
          line: (item) => `  ${item.trace_id}: ${item.error}`,
        }),
        listSection({
          key: 'unexercised',
          heading: 'Entries no trace exercised:',
          rows: unexercised,
          line: (path) => `  ${path}`,
        }),
        listSection({
          key: 'coverage',
          heading: 'Coverage per entry:',
          rows: coverage,
          line: (entry) =>
            `  ${entry.path}: in ${plural(entry.exercised_traces, 'trace')} (${percent(entry.rate)}), ${plural(entry.spans, 'span')}`,
        }),
        listSection({
          key: 'durations',
          heading: 'Durations per entry:',
          rows: durations,
          line: (duration) =>
            `  ${duration.path}: ${durationFigures(duration)} (${plural(duration.samples, 'span')})`,
        }),
      ],
      ...(summary.failed > 0
        ? { next: 'compare_trace_to_spec on a failing trace for evidence and fixes.' }
        : counted > 0
          ? {
              next: 'every trace that exercises the spec passes; tighten the spec with update_trace_spec if needed.',
            }
          : {}),
    };
  },
});

/**
 * Nearest-rank percentiles say something only past enough samples: with under 20 spans p95 is the
 * maximum, with under 100 so is p99. The text gives those it can tell apart; the structured answer
 * keeps all four.
 */
function durationFigures(duration: {
  samples: number;
  p50_ms: number;
  p95_ms: number;
  p99_ms: number;
  max_ms: number;
}): string {
  const figures = [`p50 ${duration.p50_ms} ms`];
  if (duration.samples >= 20) figures.push(`p95 ${duration.p95_ms} ms`);
  if (duration.samples >= 100) figures.push(`p99 ${duration.p99_ms} ms`);
  if (duration.samples > 1) figures.push(`max ${duration.max_ms} ms`);
  return figures.join(', ');
}
