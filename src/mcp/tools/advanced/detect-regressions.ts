import * as z from 'zod';
import {
  detectRegressions,
  formatDuration,
  type DurationEnvelope,
  type LatencyShift,
  type RegressionReport,
} from '../../../analysis/index.js';
import { invalidArgument } from '../../../model/errors.js';
import { normalizeDuration, type SpanSpec, type TraceSpec } from '../../../tracespec/index.js';
import { plural } from '../../../model/plural.js';
import { listSection, type ResponseDraft } from '../../response/response-draft.js';
import { cursorInput, responseFields } from '../../response/response-fields.js';
import { READ_ONLY, defineTool } from '../../tool-definition.js';
import type { ToolDeps } from '../../tool-deps.js';
import { backendInput, budgetInput, timeRangeInput, traceIdInput } from '../common-inputs.js';
import { specNameInput, specVersionInput, syncSpecFiles } from '../specs/spec-common.js';
import { pickIteration } from '../workflow/session-id-input.js';
import {
  loadTraceFilter,
  loadTraceIds,
  unavailableSchema,
  type LoadedTraces,
  type Unavailable,
} from '../load-traces.js';

const DEFAULT_LIMIT = 200;
/** 1,000 traces a side keep loading and ranking to a few seconds; a regression shows in far fewer. */
const MAX_TRACES = 1000;

const traceSetInput = z
  .object({
    trace_ids: z.array(traceIdInput).min(1).max(MAX_TRACES).optional().describe('Trace ids or prefixes'),
    run_id: z.string().min(1).optional().describe('An execute_and_capture run'),
    session_id: z.string().min(1).optional().describe("A session: its iteration's run"),
    iteration: z.number().int().min(1).optional().describe('Iteration (default latest)'),
    time_range: timeRangeInput.describe("A window: '2h', 'START..END', …"),
    service_name: z.string().min(1).optional().describe('Only traces with this service'),
    limit: z
      .number()
      .int()
      .min(1)
      .max(MAX_TRACES)
      .optional()
      .describe(`At most this many, newest first (default ${DEFAULT_LIMIT})`),
  })
  .describe('One of trace_ids, run_id, session_id (+ iteration) or time_range');

const sideStats = z.object({ n: z.number(), median_ms: z.number() });
const traceKind = z
  .string()
  .describe(
    'The kind of trace it was found in: root service: root operation (traces are compared kind by kind)',
  );
const destination = z
  .string()
  .optional()
  .describe('Where these calls went, when calls of this name go to several places');
const shiftSchema = z.object({
  service: z.string(),
  operation: z.string(),
  destination,
  direction: z.enum(['slower', 'faster']),
  baseline: sideStats,
  current: sideStats,
  shift_ms: z.number(),
  shift_ratio: z.number().describe('(current − baseline) / baseline median'),
  p_value: z.number().describe('Two-sided Mann–Whitney U'),
  example_trace_ids: z.array(z.string()),
  trace_kind: traceKind,
  explained_by: z
    .object({
      service: z.string(),
      operation: z.string(),
      destination,
      share: z.number(),
      count_change: z
        .object({ baseline: z.number(), current: z.number() })
        .optional()
        .describe('When the cause runs more or less often (spans per trace, medians), not slower'),
    })
    .optional()
    .describe(
      'The operation beneath whose shift accounts for share (≥ 0.8) of this one: the cause, shown in its stead',
    ),
});

