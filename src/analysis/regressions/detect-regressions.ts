/**
 * Regressions between a baseline set of traces and a current one, per operation
 * (service + span name; calls of one name to different places apart, see `splitOperations`): a latency shift counts when the Mann–Whitney U test finds it significant
 * AND the medians moved by a minimum effect (10% and 1 ms by default), so a large sample cannot
 * turn a trivial shift into a finding; structural changes (operations or services that appeared
 * or disappeared, per-trace counts that changed, new error spans) carry the traces that show them.
 * A baseline may also be a set of duration envelopes (a spec): a current median above its maximum
 * is a regression.
 *
 * Like is compared with like: traces are grouped by their kind (root service and operation), and
 * each kind is compared with the same kind on the other side. A readiness probe's one-span
 * `GET /health` trace would otherwise count as a trace without any of the request's operations,
 * and a mix of endpoints that shifted between the sets would read as per-trace counts that changed.
 * A kind seen on one side only is compared, pooled, with the other side's one-sided kinds that
 * share its operations (`sameOperations`): a root that was renamed, or lost when the service that
 * starts the trace crashed (`api: SELECT orders (root not received)` for `api: GET /orders`), must
 * not hide the slower query and the failing call beneath it. Such a kind, a current kind whose
 * root never arrived and a current kind with failed traces are structural findings themselves;
 * other one-sided kinds (a probe, an endpoint called in one set only) are listed, not compared.
 */
import {
  buildSpanTree,
  callDestination,
  destinationName,
  durationMs,
  primaryTop,
  type Span,
  type SpanNode,
  type Trace,
} from '../../model/index.js';
import { mannWhitneyU, median } from './mann-whitney.js';

export interface RegressionOptions {
  /** Significance level of the two-sided test (default 0.01: many operations are tested at once). */
  alpha?: number;
  /** Minimum relative shift of the median (default 0.1 = 10%). */
  minRelativeShift?: number;
  /** Minimum absolute shift of the median in ms (default 1). */
  minAbsoluteShiftMs?: number;
  /** Fewer samples than this on either side: not judged (default 8, where the normal approximation holds). */
  minSamples?: number;
  /** Example trace ids per finding (default 3). */
  maxExamples?: number;
}

export interface DurationEnvelope {
  /** Spec entry path, for the evidence. */
  path: string;
  service?: string;
  operation: string;
  maxMs: number;
}

export interface SideStats {
  n: number;
  median_ms: number;
}

/** Which kind of trace a finding was seen in, as `root service: root operation`. */
interface OfKind {
  trace_kind: string;
}

/**
 * Where an operation's calls went, when calls of its name went to several places within a trace:
 * the service called, else host:port (`notify-service`). Absent otherwise.
 */
interface ToDestination {
  destination?: string;
}

export interface LatencyShift extends OfKind, ToDestination {
  service: string;
  operation: string;
  direction: 'slower' | 'faster';
  baseline: SideStats;
  current: SideStats;
  shift_ms: number;
  /** (current − baseline) / baseline median. */
  shift_ratio: number;
  p_value: number;
  /** Current traces with the slowest spans of the operation. */
  example_trace_ids: string[];
  /**
   * For an operation that shifted only because an operation beneath it did (the `POST /checkout`
   * above a slower `payment.process`): that operation, the cause. Absent on a cause itself.
   */
  explained_by?: ExplainedBy;
}

/** The operation beneath another whose shift accounts for most of the other's (`EXPLAINED_SHARE`). */
export interface ExplainedBy extends ToDestination {
  service: string;
  operation: string;
  /**
   * The part of the explained operation's median shift that the cause's accounts for: the cause's
   * shift times its spans beneath one span of the explained operation (median over those spans),
   * or for a count change the time its added (or removed) spans take.
   */
  share: number;
  /**
   * Present when the cause is how often the operation beneath runs, not how long it takes (an N+1
   * loop: 1 → 5 queries a request): its spans per trace, baseline and current medians.
   */
  count_change?: { baseline: number; current: number };
}

export type StructuralKind =
  | 'trace_kind_appeared'
  | 'trace_kind_disappeared'
  | 'operation_appeared'
  | 'operation_disappeared'
  | 'count_changed'
  | 'new_errors'
  | 'service_appeared'
  | 'service_disappeared';

