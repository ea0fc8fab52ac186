/**
 * Spec inference: from N traces known to be good, the invariants that held in all
 * of them, written as an editable spec. Kept: every span shape present under every instance of its
 * parent (nested under it, `direct`), its count, the order of its children when it never varied,
 * constant or few-valued attributes, and a duration envelope of the slowest sample × head-room
 * (far-out stalls left out, see duration-envelope.ts).
 * Dropped, and said so: shapes that were sometimes absent, attributes that varied or identify one
 * request. The result is validated like any spec a user defines.
 */
import { OtelMcpError, durationMs, type AttributeValue, type Trace } from '../../model/index.js';
import type { ErrorCondition, SpanSpec, TagExpectation, TraceSpec } from '../language/trace-spec.js';
import { validateTraceSpec } from '../language/validate-spec.js';
import { formatProblems } from '../language/spec-problems.js';
import { countsPerInstance, foldTraces, type ParentInstance, type ShapeNode } from './span-aggregate.js';
import { envelopeSample } from './duration-envelope.js';
import { decideTag } from './tag-selection.js';

export interface InferOptions {
  name: string;
  /** Duration envelopes are the slowest observed × this (default 1.5: 50% head-room)… */
  durationHeadroom?: number;
  /** …and at least the slowest observed + this many ms (default 100; 0 for none). */
  durationSlackMs?: number;
  /** At most this many distinct values of an attribute become an `in` list (default 4). */
  maxEnumValues?: number;
  description?: string;
}

export interface InferredEntry {
  path: string;
  count: string;
  max_duration_ms: number;
  tags: string[];
  ordered_children: boolean;
}

export interface DroppedItem {
  path: string;
  what: 'span' | 'tag' | 'order' | 'count_range' | 'duration_outlier';
  /** The attribute key, for `tag`. */
  key?: string;
  reason: string;
}

export interface SpecInference {
  spec: TraceSpec;
  traceCount: number;
  spanCount: number;
  kept: InferredEntry[];
  dropped: DroppedItem[];
}

export const DEFAULT_DURATION_HEADROOM = 1.5;
/**
 * Absolute head-room: on a developer machine or a shared CI runner a span's duration jitters by tens
 * of ms (a GC pause, a descheduled process: a 22 ms call was measured at 70 ms among good checkouts),
 * which 50% of a fast span cannot absorb. 100 ms absorbs it, while a slowdown anyone would notice
 * still fails (the example's slow payment adds 1,200 ms).
 */
export const DEFAULT_DURATION_SLACK_MS = 100;
export const DEFAULT_MAX_ENUM_VALUES = 4;

/** The allowed maximum for a slowest sample: relative and absolute head-room, whichever is larger, rounded up. */
function envelopeMs(slowestMs: number, context: Pick<Context, 'headroom' | 'slackMs'>): number {
  return roundUpForReading(Math.max(slowestMs * context.headroom, slowestMs + context.slackMs));
}

/** Rounds up to two significant digits (137.2 → 140, 0.42 → 0.42), at least 1 ms: budgets people read. */
export function roundUpForReading(value: number): number {
  if (!(value > 1)) return 1;
  const step = 10 ** (Math.floor(Math.log10(value)) - 1);
  return Number((Math.ceil(value / step - 1e-9) * step).toPrecision(12));
}

interface Context {
  traceCount: number;
  headroom: number;
  slackMs: number;
  maxEnumValues: number;
  kept: InferredEntry[];
  dropped: DroppedItem[];
}

