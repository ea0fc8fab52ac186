/**
 * The difference between two versions of a spec, compact and readable: entries added, removed or
 * changed (by path), and each changed field as old → new. Entries are matched by path, so a
 * renamed entry shows as one removed and one added (with its children).
 */
import { listEntryPaths, siblingSegments, type SpecEntryPath } from './spec-paths.js';
import type { SpanSpec, TraceSpec } from './trace-spec.js';

export interface SpecChange {
  change: 'added' | 'removed' | 'changed';
  /** An entry path (`checkout > payment.process`) or a spec field (`performance_constraints.max_depth`). */
  path: string;
  /** For a changed entry: which field (`count`, `required_tags.http.route`). */
  field?: string;
  before?: unknown;
  after?: unknown;
  /**
   * For a new order of many children: how many moved, of how many; `before` and `after` then list
   * the first few that moved with their positions (`{ child, position }`, from 1), not every child.
   */
  moved?: { count: number; of: number };
}

export interface SpecDiff {
  identical: boolean;
  changes: SpecChange[];
  /** One line per change: `+ path`, `- path`, `~ path: field old → new`. */
  summary: string[];
}

const ENTRY_FIELDS = [
  'service_name',
  'kind',
  'count',
  'direct',
  'expected_duration_ms',
  'links',
  'ordered',
  'description',
] as const;

