import type { Capped } from '../capped.js';
import { capMap, roundMs, roundShare } from '../capped.js';
import type { SpanRef } from '../span-ref.js';
import { spanRef } from '../span-ref.js';
import type { SpanNode } from '../../model/span-tree.js';
import type { CallTarget } from './call-target.js';
import type { DetectorThresholds } from './thresholds.js';

export type FindingKind =
  | 'n_plus_one_db'
  | 'n_plus_one_http'
  | 'sequential_calls'
  | 'slow_db_query'
  | 'retry_storm'
  | 'missing_instrumentation'
  | 'semconv_lint';

export type Severity = 'high' | 'medium' | 'low';

export type Measurement = number | string | boolean;

export interface Finding {
  kind: FindingKind;
  /** For `semconv_lint`: which rule (`missing_service_name`, `http_attributes`, `db_system`, `secret_attribute`). */
  rule?: string;
  severity: Severity;
  /** One line saying what was measured, e.g. `25 × SELECT … WHERE id = ? under GET /orders: 310 ms`. */
  summary: string;
  /** Time at stake in ms (what the fix could save, or the time involved); orders findings of one severity. */
  impactMs: number;
  /** The spans involved, first ones first. */
  spans: Capped<SpanRef>;
  /** The parent the repeated or sequential calls hang under. */
  parent?: SpanRef;
  /** The measured numbers (ms, counts, shares of the trace). */
  measurements: Record<string, Measurement>;
  /** One sentence on what to change. */
  fix: string;
}

/** What every detector is given. */
export interface DetectorContext {
  /** Spans in pre-order. */
  nodes: readonly SpanNode[];
  /** Every parent with two or more children, for the sibling detectors. */
  parents: readonly SpanNode[];
  /** Self time in ns by node index. */
  selfNs: Float64Array;
  /** The trace's total duration (last end − first start) in ns. */
  traceNs: number;
  thresholds: DetectorThresholds;
  /** The parameterized target of a span's call, computed once per span. */
  target: (node: SpanNode) => CallTarget;
}

export function severityOf(impactMs: number, traceMs: number, t: DetectorThresholds): Severity {
  const share = traceMs > 0 ? impactMs / traceMs : 0;
  if (impactMs >= t.highImpactMs || share >= t.highImpactShare) return 'high';
  if (impactMs >= t.mediumImpactMs || share >= t.mediumImpactShare) return 'medium';
  return 'low';
}

export function spanList(nodes: readonly SpanNode[], t: DetectorThresholds): Capped<SpanRef> {
  return capMap(nodes, t.maxSpansPerFinding, (node) => spanRef(node.span));
}

export function durationNs(node: SpanNode): number {
  return node.endNs - node.startNs;
}

export function ms(ns: number): number {
  return roundMs(ns / 1e6);
}

export function share(part: number, whole: number): number {
  return whole > 0 ? roundShare(part / whole) : 0;
}

/** The union of the nodes' intervals in ns: wall-clock time the calls took together. */
export function wallNs(nodes: readonly SpanNode[]): number {
  const sorted = [...nodes].sort((a, b) => a.startNs - b.startNs);
  let total = 0;
  let runStart = -1;
  let runEnd = -1;
  for (const node of sorted) {
    if (node.startNs > runEnd) {
      total += runEnd - runStart;
      runStart = node.startNs;
      runEnd = node.endNs;
    } else if (node.endNs > runEnd) runEnd = node.endNs;
  }
  return total + runEnd - runStart;
}

export function sumNs(nodes: readonly SpanNode[]): number {
  let total = 0;
  for (const node of nodes) total += durationNs(node);
  return total;
}

/** A pattern found under one parent (a loop, a retry run, a sequence). */
export interface Occurrence {
  parent: SpanNode;
  nodes: SpanNode[];
}

/**
 * Groups occurrences of one pattern under parents of the same operation, so a loop that runs in
 * each of 200 requests of a batch is one finding (with the count), not 200.
 */
export function groupByParentOperation<T extends Occurrence>(
  items: readonly T[],
  pattern: (item: T) => string,
): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = `${pattern(item)}\u0000${item.parent.span.serviceName}\u0000${item.parent.span.kind}\u0000${item.parent.span.name}`;
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [item]);
    else group.push(item);
  }
  return [...groups.values()];
}

/** Text saying a finding repeats under other parents, or nothing when it does not. */
export function repeatNote(occurrences: number, parent: SpanNode, what: string): string {
  return occurrences > 1 ? `; the same under ${occurrences} ${parent.span.name} spans (${what} in all)` : '';
}
