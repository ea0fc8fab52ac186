/**
 * The difference of two traces, span shape by span shape. Spans are aligned by their path of
 * service:operation from the top of their tree (`frontend:POST /checkout > order-service:order.create`),
 * so repeated calls fold into one row with a count, and each side's count, total and mean duration
 * are compared. A duration change counts only past both a relative and an absolute threshold
 * (20% and 1 ms by default): single traces are noisy, and a 0.2 ms wobble is nobody's regression.
 */
import { durationMs, type Trace } from '../model/index.js';
import { buildSpanTree } from '../model/span-tree.js';

export interface TraceDiffOptions {
  /** Minimum change of a path's total duration, relative to side A (default 0.2). */
  minRelativeChange?: number;
  /** Minimum change of a path's total duration in ms (default 1). */
  minAbsoluteMs?: number;
}

export interface DiffSide {
  count: number;
  total_ms: number;
  mean_ms: number;
}

export type DiffStatus = 'added' | 'removed' | 'changed' | 'unchanged';

export interface PathDiff {
  path: string;
  /** Levels from the top (1 for a root). */
  depth: number;
  status: DiffStatus;
  a: DiffSide;
  b: DiffSide;
  count_changed: boolean;
  /** Past both thresholds; absent when the duration did not change enough (or the path is on one side only). */
  duration_change?: 'grew' | 'shrank';
  delta_total_ms: number;
}

export interface TraceDiff {
  trace_id_a: string;
  trace_id_b: string;
  a: { span_count: number; duration_ms: number };
  b: { span_count: number; duration_ms: number };
  /** Every path that differs, largest absolute change of total duration first. */
  differences: PathDiff[];
  unchanged_paths: number;
}

interface Accumulator {
  depth: number;
  a: number[];
  b: number[];
}

const round = (value: number): number => Math.round(value * 1000) / 1000;

function collectPaths(trace: Trace, side: 'a' | 'b', paths: Map<string, Accumulator>): { duration: number } {
  const tree = buildSpanTree(trace);
  const pathOf = new Map<number, string>();
  for (const node of tree.preorder) {
    const segment = `${node.span.serviceName}:${node.span.name}`;
    const parentPath = node.parent ? pathOf.get(node.parent.index) : undefined;
    const path = parentPath === undefined ? segment : `${parentPath} > ${segment}`;
    pathOf.set(node.index, path);
    let entry = paths.get(path);
    if (!entry) {
      entry = { depth: node.depth, a: [], b: [] };
      paths.set(path, entry);
    }
    entry[side].push(durationMs(node.span));
  }
  return { duration: tree.endNs / 1e6 };
}

function sideOf(durations: number[]): DiffSide {
  const total = durations.reduce((sum, value) => sum + value, 0);
  return {
    count: durations.length,
    total_ms: round(total),
    mean_ms: durations.length ? round(total / durations.length) : 0,
  };
}

export function diffTraces(a: Trace, b: Trace, options: TraceDiffOptions = {}): TraceDiff {
  const minRelative = options.minRelativeChange ?? 0.2;
  const minAbsolute = options.minAbsoluteMs ?? 1;
  const paths = new Map<string, Accumulator>();
  const first = collectPaths(a, 'a', paths);
  const second = collectPaths(b, 'b', paths);
  const differences: PathDiff[] = [];
  let unchanged = 0;
  for (const [path, entry] of paths) {
    const sideA = sideOf(entry.a);
    const sideB = sideOf(entry.b);
    const delta = sideB.total_ms - sideA.total_ms;
    const status: DiffStatus = sideA.count === 0 ? 'added' : sideB.count === 0 ? 'removed' : 'changed';
    const countChanged = sideA.count !== sideB.count;
    const significant =
      Math.abs(delta) >= minAbsolute &&
      (sideA.total_ms === 0 || Math.abs(delta) / sideA.total_ms >= minRelative);
    const durationChange = status === 'changed' && significant ? (delta > 0 ? 'grew' : 'shrank') : undefined;
    if (status === 'changed' && !countChanged && !durationChange) {
      unchanged += 1;
      continue;
    }
    differences.push({
      path,
      depth: entry.depth,
      status,
      a: sideA,
      b: sideB,
      count_changed: countChanged,
      ...(durationChange ? { duration_change: durationChange } : {}),
      delta_total_ms: round(delta),
    });
  }
  differences.sort(
    (x, y) => Math.abs(y.delta_total_ms) - Math.abs(x.delta_total_ms) || x.path.localeCompare(y.path),
  );
  return {
    trace_id_a: a.traceId,
    trace_id_b: b.traceId,
    a: { span_count: a.spans.length, duration_ms: round(first.duration) },
    b: { span_count: b.spans.length, duration_ms: round(second.duration) },
    differences,
    unchanged_paths: unchanged,
  };
}
