/**
 * The difference of two traces, span shape by span shape. Spans are aligned by their path of
 * service:operation from the top of their tree (`frontend:POST /checkout > order-service:order.create`),
 * so repeated calls fold into one row with a count, and each side's count, total and mean duration
 * are compared. Calls named alike that go to different destinations (a gateway's two `POST`s, one
 * to loans-service, one to notify-service) are separate rows, told apart by the service they called
 * (`gateway:POST (→ notify-service)`); the calls of an N+1 loop go to one host and stay one row.
 * A duration change counts only past both a relative and an absolute threshold (20% and 1 ms by
 * default): single traces are noisy, and a 0.2 ms wobble is nobody's regression. A row whose spans
 * became ERROR (or recovered) is no noise: such rows come first, deepest first, since the deepest
 * failure is the likeliest cause of the others.
 */
import { callDestination, destinationName, durationMs, type Span, type Trace } from '../model/index.js';
import { buildSpanTree, type SpanNode, type SpanTree } from '../model/span-tree.js';
import { clip } from './capped.js';
import { exceptionsOf } from './exceptions.js';
import { spanFailure } from './span-failure.js';

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
  /** Spans with status ERROR. */
  errors: number;
}

/** How a row's error spans changed from A to B, on a row found in both traces. */
export type ErrorChange = 'became_error' | 'recovered' | 'more_errors' | 'fewer_errors';

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
  error_change?: ErrorChange;
  /** Why the spans failed, on the side with more errors: HTTP status, exception type, status message. */
  error?: string;
  /**
   * The path beneath whose change accounts for this one's: set on a path that only grew or shrank,
   * when a path under it moved the same way by at least 80% as much (the deepest such path that is
   * not explained itself). A slow query makes every span above it slower; the query is the change
   * to chase.
   */
  explained_by?: string;
}

export interface TraceDiff {
  trace_id_a: string;
  trace_id_b: string;
  a: { span_count: number; duration_ms: number };
  b: { span_count: number; duration_ms: number };
  /** Every path that differs: those whose errors changed first (deepest first), then largest absolute change of total duration first. */
  differences: PathDiff[];
  unchanged_paths: number;
}

interface Accumulator {
  depth: number;
  /** The path this one is beneath ('' for a top span): names may contain ' > ', so not re-split. */
  parent: string;
  a: number[];
  b: number[];
  /** Why each error span failed, per side. */
  aErrors: string[];
  bErrors: string[];
}

/** `HTTP 503, InventoryUnavailableError: stock ledger unavailable`: what a reader needs of a failure. */
function errorReason(span: Span): string {
  const failure = spanFailure(span);
  const exception = exceptionsOf(span)[0];
  const head = [
    failure?.httpStatus !== undefined ? `HTTP ${failure.httpStatus}` : '',
    exception?.type ?? '',
  ].filter((part) => part !== '');
  let message = span.status.message || exception?.message || '';
  // Instrumentations often set the status message to `Type: message`; say the type once.
  if (exception?.type && message.startsWith(exception.type))
    message = message.slice(exception.type.length).replace(/^:\s*/, '');
  const text = [head.join(', '), message].filter((part) => part !== '').join(': ');
  return clip(text, 160);
}

const round = (value: number): number => Math.round(value * 1000) / 1000;

/** Siblings with the same service and name that go to the same destination (`callDestination`). */
interface SiblingGroup {
  segment: string;
  destination: string;
  members: SpanNode[];
}

function groupSiblings(nodes: readonly SpanNode[]): Map<string, SiblingGroup[]> {
  const bySegment = new Map<string, SiblingGroup[]>();
  const byKey = new Map<string, SiblingGroup>();
  for (const node of nodes) {
    const segment = `${node.span.serviceName}:${node.span.name}`;
    const destination = callDestination(node.span);
    const key = `${segment}\u0000${destination}`;
    const group = byKey.get(key);
    if (group) {
      group.members.push(node);
      continue;
    }
    const created = { segment, destination, members: [node] };
    byKey.set(key, created);
    const groups = bySegment.get(segment);
    if (groups) groups.push(created);
    else bySegment.set(segment, [created]);
  }
  return bySegment;
}

/**
 * How a row of calls named alike reads, and what aligns it across the two traces: the name of its
 * destination (`destinationName`: the services called, which stay the same from run to run).
 */
function calleeLabel(group: SiblingGroup): string {
  const calls = group.members.map((member) => ({
    span: member.span,
    children: member.children.map((child) => child.span),
  }));
  const name = destinationName(group.destination, calls);
  return name === '' ? '' : `→ ${name}`;
}