const outputSchema = z.object({
  baseline: z.object({
    kind: z.enum(['traces', 'spec']),
    description: z.string(),
    trace_count: z.number(),
    capped: z.boolean(),
  }),
  current: z.object({ description: z.string(), trace_count: z.number(), capped: z.boolean() }),
  settings: z.object({
    alpha: z.number(),
    min_relative_shift: z.number(),
    min_absolute_shift_ms: z.number(),
    min_samples: z.number(),
  }),
  operations_compared: z.number(),
  trace_kinds: z
    .array(
      z.object({
        trace_kind: z.string().describe('root service: root operation'),
        baseline_traces: z.number(),
        current_traces: z.number(),
        error_traces: z.number().describe('For a kind on one side only: its traces with an error span'),
        compared_with: z
          .array(z.string())
          .optional()
          .describe(
            "For a kind on one side only: the other side's kinds with its operations, compared pooled",
          ),
      }),
    )
    .describe('Kinds of trace by root span; one with 0 traces on a side is compared only per compared_with'),
  regressions: z
    .array(shiftSchema)
    .describe('Significant slowdowns with at least the minimum effect, largest first'),
  improvements: z.array(shiftSchema),
  structural: z
    .array(
      z.object({
        kind: z.enum([
          'trace_kind_appeared',
          'trace_kind_disappeared',
          'operation_appeared',
          'operation_disappeared',
          'count_changed',
          'new_errors',
          'service_appeared',
          'service_disappeared',
        ]),
        service: z.string(),
        operation: z.string().optional(),
        destination,
        detail: z.string(),
        example_trace_ids: z.array(z.string()),
        trace_kind: traceKind,
      }),
    )
    .describe(
      'Kinds of trace, operations or services that appeared or disappeared, per-trace counts that changed, new error spans',
    ),
  envelope_breaches: z
    .array(
      z.object({
        path: z.string(),
        service: z.string(),
        operation: z.string(),
        destination,
        max_ms: z.number(),
        current: sideStats,
        example_trace_ids: z.array(z.string()),
      }),
    )
    .describe('With baseline_spec: operations whose current median exceeds the spec envelope'),
  not_judged: z
    .array(
      z.object({
        service: z.string(),
        operation: z.string(),
        destination,
        baseline_n: z.number(),
        current_n: z.number(),
        baseline_median_ms: z.number(),
        current_median_ms: z.number(),
        past_minimum_shift: z.boolean().describe('The medians moved by the minimum shift (untested)'),
        example_trace_ids: z.array(z.string()).describe('Current traces, slowest first'),
        baseline_trace_ids: z.array(z.string()),
        trace_kind: traceKind,
      }),
    )
    .describe('Too few spans on a side to test; largest raw shift first'),
  unavailable: unavailableSchema,
  ...responseFields,
});

type TraceSetInput = z.infer<typeof traceSetInput>;

export const detectRegressionsTool = defineTool({
  name: 'detect_regressions',
  title: 'Detect regressions between a baseline and current traces',
  description:
    "Current traces against a baseline (a trace set, or a spec's duration maxima), per operation of each root operation: latency shifts (Mann–Whitney U, minimum effect) and structural changes, with medians, n, p and examples. Two traces: diff_traces; days of latency: analyze_performance_trends.",
  toolset: 'advanced',
  input: z.object({
    baseline: traceSetInput.optional().describe('Known-good traces'),
    baseline_spec: specNameInput
      .optional()
      .describe("Or a spec: a median over an entry's expected_duration_ms max is a regression"),
    baseline_spec_version: specVersionInput,
    current_traces: traceSetInput.optional().describe('The traces to judge'),
    alpha: z.number().gt(0).lt(0.5).optional().describe('Significance level (default 0.01)'),
    min_relative_shift: z
      .number()
      .min(0)
      .max(10)
      .optional()
      .describe('Minimum median shift, as a fraction (default 0.1)'),
    min_absolute_shift_ms: z.number().min(0).optional().describe('Minimum median shift in ms (default 1)'),
    min_samples: z.number().int().min(3).max(1000).optional().describe('Spans needed per side (default 8)'),
    backend: backendInput,
    budget_tokens: budgetInput,
    cursor: cursorInput,
  }),
  output: outputSchema,
  annotations: READ_ONLY,
  async handler(input, { deps }) {
    const currentInput = input.current_traces;
    if (!currentInput)
      throw invalidArgument(
        'no current traces given',
        "pass current_traces: {trace_ids: [...]}, {run_id: '...'}, {session_id: '...', iteration?: N} or {time_range: '1h'}",
      );
    if (!input.baseline && input.baseline_spec === undefined) {
      throw invalidArgument(
        'no baseline given',
        'pass baseline: {trace_ids | run_id | session_id (+ iteration) | time_range} of known-good traces, or baseline_spec: a spec name with duration envelopes',
      );
    }
    const settings = {
      alpha: input.alpha ?? 0.01,
      min_relative_shift: input.min_relative_shift ?? 0.1,
      min_absolute_shift_ms: input.min_absolute_shift_ms ?? 1,
      min_samples: input.min_samples ?? 8,
    };
    let envelopes: DurationEnvelope[] = [];
    let specLabel = '';
    if (input.baseline_spec !== undefined) {
      await syncSpecFiles(deps);
      const spec = deps.specs.get(input.baseline_spec, input.baseline_spec_version);
      envelopes = envelopesOf(spec.spec);
      specLabel = `spec ${spec.name} v${spec.version}`;
      if (envelopes.length === 0 && !input.baseline) {
        throw invalidArgument(
          `spec ${spec.name} v${spec.version} has no expected_duration_ms maximum to compare with`,
          'add expected_duration_ms to its entries (update_trace_spec), or pass baseline traces',
        );
      }
    }
    const baseline = input.baseline
      ? await loadSet(deps, input.baseline, 'baseline', input.backend)
      : undefined;
    const current = await loadSet(deps, currentInput, 'current_traces', input.backend);
    const overlap = baseline
      ? baseline.loaded.traces.filter((trace) =>
          current.loaded.traces.some((other) => other.traceId === trace.traceId),
        ).length
      : 0;

    const report: RegressionReport = detectRegressions(
      baseline?.loaded.traces ?? [],
      current.loaded.traces,
      {
        alpha: settings.alpha,
        minRelativeShift: settings.min_relative_shift,
        minAbsoluteShiftMs: settings.min_absolute_shift_ms,
        minSamples: settings.min_samples,
      },
      envelopes,
    );

    const unavailable: Unavailable[] = [
      ...(baseline?.loaded.unavailable ?? []),
      ...current.loaded.unavailable,
    ];
    const baselineDescription = [baseline?.description, specLabel].filter((part) => part).join(' + ');
    const fields: Fields = {
      baseline: {
        kind: baseline ? 'traces' : 'spec',
        description: baselineDescription,
        trace_count: report.baseline_traces,
        capped: baseline?.loaded.capped ?? false,
      },
      current: {
        description: current.description,
        trace_count: report.current_traces,
        capped: current.loaded.capped,
      },
      settings,
      operations_compared: report.operations_compared,
    };
    return draft(report, fields, unavailable, overlap);
  },
});