export function inferSpecFromTraces(traces: readonly Trace[], options: InferOptions): SpecInference {
  const nonEmpty = traces.filter((trace) => trace.spans.length > 0);
  if (nonEmpty.length === 0) {
    throw new OtelMcpError(
      'INVALID_ARGUMENT',
      'no spans to infer a spec from',
      'pass the ids of good traces that have spans (get_traces lists them)',
    );
  }
  const headroom = options.durationHeadroom ?? DEFAULT_DURATION_HEADROOM;
  if (!(headroom >= 1) || !Number.isFinite(headroom)) {
    throw new OtelMcpError(
      'INVALID_ARGUMENT',
      `duration_headroom ${headroom} is below 1`,
      'pass a factor of at least 1, e.g. 1.5 for 50% head-room over the slowest sample',
    );
  }
  const slackMs = options.durationSlackMs ?? DEFAULT_DURATION_SLACK_MS;
  if (!(slackMs >= 0) || !Number.isFinite(slackMs)) {
    throw new OtelMcpError(
      'INVALID_ARGUMENT',
      `duration_slack_ms ${slackMs} is not a number of milliseconds ≥ 0`,
      'pass e.g. 100 (the default), or 0 for the relative head-room alone',
    );
  }
  const context: Context = {
    traceCount: nonEmpty.length,
    headroom,
    slackMs,
    maxEnumValues: options.maxEnumValues ?? DEFAULT_MAX_ENUM_VALUES,
    kept: [],
    dropped: [],
  };
  const forest = foldTraces(nonEmpty);
  const expected = entriesFor(forest.tops, forest.topInstances, true, context).map((item) => item.entry);

  const spec: TraceSpec = {
    name: options.name,
    description:
      options.description ??
      `Inferred from ${nonEmpty.length} good trace${nonEmpty.length === 1 ? '' : 's'}; edit freely.`,
    expected_spans: expected,
    // No max_span_count: counts that varied keep no maximum, and a span budget would bring one back.
    performance_constraints: {
      max_total_duration_ms: envelopeMs(forest.longestMs, context),
      max_depth: forest.maxDepth,
    },
  };
  const errors = errorConditions(forest.tops, nonEmpty.length);
  if (errors.length > 0) spec.error_conditions = errors;

  const validation = validateTraceSpec(spec);
  if (!validation.ok || !validation.spec) {
    throw new OtelMcpError(
      'INTERNAL',
      `the inferred spec is not valid:\n${formatProblems(validation.problems)}`,
      'report this as a bug, with the trace ids',
    );
  }
  const spanCount = nonEmpty.reduce((sum, trace) => sum + trace.spans.length, 0);
  return {
    spec: validation.spec,
    traceCount: nonEmpty.length,
    spanCount,
    kept: context.kept,
    dropped: context.dropped,
  };
}

function entriesFor(
  level: Map<string, ShapeNode>,
  parents: readonly ParentInstance[],
  top: boolean,
  context: Context,
): { shape: ShapeNode; entry: SpanSpec }[] {
  const entries: { shape: ShapeNode; entry: SpanSpec }[] = [];
  for (const shape of level.values()) {
    const counts = countsPerInstance(shape, parents);
    const min = Math.min(...counts);
    const max = Math.max(...counts);
    if (min === 0) {
      const absentIn = counts.filter((count) => count === 0).length;
      const reason = top
        ? `present in ${shape.tracesWith.size} of ${context.traceCount} traces`
        : `absent under ${absentIn} of ${parents.length} parent spans (in ${shape.tracesWith.size} of ${context.traceCount} traces)`;
      context.dropped.push({ path: shape.path, what: 'span', reason });
      continue;
    }
    entries.push({ shape, entry: entryFor(shape, min, max, top, context) });
  }
  return entries;
}