/** `{min: 1, max: 3}`, `"card"`, `200`, `(none)`. */
export function showSpecValue(value: unknown): string {
  if (value === undefined) return '(none)';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(showSpecValue).join(', ')}]`;
  return `{${Object.entries(value)
    .map(([key, item]) => `${key}: ${showSpecValue(item)}`)
    .join(', ')}}`;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function diffSpecs(before: TraceSpec, after: TraceSpec): SpecDiff {
  const changes: SpecChange[] = [];
  const field = (path: string, a: unknown, b: unknown): void => {
    if (same(a, b)) return;
    changes.push({
      change: a === undefined ? 'added' : b === undefined ? 'removed' : 'changed',
      path,
      before: a,
      after: b,
    });
  };
  field('name', before.name, after.name);
  field('description', before.description, after.description);
  field('strict', before.strict ?? false, after.strict ?? false);
  diffEntries(before.expected_spans, after.expected_spans, changes);
  const constraintKeys = new Set([
    ...Object.keys(before.performance_constraints ?? {}),
    ...Object.keys(after.performance_constraints ?? {}),
  ]);
  for (const key of constraintKeys) {
    const read = (spec: TraceSpec): unknown =>
      (spec.performance_constraints as Record<string, unknown> | undefined)?.[key];
    field(`performance_constraints.${key}`, read(before), read(after));
  }
  const conditions = Math.max(before.error_conditions?.length ?? 0, after.error_conditions?.length ?? 0);
  for (let position = 0; position < conditions; position += 1) {
    field(
      `error_conditions[${position}]`,
      before.error_conditions?.[position],
      after.error_conditions?.[position],
    );
  }
  return { identical: changes.length === 0, changes, summary: changes.map(summarize) };
}

function diffEntries(before: readonly SpanSpec[], after: readonly SpanSpec[], changes: SpecChange[]): void {
  const oldPaths = new Map(listEntryPaths(before).map((item) => [item.path, item]));
  const newPaths = new Map(listEntryPaths(after).map((item) => [item.path, item]));
  for (const [path, item] of oldPaths) {
    // A removed parent implies its children: report the top of each removed subtree only.
    if (!newPaths.has(path) && (item.parentPath === undefined || newPaths.has(item.parentPath))) {
      changes.push({ change: 'removed', path, before: item.entry });
    }
  }
  for (const [path, item] of newPaths) {
    const old = oldPaths.get(path);
    if (!old) {
      if (item.parentPath === undefined || oldPaths.has(item.parentPath))
        changes.push({ change: 'added', path, after: item.entry });
      continue;
    }
    diffEntry(old, item, changes);
  }
}

function diffEntry(old: SpecEntryPath, current: SpecEntryPath, changes: SpecChange[]): void {
  const path = current.path;
  const push = (fieldName: string, a: unknown, b: unknown): void => {
    if (!same(a, b)) changes.push({ change: 'changed', path, field: fieldName, before: a, after: b });
  };
  for (const key of ENTRY_FIELDS) push(key, old.entry[key], current.entry[key]);
  for (const tags of ['required_tags', 'optional_tags'] as const) {
    const a = old.entry[tags] ?? {};
    const b = current.entry[tags] ?? {};
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) push(`${tags}.${key}`, a[key], b[key]);
  }
  // With `ordered: true` the order of children is part of the spec.
  // Sets, not includes(): an entry with 20,000 children took 1.3 s to diff against itself.
  const oldOrder = siblingSegments(old.entry.children ?? []);
  const newOrder = siblingSegments(current.entry.children ?? []);
  const inOld = new Set(oldOrder);
  const inNew = new Set(newOrder);
  const common = newOrder.filter((segment) => inOld.has(segment));
  const oldCommon = oldOrder.filter((segment) => inNew.has(segment));
  if (same(common, oldCommon)) return;
  if (common.length <= ORDER_SHOWN_WHOLE) {
    push('children order', oldCommon, common);
    return;
  }
  const moved = movedChildren(oldCommon, common);
  changes.push({
    change: 'changed',
    path,
    field: 'children order',
    before: moved.shown.map((child) => ({ child: child.segment, position: child.from })),
    after: moved.shown.map((child) => ({ child: child.segment, position: child.to })),
    moved: { count: moved.count, of: common.length },
  });
}

/**
 * Up to this many children, a new order is shown whole (`[a, b] → [b, a]`). Past it, only the
 * children that moved: an entry with 19,000 children listed them all in a 200 KB line.
 */
const ORDER_SHOWN_WHOLE = 10;
/** Moved children named, with their positions, when the order is not shown whole. */
const MOVED_SHOWN = 5;

interface MovedChild {
  segment: string;
  /** Positions among the children both versions have, from 1. */
  from: number;
  to: number;
}

/**
 * The fewest children that moved to turn `before` into `after` (the same segments, reordered): those
 * outside a longest run kept in the old order, found in O(n log n). The first MOVED_SHOWN in the new
 * order are named.
 */
function movedChildren(
  before: readonly string[],
  after: readonly string[],
): { count: number; shown: MovedChild[] } {
  const oldPosition = new Map(before.map((segment, index) => [segment, index]));
  const positions = after.map((segment) => oldPosition.get(segment) ?? 0);
  // Patience sorting: tails[k] is the index (in `after`) ending the best increasing run of length k + 1.
  const tails: number[] = [];
  const previous = new Array<number>(positions.length).fill(-1);
  positions.forEach((position, index) => {
    let low = 0;
    let high = tails.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((positions[tails[middle] as number] as number) < position) low = middle + 1;
      else high = middle;
    }
    if (low > 0) previous[index] = tails[low - 1] as number;
    tails[low] = index;
  });
  const kept = new Set<number>();
  for (let index = tails.at(-1) ?? -1; index !== -1; index = previous[index] as number) kept.add(index);
  const shown: MovedChild[] = [];
  for (let index = 0; index < after.length && shown.length < MOVED_SHOWN; index += 1) {
    if (kept.has(index)) continue;
    shown.push({ segment: after[index] as string, from: (positions[index] as number) + 1, to: index + 1 });
  }
  return { count: after.length - kept.size, shown };
}

function summarize(change: SpecChange): string {
  if (change.change === 'added' && change.field === undefined && isEntry(change.after)) {
    return `+ ${change.path}${change.after.service_name ? ` (${change.after.service_name})` : ''}`;
  }
  if (change.change === 'removed' && change.field === undefined && isEntry(change.before))
    return `- ${change.path}`;
  const label = change.field ? `${change.path}: ${change.field}` : change.path;
  if (change.moved) return `~ ${label}: ${movedSummary(change)}`;
  return `~ ${label}: ${showSpecValue(change.before)} → ${showSpecValue(change.after)}`;
}

/** `1 of 18999 children moved (position before → after): op.0 (1 → 18999)`, naming at most MOVED_SHOWN. */
function movedSummary(change: SpecChange): string {
  const { count, of } = change.moved ?? { count: 0, of: 0 };
  const from = (change.before ?? []) as { child: string; position: number }[];
  const to = (change.after ?? []) as { child: string; position: number }[];
  const named = from.map((moved, index) => `${moved.child} (${moved.position} → ${to[index]?.position})`);
  const more = count - named.length;
  return `${count} of ${of} children moved (position before → after): ${named.join(', ')}${more > 0 ? `, and ${more} more` : ''}`;
}

function isEntry(value: unknown): value is SpanSpec {
  return typeof value === 'object' && value !== null && 'operation_name' in value;
}