export interface StructuralChange extends OfKind, ToDestination {
  kind: StructuralKind;
  service: string;
  operation?: string;
  detail: string;
  example_trace_ids: string[];
}

export interface EnvelopeBreach extends ToDestination {
  path: string;
  service: string;
  operation: string;
  max_ms: number;
  current: SideStats;
  example_trace_ids: string[];
}

/**
 * An operation with too few spans on a side to test, with its raw medians: one run against another
 * (1 span a side) cannot be tested, but a 60× slowdown must still be seen and not read as nothing.
 */
export interface NotJudged extends OfKind, ToDestination {
  service: string;
  operation: string;
  baseline_n: number;
  current_n: number;
  baseline_median_ms: number;
  current_median_ms: number;
  /** The medians moved by at least the minimum effect (untested: a hint, not a finding). */
  past_minimum_shift: boolean;
  /** Current traces with the slowest spans of the operation. */
  example_trace_ids: string[];
  /** Baseline traces of the operation, to diff with the current ones. */
  baseline_trace_ids: string[];
}

/**
 * One kind of trace and how many traces of it each side holds; a kind with 0 on a side was
 * compared only when `compared_with` names the other side's kinds it was pooled with.
 */
export interface TraceKindCount extends OfKind {
  baseline_traces: number;
  current_traces: number;
  /** Traces of this kind with an error span, on the side that has them (for a kind seen on one side only). */
  error_traces: number;
  /** For a kind on one side only: the other side's kinds that share its operations, compared with it pooled. */
  compared_with?: string[];
}

export interface RegressionReport {
  baseline_traces: number;
  current_traces: number;
  /**
   * The kinds of trace on either side, most traces first; empty when a side has no traces (a
   * spec's envelopes apply to every current trace).
   */
  trace_kinds: TraceKindCount[];
  /** Significant slowdowns with the minimum effect, largest relative shift first. */
  regressions: LatencyShift[];
  /** Significant speed-ups with the minimum effect. */
  improvements: LatencyShift[];
  structural: StructuralChange[];
  envelope_breaches: EnvelopeBreach[];
  /**
   * Operations seen on both sides with too few samples to test: those past the minimum shift
   * first, largest shift (either way, as a factor) first.
   */
  not_judged: NotJudged[];
  operations_compared: number;
}

interface OperationSamples {
  service: string;
  operation: string;
  /** '' unless the operation's calls are kept apart by destination. */
  destination: string;
  durations: number[];
  /** Trace id per duration. */
  traceIds: string[];
  /** Spans per trace, by trace index; absent means 0. */
  perTrace: Map<number, number>;
  /** Trace id by trace index, for the traces that have the operation. */
  traceIdAt: Map<number, string>;
  errorTraces: string[];
  errorSpans: number;
}

const nameKey = (span: Span): string => `${span.serviceName}\u0000${span.name}`;

/**
 * The operations (service + span name) whose calls go to more than one place within some trace: a
 * gateway's `POST` to loans-service and its `POST` to notify-service are two operations, so a
 * slowdown of one is not diluted by the other. Only these are split: an operation with one
 * destination a trace keeps one key even when a local run moved its port.
 */
function splitOperations(traces: readonly Trace[]): Set<string> {
  const split = new Set<string>();
  for (const trace of traces) {
    const seen = new Map<string, string>();
    for (const span of trace.spans) {
      const key = nameKey(span);
      if (split.has(key)) continue;
      const destination = callDestination(span);
      const before = seen.get(key);
      if (before === undefined) seen.set(key, destination);
      else if (before !== destination) split.add(key);
    }
  }
  return split;
}

/**
 * The destination name of every span of a split operation in one trace: calls to one destination
 * are named together (`destinationName`), so an N+1 loop's calls share one name.
 */
function destinationsOf(trace: Trace, split: ReadonlySet<string>): Map<Span, string> {
  const names = new Map<Span, string>();
  if (split.size === 0) return names;
  const children = new Map<string, Span[]>();
  for (const span of trace.spans) {
    if (span.parentSpanId === undefined) continue;
    const list = children.get(span.parentSpanId);
    if (list) list.push(span);
    else children.set(span.parentSpanId, [span]);
  }
  const calls = new Map<string, { destination: string; spans: Span[] }>();
  for (const span of trace.spans) {
    if (!split.has(nameKey(span))) continue;
    const destination = callDestination(span);
    const key = `${nameKey(span)}\u0000${destination}`;
    const group = calls.get(key) ?? { destination, spans: [] };
    group.spans.push(span);
    calls.set(key, group);
  }
  for (const { destination, spans } of calls.values()) {
    const name = destinationName(
      destination,
      spans.map((span) => ({ span, children: children.get(span.spanId) ?? [] })),
    );
    for (const span of spans) names.set(span, name);
  }
  return names;
}