function byLabel(groups: readonly SiblingGroup[]): Map<string, SpanNode[]> {
  const labelled = new Map<string, SpanNode[]>();
  for (const group of groups) {
    const label = calleeLabel(group);
    const members = labelled.get(label);
    if (members) members.push(...group.members);
    else labelled.set(label, [...group.members]);
  }
  return labelled;
}

interface Pair {
  label: string;
  a: SpanNode[];
  b: SpanNode[];
}

/**
 * Pairs one segment's sibling groups of A with those of B. One group a side (the usual case) pair
 * as they are, unlabelled. Otherwise groups pair by label, and when exactly one is left on each
 * side they are the same call whose label changed (its callee stopped answering, its port moved):
 * paired under A's label, the reference.
 */
function pairGroups(a: readonly SiblingGroup[], b: readonly SiblingGroup[]): Pair[] {
  if (a.length <= 1 && b.length <= 1) return [{ label: '', a: a[0]?.members ?? [], b: b[0]?.members ?? [] }];
  const left = byLabel(a);
  const right = byLabel(b);
  const pairs: Pair[] = [];
  for (const [label, members] of left) {
    const other = right.get(label);
    if (other === undefined) continue;
    pairs.push({ label, a: members, b: other });
    left.delete(label);
    right.delete(label);
  }
  if (left.size === 1 && right.size === 1) {
    const [[label, members]] = [...left] as [[string, SpanNode[]]];
    pairs.push({ label, a: members, b: [...right.values()][0] as SpanNode[] });
    return pairs;
  }
  for (const [label, members] of left) pairs.push({ label, a: members, b: [] });
  for (const [label, members] of right) pairs.push({ label, a: [], b: members });
  return pairs;
}

function childrenOf(members: readonly SpanNode[]): SpanNode[] {
  if (members.length === 1) return (members[0] as SpanNode).children;
  return members.flatMap((member) => member.children);
}

/**
 * Walks both trees level by level, aligned: the children of every span of a row on one side meet
 * the children of the same row on the other. Iterative, so a chain thousands of spans deep cannot
 * overflow the stack.
 */
function collectPaths(a: SpanTree, b: SpanTree): Map<string, Accumulator> {
  const paths = new Map<string, Accumulator>();
  const stack: { parentPath: string; depth: number; a: readonly SpanNode[]; b: readonly SpanNode[] }[] = [
    { parentPath: '', depth: 1, a: a.tops, b: b.tops },
  ];
  while (stack.length > 0) {
    const level = stack.pop() as (typeof stack)[number];
    const left = groupSiblings(level.a);
    const right = groupSiblings(level.b);
    for (const segment of new Set([...left.keys(), ...right.keys()])) {
      for (const pair of pairGroups(left.get(segment) ?? [], right.get(segment) ?? [])) {
        const own = pair.label === '' ? segment : `${segment} (${pair.label})`;
        const path = level.parentPath === '' ? own : `${level.parentPath} > ${own}`;
        let entry = paths.get(path);
        if (!entry) {
          entry = { depth: level.depth, parent: level.parentPath, a: [], b: [], aErrors: [], bErrors: [] };
          paths.set(path, entry);
        }
        for (const node of pair.a) {
          entry.a.push(durationMs(node.span));
          if (node.span.status.code === 'error') entry.aErrors.push(errorReason(node.span));
        }
        for (const node of pair.b) {
          entry.b.push(durationMs(node.span));
          if (node.span.status.code === 'error') entry.bErrors.push(errorReason(node.span));
        }
        const a = childrenOf(pair.a);
        const b = childrenOf(pair.b);
        if (a.length > 0 || b.length > 0) stack.push({ parentPath: path, depth: level.depth + 1, a, b });
      }
    }
  }
  return paths;
}

function sideOf(durations: number[], errors: number): DiffSide {
  const total = durations.reduce((sum, value) => sum + value, 0);
  return {
    count: durations.length,
    total_ms: round(total),
    mean_ms: durations.length ? round(total / durations.length) : 0,
    errors,
  };
}

function errorChangeOf(a: number, b: number): ErrorChange | undefined {
  if (a === b) return undefined;
  if (a === 0) return 'became_error';
  if (b === 0) return 'recovered';
  return b > a ? 'more_errors' : 'fewer_errors';
}

/** New failures first, then recoveries, then rows whose errors did not change. */
function errorRank(item: PathDiff): number {
  if (item.error_change === 'became_error' || item.error_change === 'more_errors') return 2;
  return item.error_change === undefined ? 0 : 1;
}