type Output = z.infer<typeof outputSchema>;
type Fields = Pick<Output, 'baseline' | 'current' | 'settings' | 'operations_compared'>;

async function loadSet(
  deps: ToolDeps,
  set: TraceSetInput,
  label: string,
  backend?: string,
): Promise<{ loaded: LoadedTraces; description: string }> {
  if (set.iteration !== undefined && set.session_id === undefined) {
    throw invalidArgument(
      `${label}: iteration needs session_id`,
      `${label}: {session_id: '...', iteration: ${set.iteration}}`,
    );
  }
  const kinds = [
    set.trace_ids !== undefined,
    set.run_id !== undefined,
    set.session_id !== undefined,
    set.time_range !== undefined,
  ].filter(Boolean).length;
  if (kinds !== 1 && !(kinds === 2 && set.run_id !== undefined && set.time_range !== undefined)) {
    throw invalidArgument(
      `${label}: pass exactly one of trace_ids, run_id, session_id or time_range`,
      `${label}: {trace_ids: [...]}, {run_id: '...'}, {session_id: '...', iteration?: N} or {time_range: '1h', service_name?: '...'}`,
    );
  }
  if (set.trace_ids)
    return {
      loaded: await loadTraceIds(deps, set.trace_ids, backend),
      description: `${set.trace_ids.length} trace ids`,
    };
  const limit = set.limit ?? DEFAULT_LIMIT;
  if (set.session_id !== undefined) {
    const run = iterationRun(deps, set.session_id, set.iteration, label);
    const loaded = await loadTraceFilter(
      deps,
      {
        run_id: run.runId,
        time_range: run.window,
        ...(set.service_name ? { service_name: set.service_name } : {}),
      },
      limit,
      backend,
    );
    return {
      loaded,
      description: [run.description, set.service_name ? `service ${set.service_name}` : '']
        .filter((part) => part)
        .join(', '),
    };
  }
  const loaded = await loadTraceFilter(deps, set, limit, backend);
  const parts = [
    set.run_id !== undefined ? `run ${set.run_id}` : '',
    set.time_range !== undefined ? `time range ${JSON.stringify(set.time_range)}` : '',
    set.service_name ? `service ${set.service_name}` : '',
  ];
  return { loaded, description: parts.filter((part) => part).join(', ') };
}