/** An operation's key: service and span name, and the destination name of a split operation's call. */
function operationKey(span: Span, destinations: ReadonlyMap<Span, string>): string {
  return `${nameKey(span)}\u0000${destinations.get(span) ?? ''}`;
}

function collect(traces: readonly Trace[], split: ReadonlySet<string>): Map<string, OperationSamples> {
  const operations = new Map<string, OperationSamples>();
  traces.forEach((trace, traceIndex) => {
    const destinations = destinationsOf(trace, split);
    for (const span of trace.spans) {
      const destination = destinations.get(span) ?? '';
      const key = operationKey(span, destinations);
      let samples = operations.get(key);
      if (!samples) {
        samples = {
          service: span.serviceName,
          operation: span.name,
          destination,
          durations: [],
          traceIds: [],
          perTrace: new Map(),
          traceIdAt: new Map(),
          errorTraces: [],
          errorSpans: 0,
        };
        operations.set(key, samples);
      }
      samples.durations.push(durationMs(span));
      samples.traceIds.push(trace.traceId);
      samples.perTrace.set(traceIndex, (samples.perTrace.get(traceIndex) ?? 0) + 1);
      samples.traceIdAt.set(traceIndex, trace.traceId);
      if (span.status.code === 'error') {
        samples.errorSpans += 1;
        if (samples.errorTraces.at(-1) !== trace.traceId) samples.errorTraces.push(trace.traceId);
      }
    }
  });
  return operations;
}

/** A finding's operation: service and name, and where its calls went when that is kept apart. */
function operationOf(samples: OperationSamples): Pick<LatencyShift, 'service' | 'operation' | 'destination'> {
  return {
    service: samples.service,
    operation: samples.operation,
    ...(samples.destination !== '' ? { destination: samples.destination } : {}),
  };
}

function slowestTraces(samples: OperationSamples, limit: number): string[] {
  const order = samples.durations
    .map((_, index) => index)
    .sort((a, b) => (samples.durations[b] as number) - (samples.durations[a] as number));
  const ids: string[] = [];
  for (const index of order) {
    const id = samples.traceIds[index] as string;
    if (!ids.includes(id)) ids.push(id);
    if (ids.length >= limit) break;
  }
  return ids;
}

function countsPerTrace(samples: OperationSamples, traceCount: number): number[] {
  return Array.from({ length: traceCount }, (_, index) => samples.perTrace.get(index) ?? 0);
}

const round = (value: number): number => Math.round(value * 1000) / 1000;

/**
 * The kind of a trace: its root span's service and name. A trace whose root never arrived is named
 * by its longest fragment and marked, so it is not pooled with complete traces of that operation.
 */
export function traceKindOf(trace: Trace): string {
  return kindOf(trace).kind;
}

interface KindOfTrace {
  kind: string;
  service: string;
  operation: string;
  rootless: boolean;
}

function kindOf(trace: Trace): KindOfTrace {
  const tree = buildSpanTree(trace);
  const top = primaryTop(tree);
  if (top === undefined) return { kind: '(no spans)', service: '', operation: '', rootless: false };
  const kind = `${top.span.serviceName}: ${top.span.name}`;
  const rootless = tree.roots.length === 0;
  return {
    kind: rootless ? `${kind} (root not received)` : kind,
    service: top.span.serviceName,
    operation: top.span.name,
    rootless,
  };
}

/** The traces of one kind on each side, and the top span that names it. */
interface KindSets extends KindOfTrace {
  baseline: Trace[];
  current: Trace[];
}

/**
 * The operations beneath a kind's root (service and name): for a kind whose root never arrived,
 * every operation, since its top is a fragment's. A one-span probe has none, so it is never
 * taken for a request.
 */
function bodyOf(sets: KindSets): Set<string> {
  const body = new Set<string>();
  for (const trace of [...sets.baseline, ...sets.current])
    for (const span of trace.spans)
      if (sets.rootless || span.serviceName !== sets.service || span.name !== sets.operation)
        body.add(`${span.serviceName}\u0000${span.name}`);
  return body;
}