/** The reason most of a side's error spans give (the first seen on a tie). */
function commonReason(reasons: readonly string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const reason of reasons) if (reason !== '') counts.set(reason, (counts.get(reason) ?? 0) + 1);
  let best: string | undefined;
  for (const [reason, count] of counts)
    if (best === undefined || count > (counts.get(best) as number)) best = reason;
  return best;
}

export function diffTraces(a: Trace, b: Trace, options: TraceDiffOptions = {}): TraceDiff {
  const minRelative = options.minRelativeChange ?? 0.2;
  const minAbsolute = options.minAbsoluteMs ?? 1;
  const treeA = buildSpanTree(a);
  const treeB = buildSpanTree(b);
  const paths = collectPaths(treeA, treeB);
  const differences: PathDiff[] = [];
  let unchanged = 0;
  for (const [path, entry] of paths) {
    const sideA = sideOf(entry.a, entry.aErrors.length);
    const sideB = sideOf(entry.b, entry.bErrors.length);
    const delta = sideB.total_ms - sideA.total_ms;
    const status: DiffStatus = sideA.count === 0 ? 'added' : sideB.count === 0 ? 'removed' : 'changed';
    const countChanged = sideA.count !== sideB.count;
    const significant =
      Math.abs(delta) >= minAbsolute &&
      (sideA.total_ms === 0 || Math.abs(delta) / sideA.total_ms >= minRelative);
    const durationChange = status === 'changed' && significant ? (delta > 0 ? 'grew' : 'shrank') : undefined;
    const errorChange = status === 'changed' ? errorChangeOf(sideA.errors, sideB.errors) : undefined;
    const reason = commonReason(
      errorChange === 'recovered' || errorChange === 'fewer_errors' ? entry.aErrors : entry.bErrors,
    );
    if (status === 'changed' && !countChanged && !durationChange && !errorChange) {
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
      ...(errorChange ? { error_change: errorChange } : {}),
      ...(errorChange && reason !== undefined ? { error: reason } : {}),
    });
  }
  markExplained(differences, paths);
  differences.sort(
    (x, y) =>
      errorRank(y) - errorRank(x) ||
      (x.error_change !== undefined ? y.depth - x.depth : 0) ||
      Math.abs(y.delta_total_ms) - Math.abs(x.delta_total_ms) ||
      x.path.localeCompare(y.path),
  );
  return {
    trace_id_a: a.traceId,
    trace_id_b: b.traceId,
    a: { span_count: a.spans.length, duration_ms: round(treeA.endNs / 1e6) },
    b: { span_count: b.spans.length, duration_ms: round(treeB.endNs / 1e6) },
    differences,
    unchanged_paths: unchanged,
  };
}

/** A path's change is explained by one beneath it that moved the same way by at least this share of it. */
const EXPLAINED_SHARE = 0.8;

/** Sets explained_by (see PathDiff) on each path that only grew or shrank because of a path beneath it. */
function markExplained(differences: PathDiff[], paths: ReadonlyMap<string, Accumulator>): void {
  const moved = differences.filter((row) => row.duration_change !== undefined);
  // Each path that moved, listed under every path above it (through paths alike too, which are not rows).
  const movedBeneath = new Map<string, PathDiff[]>();
  for (const row of moved) {
    for (let up = paths.get(row.path)?.parent ?? ''; up !== ''; up = paths.get(up)?.parent ?? '') {
      const list = movedBeneath.get(up);
      if (list) list.push(row);
      else movedBeneath.set(up, [row]);
    }
  }
  // Deepest first, so a path beneath is settled before any path above it looks at it. The cause
  // must itself be unexplained: handing an explanation up a chain would let each level take 80%
  // of the next, and the named cause account for far less than the path it hides.
  const byDepth = [...moved].sort((x, y) => y.depth - x.depth);
  for (const row of byDepth) {
    if (row.status !== 'changed' || row.count_changed || row.error_change) continue;
    let cause: PathDiff | undefined;
    for (const below of movedBeneath.get(row.path) ?? []) {
      if (below.explained_by !== undefined || below.duration_change !== row.duration_change) continue;
      if (Math.abs(below.delta_total_ms) < EXPLAINED_SHARE * Math.abs(row.delta_total_ms)) continue;
      if (cause === undefined || below.depth > cause.depth) cause = below;
    }
    if (cause !== undefined) row.explained_by = cause.path;
  }
}