/**
 * A session iteration's run, searched in the window the run lasted (5 minutes more each side for
 * clock steps): an old iteration is found too, where run_id alone looks back only 7 days.
 */
const ITERATION_WINDOW_MARGIN_MS = 5 * 60_000;

function iterationRun(
  deps: ToolDeps,
  sessionId: string,
  wanted: number | undefined,
  label: string,
): { runId: string; window: { start: string; end: string }; description: string } {
  const { session, iteration } = pickIteration(deps, sessionId, wanted, label);
  return {
    runId: iteration.runId,
    window: {
      start: new Date(iteration.startedAtMs - ITERATION_WINDOW_MARGIN_MS).toISOString(),
      end: new Date(iteration.finishedAtMs + ITERATION_WINDOW_MARGIN_MS).toISOString(),
    },
    description: `session ${session.id} iteration ${iteration.number}${wanted === undefined ? ' (latest)' : ''}, run ${iteration.runId}`,
  };
}

/** Every entry with a finite duration maximum, by path. */
function envelopesOf(spec: TraceSpec): DurationEnvelope[] {
  const result: DurationEnvelope[] = [];
  const walk = (entries: readonly SpanSpec[], prefix: string): void => {
    for (const entry of entries) {
      const path = `${prefix}${prefix ? ' > ' : ''}${entry.operation_name}`;
      const range = normalizeDuration(entry.expected_duration_ms);
      if (range && Number.isFinite(range.max)) {
        result.push({
          path,
          operation: entry.operation_name,
          maxMs: range.max,
          ...(entry.service_name !== undefined ? { service: entry.service_name } : {}),
        });
      }
      walk(entry.children ?? [], path);
    }
  };
  walk(spec.expected_spans, '');
  return result;
}

/** `gateway:POST (→ notify-service)`, as diff_traces names a call kept apart by where it went. */
const operationText = (row: { service: string; operation: string; destination?: string }): string =>
  `${row.service}:${row.operation}${row.destination ? ` (→ ${row.destination})` : ''}`;

/** `20.2ms → 1.2s (n 1/1)`: the medians of an operation not judged, and how many spans each rests on. */
const rawShift = (item: {
  baseline_median_ms: number;
  current_median_ms: number;
  baseline_n: number;
  current_n: number;
}): string =>
  `${formatDuration(item.baseline_median_ms)} → ${formatDuration(item.current_median_ms)} (n ${item.baseline_n}/${item.current_n})`;

/**
 * What the operations slower only through another are slower through: the slower ones listed
 * (`above it, slower only through it`), or a change in how often an operation beneath runs.
 */
function throughWhat(regressions: readonly LatencyShift[], slower: number): string {
  const byCount = regressions.some((shift) => shift.explained_by?.count_change);
  const byLatency = regressions.some((shift) => shift.explained_by && !shift.explained_by.count_change);
  const it = slower === 1 ? 'it' : 'them';
  if (byLatency && !byCount) return `above ${it}, slower only through ${it}`;
  if (byCount && !byLatency)
    return 'slower only through an operation beneath that now runs more often (structural)';
  return `slower only through ${it} or through an operation beneath that now runs more often (structural)`;
}

/** Operations named per cause: the nearest few say where the time surfaced; the rest are in the rows. */
const MAX_EXPLAINED_NAMES = 3;

/**
 * `; explains the slowdown of 7 operations above it: …`: the shifts a cause accounts for, nearest
 * (largest relative shift) first, so its row stands for theirs.
 */
function explains(
  cause: { service: string; operation: string; destination?: string; trace_kind: string },
  rows: readonly LatencyShift[],
  what: string,
): string {
  const same = (a: { service: string; operation: string; destination?: string }, b: typeof a): boolean =>
    a.service === b.service && a.operation === b.operation && a.destination === b.destination;
  const above = rows.filter(
    (row) => row.explained_by && row.trace_kind === cause.trace_kind && same(row.explained_by, cause),
  );
  if (above.length === 0) return '';
  const names = above.slice(0, MAX_EXPLAINED_NAMES).map(operationText);
  const more = above.length - names.length;
  return `; explains the ${what} of ${plural(above.length, 'operation')} above it: ${names.join(', ')}${more > 0 ? ` and ${more} more (rows with explained_by)` : ''}`;
}