/**
 * Whether two kinds do the same work under another root: more than half the operations of the
 * smaller body are in the other. A crash leaves a subset (the spans exported before it), a
 * renamed root the same set; two endpoints that share one middleware span are not alike.
 */
function sameOperations(a: Set<string>, b: Set<string>): boolean {
  if (a.size === 0 || b.size === 0) return false;
  let shared = 0;
  for (const operation of a) if (b.has(operation)) shared += 1;
  return shared * 2 > Math.min(a.size, b.size);
}

/** Kinds seen on one side only, grouped with the other side's that share their operations. */
function pairOneSided(kinds: readonly KindSets[]): { baseline: KindSets[]; current: KindSets[] }[] {
  const before = kinds.filter((sets) => sets.current.length === 0);
  const after = kinds.filter((sets) => sets.baseline.length === 0);
  const bodies = new Map([...before, ...after].map((sets) => [sets, bodyOf(sets)]));
  // Connected groups: a crash may split one kind into several fragments, each like the original.
  const group = new Map<KindSets, number>();
  const groups: { baseline: KindSets[]; current: KindSets[] }[] = [];
  const join = (a: KindSets, b: KindSets): void => {
    const ga = group.get(a);
    const gb = group.get(b);
    if (ga === undefined && gb === undefined) {
      group.set(a, groups.length).set(b, groups.length);
      groups.push({ baseline: [a], current: [b] });
    } else if (ga === undefined) {
      group.set(a, gb as number);
      (groups[gb as number] as (typeof groups)[number]).baseline.push(a);
    } else if (gb === undefined) {
      group.set(b, ga);
      (groups[ga] as (typeof groups)[number]).current.push(b);
    } else if (ga !== gb) {
      const from = groups[gb] as (typeof groups)[number];
      const into = groups[ga] as (typeof groups)[number];
      for (const sets of [...from.baseline, ...from.current]) group.set(sets, ga);
      into.baseline.push(...from.baseline);
      into.current.push(...from.current);
      from.baseline = [];
      from.current = [];
    }
  };
  for (const a of before)
    for (const b of after)
      if (sameOperations(bodies.get(a) as Set<string>, bodies.get(b) as Set<string>)) join(a, b);
  return groups.filter((found) => found.baseline.length > 0);
}

const withErrors = (traces: readonly Trace[]): Trace[] =>
  traces.filter((trace) => trace.spans.some((span) => span.status.code === 'error'));

interface Limits {
  alpha: number;
  minRelative: number;
  minAbsolute: number;
  minSamples: number;
  examples: number;
}