function entryFor(shape: ShapeNode, min: number, max: number, top: boolean, context: Context): SpanSpec {
  const entry: SpanSpec = { operation_name: shape.key.operation, service_name: shape.key.service };
  if (shape.key.kind !== 'unspecified') entry.kind = shape.key.kind;
  let countText = String(min);
  if (min !== max) {
    // Neither end seen in N samples is an invariant: a loop over a bigger or smaller input goes past
    // it. What held is "at least one under every parent", which is the default count.
    countText = '1+';
    context.dropped.push({
      path: shape.path,
      what: 'count_range',
      reason: `count varied ${min}..${max}: left at the default (at least 1)`,
    });
  } else {
    // Written even when 1: the default count is "at least 1", and one call per parent that held in
    // every good trace is exactly what an N+1 loop breaks.
    entry.count = min;
  }
  if (!top) entry.direct = true;
  const sample = envelopeSample(shape.spans.map((span) => durationMs(span)));
  if (sample.stallsMs.length > 0) {
    const stalls = sample.stallsMs.map((ms) => `${Math.round(ms)} ms`).join(', ');
    context.dropped.push({
      path: shape.path,
      what: 'duration_outlier',
      reason: `${stalls} left out of the duration envelope: past ${Math.round(sample.fenceMs ?? 0)} ms, far beyond the other ${shape.spans.length - sample.stallsMs.length} samples`,
    });
  }
  const maxDuration = envelopeMs(sample.slowestMs, context);
  entry.expected_duration_ms = { max: maxDuration };
  const tags = requiredTags(shape, context);
  if (Object.keys(tags).length > 0) entry.required_tags = tags;

  const record: InferredEntry = {
    path: shape.path,
    count: countText,
    max_duration_ms: maxDuration,
    tags: Object.keys(tags),
    ordered_children: false,
  };
  context.kept.push(record);
  const children = entriesFor(shape.children, shape.instances, false, context);
  if (children.length > 0) {
    const order = stableOrder(shape, children);
    if (order) {
      entry.children = order;
      if (order.length > 1) {
        entry.ordered = true;
        record.ordered_children = true;
      }
    } else {
      entry.children = children.map((child) => child.entry);
      context.dropped.push({
        path: shape.path,
        what: 'order',
        reason: 'its children started in varying order',
      });
    }
  }
  return entry;
}

function requiredTags(shape: ShapeNode, context: Context): Record<string, TagExpectation> {
  const values = new Map<string, AttributeValue[]>();
  for (const span of shape.spans) {
    for (const [key, value] of Object.entries(span.attributes)) {
      const list = values.get(key);
      if (list) list.push(value);
      else values.set(key, [value]);
    }
  }
  const tags: Record<string, TagExpectation> = {};
  for (const key of [...values.keys()].sort()) {
    const decision = decideTag(key, values.get(key) as AttributeValue[], shape.spans.length, {
      maxEnumValues: context.maxEnumValues,
    });
    if (decision.keep) tags[key] = decision.expectation;
    else context.dropped.push({ path: shape.path, what: 'tag', key, reason: decision.reason });
  }
  return tags;
}

/**
 * The children sorted by where they first start, when that order was the same under every parent
 * span, with strictly increasing starts (equal starts are concurrent calls, not an order).
 * Undefined when it varied.
 */
function stableOrder(
  shape: ShapeNode,
  children: { shape: ShapeNode; entry: SpanSpec }[],
): SpanSpec[] | undefined {
  const ids = children.map((child) => child.shape.id);
  let reference: number[] | undefined;
  for (const instance of shape.instances) {
    const starts = ids.map((id) => {
      const first = instance.children.get(id)?.[0];
      return first === undefined ? Number.NaN : first.startNs;
    });
    const order = starts
      .map((_, index) => index)
      .sort((a, b) => (starts[a] as number) - (starts[b] as number));
    for (let position = 1; position < order.length; position += 1) {
      if (
        !((starts[order[position] as number] as number) > (starts[order[position - 1] as number] as number))
      )
        return undefined;
    }
    if (!reference) reference = order;
    else if (order.some((index, position) => reference?.[position] !== index)) return undefined;
  }
  return (reference ?? []).map((index) => (children[index] as { entry: SpanSpec }).entry);
}

/** Failures seen in good traces are expected: always-failing shapes as `expect: error`, others allowed. */
function errorConditions(tops: Map<string, ShapeNode>, traceCount: number): ErrorCondition[] {
  const seen = new Map<string, ErrorCondition>();
  const visit = (level: Map<string, ShapeNode>): void => {
    for (const shape of level.values()) {
      const failed = shape.spans.filter((span) => span.status.code === 'error').length;
      const id = `${shape.key.service}\u0000${shape.key.operation}`;
      if (failed > 0) {
        // `expect: error` fails a trace without the span, so only shapes of every trace qualify.
        const always = failed === shape.spans.length && shape.tracesWith.size === traceCount;
        const previous = seen.get(id);
        const expect =
          always && (previous === undefined || previous.expect === 'error') ? 'error' : 'allow_errors';
        seen.set(id, { operation_name: shape.key.operation, service_name: shape.key.service, expect });
      }
      visit(shape.children);
    }
  };
  visit(tops);
  return [...seen.values()];
}