const percent = (ratio: number): string => `${ratio >= 0 ? '+' : ''}${Math.round(ratio * 1000) / 10}%`;

/** The verdict and what it rests on lead; every finding is a list row, regressions first. */
function draft(
  report: RegressionReport,
  out: Fields,
  unavailable: Unavailable[],
  overlap: number,
): ResponseDraft<Fields> {
  const lead: string[] = [];
  const kinds = report.trace_kinds;
  const shared = kinds.filter((kind) => kind.baseline_traces > 0 && kind.current_traces > 0);
  // Kinds on one side only that were compared with the other side's kinds of the same operations,
  // one group per set of current kinds (a group's current kinds all name the same baseline kinds).
  const groups = new Map<string, { baseline: string[]; current: string[] }>();
  for (const kind of kinds)
    if (kind.compared_with && kind.baseline_traces === 0) {
      const key = kind.compared_with.join('\u0000');
      const group = groups.get(key) ?? { baseline: kind.compared_with, current: [] };
      group.current.push(kind.trace_kind);
      groups.set(key, group);
    }
  const uncompared = kinds.filter(
    (kind) => (kind.baseline_traces === 0 || kind.current_traces === 0) && !kind.compared_with,
  );
  const onlyIn = (side: 'baseline' | 'current'): string => {
    const other = side === 'baseline' ? 'current_traces' : 'baseline_traces';
    const own = side === 'baseline' ? 'baseline_traces' : 'current_traces';
    const alone = uncompared.filter((kind) => kind[other] === 0);
    const traces = alone.reduce((sum, kind) => sum + kind[own], 0);
    return alone.length === 0
      ? ''
      : `${plural(alone.length, 'kind')} only in ${side} (${plural(traces, 'trace')})`;
  };
  const places = [
    ...(shared.length > 0 || groups.size === 0
      ? [`${plural(shared.length, 'kind')} of trace (root service: operation) found on both sides`]
      : []),
    ...(groups.size > 0
      ? [`${plural(groups.size, 'group')} of kinds on one side only that share their operations`]
      : []),
  ];
  const where = kinds.length === 0 ? '' : ` in ${places.join(' and ')}`;
  lead.push(
    `Baseline: ${out.baseline.description} (${report.baseline_traces} traces${out.baseline.capped ? ', limit reached' : ''}); current: ${out.current.description} (${report.current_traces} traces${out.current.capped ? ', limit reached' : ''}). ${report.operations_compared} operations compared${where} (alpha ${out.settings.alpha}, minimum shift ${out.settings.min_relative_shift * 100}% and ${out.settings.min_absolute_shift_ms} ms).`,
  );
  if (groups.size > 0)
    lead.push(
      `Compared pooled, since no kind matched but their operations did (a root renamed, or lost in a crash): ${[
        ...groups.values(),
      ]
        .map(
          (group) => `${group.baseline.join(' + ')} (baseline) with ${group.current.join(' + ')} (current)`,
        )
        .join('; ')}.`,
    );
  const alone = [onlyIn('baseline'), onlyIn('current')].filter((part) => part);
  const nothingCompared = kinds.length > 0 && shared.length === 0 && groups.size === 0;
  if (nothingCompared)
    lead.push(
      'The two sets share no kind of trace, so nothing was compared: name two sets of the same workload (two runs of the same command, say).',
    );
  else if (alone.length > 0)
    lead.push(
      `Not compared: ${alone.join(', ')}; a kind is compared only with the same kind${groups.size > 0 ? ', or one with its operations' : ''}.`,
    );
  if (report.current_traces === 0)
    lead.push(
      'No current traces were found: widen the time range or check the run id / session iteration / trace ids.',
    );
  if (out.baseline.kind === 'traces' && report.baseline_traces === 0)
    lead.push('No baseline traces were found: widen its time range or check its run id / trace ids.');
  if (overlap > 0) lead.push(`Note: ${overlap} traces are in both sets, which hides differences.`);
  if (out.baseline.capped || out.current.capped)
    lead.push(
      'A trace limit was reached: only the newest traces were compared (raise limit or narrow the range).',
    );
  if (unavailable.length > 0) lead.push(`${unavailable.length} traces could not be read (unavailable).`);
  // With one kind compared every finding is of that kind; with several, each row says which.
  const inKind = (row: { trace_kind: string }): string =>
    shared.length + groups.size > 1 ? `[${row.trace_kind}] ` : '';
  // An operation that shifted only because one beneath it did is told as part of that one's row.
  const slower = report.regressions.filter((shift) => !shift.explained_by);
  const faster = report.improvements.filter((shift) => !shift.explained_by);
  const explainedSlower = report.regressions.length - slower.length;
  const total = slower.length + report.structural.length + report.envelope_breaches.length;
  const through = `${plural(explainedSlower, 'operation')} ${throughWhat(report.regressions, slower.length)}`;
  const slowerText =
    explainedSlower === 0
      ? `${slower.length} slower`
      : slower.length === 0
        ? through
        : `${slower.length} slower (and ${through})`;
  const unseen = uncompared.reduce((sum, kind) => sum + kind.baseline_traces + kind.current_traces, 0);
  // Operations with too few spans to test are no evidence of "no regression": one run against
  // another (1 span a side) must not read as a clean bill while payment.process went 20 ms → 1.2 s.
  const unjudged = report.not_judged.length;
  const judged = report.operations_compared - unjudged;
  const tooFew = `too few spans (fewer than ${out.settings.min_samples} on a side)`;
  const unseenNote =
    unseen > 0
      ? `; ${plural(unseen, 'trace')} of a kind on one side only ${unseen === 1 ? 'was' : 'were'} not compared`
      : '';
  lead.push(
    total > 0
      ? `${plural(total, 'finding')}: ${slowerText}, ${report.envelope_breaches.length} over envelope, ${report.structural.length} structural.${unjudged > 0 ? ` Latency of ${plural(unjudged, 'operation')} not judged: ${tooFew}.` : ''}`
      : nothingCompared
        ? 'No verdict: no trace was compared.'
        : unjudged > 0 && judged === 0
          ? `No verdict on latency, not judged: ${tooFew} for all ${plural(unjudged, 'operation')}; no structural change found${unseenNote}.`
          : unjudged > 0
            ? `No regression found in the ${plural(judged, 'operation')} judged; ${unjudged} not judged: ${tooFew}${unseenNote}.`
            : unseen > 0
              ? `No regression found in the traces compared${unseenNote}.`
              : 'No regression found.',
  );
  const shifted = report.not_judged.filter((item) => item.past_minimum_shift);
  if (shifted.length > 0)
    lead.push(
      `Largest raw shifts, not judged: ${shifted
        .slice(0, 3)
        .map((item) => `${inKind(item)}${operationText(item)} ${rawShift(item)}`)
        .join('; ')}${shifted.length > 3 ? `; ${shifted.length - 3} more under not_judged` : ''}.`,
    );
  else if (unjudged > 0)
    lead.push(
      `None of the operations not judged moved by the minimum shift (${out.settings.min_relative_shift * 100}% and ${out.settings.min_absolute_shift_ms} ms).`,
    );
  if (faster.length > 0)
    lead.push(
      `${plural(faster.length, 'operation')} got faster${faster.length < report.improvements.length ? ` (and ${report.improvements.length - faster.length} above, only through ${faster.length === 1 ? 'it' : 'them'})` : ''}.`,
    );
  const example =
    slower[0]?.example_trace_ids[0] ??
    report.structural[0]?.example_trace_ids[0] ??
    report.envelope_breaches[0]?.example_trace_ids[0];
  const hint = shifted[0];
  const pair =
    hint?.baseline_trace_ids[0] && hint.example_trace_ids[0]
      ? ` Meanwhile diff_traces trace_id_a=${hint.baseline_trace_ids[0]} trace_id_b=${hint.example_trace_ids[0]} shows where the time went in one pair.`
      : '';
  const getVerdict = `for a verdict, get at least ${out.settings.min_samples} spans a side: repeat the run (execute_and_capture repeat: ${out.settings.min_samples}, for baseline and current alike) or compare a wider time_range.`;
  return {
    fields: out,
    lead,
    lists: [
      listSection({
        key: 'trace_kinds',
        heading: 'Kinds of trace (baseline / current traces):',
        rows: kinds,
        line: (kind) => {
          const side = kind.baseline_traces === 0 ? 'current' : kind.current_traces === 0 ? 'baseline' : '';
          const errors = side && kind.error_traces > 0 ? `, ${kind.error_traces} with errors` : '';
          const compared = kind.compared_with
            ? `compared with ${kind.compared_with.join(' + ')}`
            : 'not compared';
          return `  ${kind.trace_kind}: ${kind.baseline_traces} / ${kind.current_traces}${side ? ` (only in ${side}, ${compared}${errors})` : ''}`;
        },
      }),
      listSection({
        key: 'regressions',
        heading: 'Slower:',
        rows: report.regressions,
        inText: (shift) => !shift.explained_by,
        line: (shift) =>
          `  ${inKind(shift)}${operationText(shift)}: median ${shift.baseline.median_ms} → ${shift.current.median_ms} ms (${percent(shift.shift_ratio)}, n ${shift.baseline.n}/${shift.current.n}, p ${shift.p_value}); e.g. ${shift.example_trace_ids[0] ?? ''}${explains(shift, report.regressions, 'slowdown')}`,
        weight: 3,
      }),
      listSection({
        key: 'envelope_breaches',
        heading: 'Over the spec envelope:',
        rows: report.envelope_breaches,
        line: (breach) =>
          `  ${breach.path} (${breach.service}${breach.destination ? ` → ${breach.destination}` : ''}): median ${breach.current.median_ms} ms > max ${breach.max_ms} ms (n ${breach.current.n}); e.g. ${breach.example_trace_ids[0] ?? ''}`,
        weight: 2,
      }),
      listSection({
        key: 'structural',
        heading: 'Structural changes:',
        rows: report.structural,
        line: (change) => {
          // A kind's own finding names the kind; the others name an operation within it.
          const ofKind = change.kind === 'trace_kind_appeared' || change.kind === 'trace_kind_disappeared';
          const what = ofKind
            ? change.trace_kind
            : change.operation
              ? operationText({ ...change, operation: change.operation })
              : change.service;
          const above =
            change.kind === 'count_changed' && change.operation
              ? explains({ ...change, operation: change.operation }, report.regressions, 'slowdown') ||
                explains({ ...change, operation: change.operation }, report.improvements, 'speed-up')
              : '';
          return `  ${ofKind ? '' : inKind(change)}${change.kind.replaceAll('_', ' ')} ${what}: ${change.detail}${change.example_trace_ids[0] ? `; e.g. ${change.example_trace_ids[0]}` : ''}${above}`;
        },
        weight: 3,
      }),
      listSection({
        key: 'improvements',
        heading: 'Faster:',
        rows: report.improvements,
        inText: (shift) => !shift.explained_by,
        line: (shift) =>
          `  ${inKind(shift)}${operationText(shift)}: median ${shift.baseline.median_ms} → ${shift.current.median_ms} ms (${percent(shift.shift_ratio)}, p ${shift.p_value})${explains(shift, report.improvements, 'speed-up')}`,
      }),
      listSection({
        key: 'not_judged',
        heading: `Not judged (fewer than ${out.settings.min_samples} spans on a side):`,
        rows: report.not_judged,
        line: (item) =>
          `  ${inKind(item)}${operationText(item)}: ${rawShift(item)}${item.past_minimum_shift ? '' : ', within the minimum shift'}`,
      }),
      listSection({
        key: 'unavailable',
        heading: 'Not read:',
        rows: unavailable,
        line: (item) => `  ${item.trace_id}: ${item.error}`,
      }),
    ],
    next: example
      ? `analyze_trace trace_id=${example} (or diff_traces against a baseline trace) to see where the change is.${shifted.length > 0 ? ` Then, ${getVerdict}` : ''}`
      : nothingCompared
        ? 'call again with a baseline and current traces of the same kind (same root operation).'
        : unjudged > 0
          ? `${getVerdict}${pair}`
          : 'nothing to chase; widen the sets (more traces) if a suspected change did not show.',
  };
}