export function detectRegressions(
  baseline: readonly Trace[],
  current: readonly Trace[],
  options: RegressionOptions = {},
  envelopes: readonly DurationEnvelope[] = [],
): RegressionReport {
  const limits: Limits = {
    alpha: options.alpha ?? 0.01,
    minRelative: options.minRelativeShift ?? 0.1,
    minAbsolute: options.minAbsoluteShiftMs ?? 1,
    minSamples: options.minSamples ?? 8,
    examples: options.maxExamples ?? 3,
  };
  const report: RegressionReport = {
    baseline_traces: baseline.length,
    current_traces: current.length,
    trace_kinds: [],
    regressions: [],
    improvements: [],
    structural: [],
    envelope_breaches: [],
    not_judged: [],
    operations_compared: 0,
  };

  if (baseline.length > 0 && current.length > 0) {
    const kinds = new Map<string, KindSets>();
    const add = (trace: Trace, side: 'baseline' | 'current'): void => {
      const found = kindOf(trace);
      const sets = kinds.get(found.kind) ?? { ...found, baseline: [], current: [] };
      sets[side].push(trace);
      kinds.set(found.kind, sets);
    };
    for (const trace of baseline) add(trace, 'baseline');
    for (const trace of current) add(trace, 'current');
    const ordered = [...kinds.values()].sort(
      (a, b) =>
        b.baseline.length + b.current.length - (a.baseline.length + a.current.length) ||
        b.current.length - a.current.length,
    );
    const groups = pairOneSided(ordered);
    const comparedWith = new Map<KindSets, string[]>();
    for (const found of groups) {
      const [before, after] = [found.baseline, found.current].map((side) => side.map((sets) => sets.kind));
      for (const sets of found.baseline) comparedWith.set(sets, after as string[]);
      for (const sets of found.current) comparedWith.set(sets, before as string[]);
    }
    for (const sets of ordered) {
      const oneSided =
        sets.baseline.length === 0 ? sets.current : sets.current.length === 0 ? sets.baseline : [];
      const others = comparedWith.get(sets);
      report.trace_kinds.push({
        trace_kind: sets.kind,
        baseline_traces: sets.baseline.length,
        current_traces: sets.current.length,
        error_traces: withErrors(oneSided).length,
        ...(others ? { compared_with: others } : {}),
      });
      kindFinding(sets, others, report, limits.examples);
    }
    for (const sets of ordered)
      if (sets.baseline.length > 0 && sets.current.length > 0)
        compareKind(sets.kind, sets.baseline, sets.current, report, limits);
    for (const found of groups) {
      const from = report.structural.length;
      compareKind(
        `${found.baseline.map((sets) => sets.kind).join(' + ')} → ${found.current.map((sets) => sets.kind).join(' + ')}`,
        found.baseline.flatMap((sets) => sets.baseline),
        found.current.flatMap((sets) => sets.current),
        report,
        limits,
      );
      // The root that was renamed or lost is already the kind's own finding.
      const roots = new Set(
        [...found.baseline, ...found.current]
          .filter((sets) => !sets.rootless)
          .map((sets) => `${sets.service}\u0000${sets.operation}`),
      );
      const added = report.structural.splice(from);
      report.structural.push(
        ...added.filter(
          (change) =>
            !(change.kind === 'operation_appeared' || change.kind === 'operation_disappeared') ||
            !roots.has(`${change.service}\u0000${change.operation ?? ''}`),
        ),
      );
    }
  }

  const after = collect(current, splitOperations(current));
  for (const envelope of envelopes) {
    const matching = [...after.values()].filter(
      (samples) =>
        samples.operation === envelope.operation &&
        (envelope.service === undefined || samples.service === envelope.service),
    );
    for (const samples of matching) {
      const currentMedian = median(samples.durations);
      if (currentMedian > envelope.maxMs) {
        report.envelope_breaches.push({
          path: envelope.path,
          ...operationOf(samples),
          max_ms: envelope.maxMs,
          current: { n: samples.durations.length, median_ms: round(currentMedian) },
          example_trace_ids: slowestTraces(samples, limits.examples),
        });
      }
    }
  }

  report.not_judged.sort(
    (a, b) => Number(b.past_minimum_shift) - Number(a.past_minimum_shift) || factor(b) - factor(a),
  );
  report.regressions.sort((a, b) => b.shift_ratio - a.shift_ratio);
  report.improvements.sort((a, b) => a.shift_ratio - b.shift_ratio);
  return report;
}

/**
 * A kind on one side only as a structural finding: one compared with the other side's kinds of the
 * same operations (its root was renamed or lost), and on the current side one whose root never
 * arrived or whose traces failed. A one-sided kind without either (a probe, an endpoint called in
 * one set only) is listed in `trace_kinds`, not a finding.
 */
function kindFinding(
  sets: KindSets,
  comparedWith: string[] | undefined,
  report: RegressionReport,
  examples: number,
): void {
  const appeared = sets.baseline.length === 0;
  if (!appeared && sets.current.length > 0) return;
  const traces = appeared ? sets.current : sets.baseline;
  const failed = appeared ? withErrors(traces) : [];
  if (comparedWith === undefined && !(appeared && (sets.rootless || failed.length > 0))) return;
  const side = appeared ? 'current' : 'baseline';
  const parts = [
    `${traces.length} ${side} trace${traces.length === 1 ? '' : 's'}, none in ${appeared ? 'baseline' : 'current'}`,
  ];
  if (appeared && sets.rootless)
    parts.push(
      `the span that starts ${traces.length === 1 ? 'it' : 'them'} never arrived: its service crashed or did not export it`,
    );
  if (failed.length > 0) parts.push(`${failed.length} with error spans`);
  if (comparedWith) parts.push(`compared with ${comparedWith.join(' + ')}, which shares its operations`);
  report.structural.push({
    kind: appeared ? 'trace_kind_appeared' : 'trace_kind_disappeared',
    service: sets.service,
    operation: sets.operation,
    detail: parts.join('; '),
    example_trace_ids: [...new Set([...failed, ...traces].map((trace) => trace.traceId))].slice(0, examples),
    trace_kind: sets.kind,
  });
}

/** One kind of trace present on both sides: its operations compared, findings tagged with the kind. */
function compareKind(
  kind: string,
  baseline: readonly Trace[],
  current: readonly Trace[],
  report: RegressionReport,
  limits: Limits,
): void {
  const split = splitOperations([...baseline, ...current]);
  const before = collect(baseline, split);
  const after = collect(current, split);
  const examples = limits.examples;
  const shifts = new Map<string, LatencyShift>();
  const countShifts = new Map<string, CountShift>();
  for (const [key, now] of after) {
    const then = before.get(key);
    if (!then) {
      report.structural.push({
        kind: 'operation_appeared',
        ...operationOf(now),
        detail: `${now.durations.length} spans in ${now.perTrace.size} of ${current.length} current traces; none in ${baseline.length} baseline traces`,
        example_trace_ids: [...new Set(now.traceIds)].slice(0, examples),
        trace_kind: kind,
      });
      continue;
    }
    report.operations_compared += 1;
    const shift = judgeLatency(kind, then, now, report, limits);
    if (shift) shifts.set(key, shift);
    const counted = judgeCounts(kind, then, now, baseline.length, current.length, report, limits);
    if (counted) countShifts.set(key, counted);
    if (then.errorSpans === 0 && now.errorSpans > 0) {
      report.structural.push({
        kind: 'new_errors',
        ...operationOf(now),
        detail: `${now.errorSpans} error spans in ${now.errorTraces.length} of ${current.length} current traces; none in ${baseline.length} baseline traces`,
        example_trace_ids: now.errorTraces.slice(0, examples),
        trace_kind: kind,
      });
    }
  }
  for (const [key, then] of before) {
    if (after.has(key)) continue;
    report.structural.push({
      kind: 'operation_disappeared',
      ...operationOf(then),
      detail: `${then.durations.length} spans in ${then.perTrace.size} of ${baseline.length} baseline traces; none in ${current.length} current traces`,
      example_trace_ids: [...new Set(then.traceIds)].slice(0, examples),
      trace_kind: kind,
    });
  }
  // Errors on an operation that is itself new are reported as new errors too.
  for (const [key, now] of after) {
    if (before.has(key) || now.errorSpans === 0) continue;
    report.structural.push({
      kind: 'new_errors',
      ...operationOf(now),
      detail: `${now.errorSpans} error spans in ${now.errorTraces.length} of ${current.length} current traces (a new operation)`,
      example_trace_ids: now.errorTraces.slice(0, examples),
      trace_kind: kind,
    });
  }
  serviceChanges(kind, before, after, baseline.length, current.length, report, examples);
  explainAncestors(current, split, after, shifts, countShifts);
}

/**
 * Share of an operation's median shift that an operation beneath it must account for to explain
 * it. A 20 ms → 1.2 s payment call lifts every span above it by the same 1.18 s (share ~1); 0.8
 * leaves room for the noise of the spans between (±20% of a 20 ms hop is 4 ms of 1.18 s) while an
 * ancestor that also slowed on its own by a fifth or more of its shift stays a finding of its own.
 */
const EXPLAINED_SHARE = 0.8;

/**
 * Marks each latency shift that one beneath it in the same traces explains (same direction, at
 * least `EXPLAINED_SHARE` of its median shift) with the operation that caused it, so one slow span
 * reads as one cause and not as every ancestor up to the root. Nesting is read from the current
 * traces' span trees; an operation found both above and beneath another (recursion) explains
 * neither way.
 */
function explainAncestors(
  current: readonly Trace[],
  split: ReadonlySet<string>,
  after: ReadonlyMap<string, OperationSamples>,
  shifts: ReadonlyMap<string, LatencyShift>,
  countShifts: ReadonlyMap<string, CountShift>,
): void {
  if (shifts.size === 0 || shifts.size + countShifts.size < 2) return;
  // Per shifted operation above another: how many spans of the one beneath each of its spans holds.
  const beneath = new Map<string, Map<string, number[]>>();
  for (const trace of current) {
    const destinations = destinationsOf(trace, split);
    const keyOf = (span: Span): string => operationKey(span, destinations);
    const tree = buildSpanTree(trace);
    const counts = new Map<SpanNode, Map<string, number>>();
    for (const node of tree.nodes) {
      const key = keyOf(node.span);
      if (!shifts.has(key) && !countShifts.has(key)) continue;
      if (!counts.has(node)) counts.set(node, new Map());
      const seen = new Set<SpanNode>();
      for (let up = node.parent; up !== undefined && !seen.has(up); up = up.parent) {
        seen.add(up);
        const above = keyOf(up.span);
        if (above === key || !shifts.has(above)) continue;
        const below = counts.get(up) ?? new Map<string, number>();
        below.set(key, (below.get(key) ?? 0) + 1);
        counts.set(up, below);
      }
    }
    for (const [node, below] of counts) {
      const key = keyOf(node.span);
      const per = beneath.get(key) ?? new Map<string, number[]>();
      for (const [other, count] of below) {
        const list = per.get(other) ?? [];
        list.push(count);
        per.set(other, list);
      }
      beneath.set(key, per);
    }
  }
  const share = (above: string, below: string): number => {
    const counts = beneath.get(above)?.get(below);
    const up = shifts.get(above) as LatencyShift;
    const spans = after.get(above)?.durations.length ?? 0;
    if (!counts || up.shift_ms === 0 || beneath.get(below)?.has(above)) return 0;
    // Spans of the operation above without one beneath count as 0: the cause missed them.
    const perSpan = median([
      ...counts,
      ...Array.from({ length: Math.max(0, spans - counts.length) }, () => 0),
    ]);
    const down = shifts.get(below);
    if (down) return down.direction === up.direction ? (down.shift_ms * perSpan) / up.shift_ms : 0;
    // A count change: of the spans beneath one span above, the added ones (or those now missing)
    // each take the operation's median time.
    const count = countShifts.get(below) as CountShift;
    if (count.current > count.baseline !== (up.direction === 'slower') || count.current === 0) return 0;
    const changed = (perSpan * (count.current - count.baseline)) / count.current;
    return (changed * count.medianMs) / up.shift_ms;
  };
  const explainers = new Map<string, string[]>();
  const candidates = [...new Set([...shifts.keys(), ...countShifts.keys()])];
  for (const above of shifts.keys()) {
    const found = candidates
      .filter((below) => below !== above && share(above, below) >= EXPLAINED_SHARE)
      .sort((a, b) => share(above, b) - share(above, a));
    if (found.length > 0) explainers.set(above, found);
  }
  // The cause is the deepest: prefer an explainer that nothing explains, else follow one down.
  const causeOf = (key: string, path: Set<string>): string => {
    const found = explainers.get(key);
    if (!found || path.has(key)) return key;
    path.add(key);
    const direct = found.find((below) => !explainers.has(below));
    return direct ?? causeOf(found[0] as string, path);
  };
  for (const key of explainers.keys()) {
    const cause = causeOf(key, new Set());
    if (cause === key) continue;
    const samples = after.get(cause) as OperationSamples;
    const count = shifts.has(cause) ? undefined : countShifts.get(cause);
    (shifts.get(key) as LatencyShift).explained_by = {
      ...operationOf(samples),
      share: round(share(key, cause)),
      ...(count ? { count_change: { baseline: count.baseline, current: count.current } } : {}),
    };
  }
}

/** How far the medians moved, as a factor either way: 20 → 1200 ms and 1200 → 20 ms are both 60. */
function factor(item: NotJudged): number {
  const [low, high] = [item.baseline_median_ms, item.current_median_ms].sort((a, b) => a - b) as [
    number,
    number,
  ];
  return low > 0 ? high / low : high > 0 ? Number.MAX_VALUE : 1;
}

function judgeLatency(
  kind: string,
  then: OperationSamples,
  now: OperationSamples,
  report: RegressionReport,
  limits: Limits,
): LatencyShift | undefined {
  const baseMedian = median(then.durations);
  const currentMedian = median(now.durations);
  const shift = currentMedian - baseMedian;
  const ratio = baseMedian > 0 ? shift / baseMedian : shift > 0 ? Infinity : 0;
  const pastMinimum = Math.abs(shift) >= limits.minAbsolute && Math.abs(ratio) >= limits.minRelative;
  if (then.durations.length < limits.minSamples || now.durations.length < limits.minSamples) {
    report.not_judged.push({
      ...operationOf(now),
      baseline_n: then.durations.length,
      current_n: now.durations.length,
      baseline_median_ms: round(baseMedian),
      current_median_ms: round(currentMedian),
      past_minimum_shift: pastMinimum,
      example_trace_ids: slowestTraces(now, limits.examples),
      baseline_trace_ids: [...new Set(then.traceIds)].slice(0, limits.examples),
      trace_kind: kind,
    });
    return undefined;
  }
  if (!pastMinimum) return undefined;
  const test = mannWhitneyU(now.durations, then.durations);
  if (test.pValue >= limits.alpha) return undefined;
  const finding: LatencyShift = {
    ...operationOf(now),
    direction: shift > 0 ? 'slower' : 'faster',
    baseline: { n: then.durations.length, median_ms: round(baseMedian) },
    current: { n: now.durations.length, median_ms: round(currentMedian) },
    shift_ms: round(shift),
    shift_ratio: round(ratio),
    p_value: Number(test.pValue.toPrecision(3)),
    example_trace_ids: slowestTraces(now, limits.examples),
    trace_kind: kind,
  };
  (shift > 0 ? report.regressions : report.improvements).push(finding);
  return finding;
}

/** Reports a change in how often an operation runs; returns the medians per trace when it did. */
function judgeCounts(
  kind: string,
  then: OperationSamples,
  now: OperationSamples,
  baselineTraces: number,
  currentTraces: number,
  report: RegressionReport,
  limits: Limits,
): CountShift | undefined {
  const before = countsPerTrace(then, baselineTraces);
  const after = countsPerTrace(now, currentTraces);
  const beforeMedian = median(before);
  const afterMedian = median(after);
  if (beforeMedian === afterMedian) return undefined;
  // With enough traces the shift must also be significant; with few, the medians alone speak.
  if (
    before.length >= limits.minSamples &&
    after.length >= limits.minSamples &&
    mannWhitneyU(after, before).pValue >= limits.alpha
  )
    return undefined;
  const range = (values: number[]): string => `${Math.min(...values)}..${Math.max(...values)}`;
  const moreIsWorse = afterMedian > beforeMedian;
  // Traces showing the change; one that lost the operation entirely has no id among its samples.
  const ids: string[] = [];
  after.forEach((count, index) => {
    const id = now.traceIdAt.get(index);
    if (id && ids.length < limits.examples && (moreIsWorse ? count > beforeMedian : count < beforeMedian))
      ids.push(id);
  });
  report.structural.push({
    kind: 'count_changed',
    ...operationOf(now),
    detail: `spans per trace: median ${beforeMedian} (range ${range(before)}) in baseline → ${afterMedian} (range ${range(after)}) now`,
    example_trace_ids: ids,
    trace_kind: kind,
  });
  return { baseline: beforeMedian, current: afterMedian, medianMs: median(now.durations) };
}

/** An operation that runs more or less often a trace: medians per trace, and its spans' median duration now. */
interface CountShift {
  baseline: number;
  current: number;
  medianMs: number;
}

function serviceChanges(
  kind: string,
  before: Map<string, OperationSamples>,
  after: Map<string, OperationSamples>,
  baselineTraces: number,
  currentTraces: number,
  report: RegressionReport,
  examples: number,
): void {
  const services = (operations: Map<string, OperationSamples>): Map<string, string[]> => {
    const result = new Map<string, string[]>();
    for (const samples of operations.values()) {
      const ids = result.get(samples.service) ?? [];
      for (const id of samples.traceIds) if (!ids.includes(id) && ids.length < examples) ids.push(id);
      result.set(samples.service, ids);
    }
    return result;
  };
  const then = services(before);
  const now = services(after);
  for (const [service, ids] of now) {
    if (!then.has(service))
      report.structural.push({
        kind: 'service_appeared',
        service,
        detail: `in current traces, absent from ${baselineTraces} baseline traces`,
        example_trace_ids: ids,
        trace_kind: kind,
      });
  }
  for (const [service, ids] of then) {
    if (!now.has(service))
      report.structural.push({
        kind: 'service_disappeared',
        service,
        detail: `in baseline traces, absent from ${currentTraces} current traces`,
        example_trace_ids: ids,
        trace_kind: kind,
      });
  }
}
