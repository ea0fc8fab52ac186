/**
 * The assignment inside one scope (DESIGN.md §4 rules 1, 4, 5): which actual spans serve which
 * sibling entries. Each entry has `min` required slots and up to `max − min` extra slots. Weights
 * are tiered so that filling a required slot always beats any number of extras, and a span is
 * worth more to an entry when the entry's children can be satisfied beneath it (the recursive
 * `value`). That is what makes the assignment non-greedy: a span that would block a sibling or
 * leave children unsatisfied loses to one that satisfies both.
 */
import type { Span } from '../model/index.js';
import type { CompiledEntry, CompiledSpec } from './compiled-spec.js';
import { maxWeightAssignment, type WeightedEdge } from './max-weight-assignment.js';
import { tagsSatisfied } from './tag-matcher.js';
import type { TraceIndex } from './trace-index.js';

/** One required slot outweighs the extras of any realistic scope (≤ 10^5 spans × small values). */
export const TIER = 1e6;

export interface EntryAssignment {
  required: number[];
  extra: number[];
}

export interface ScopeSolution {
  total: number;
  byEntry: Map<number, EntryAssignment>;
}

/** Whether a span matches an entry by itself (§4 rule 2): name, service, kind, required tags. */
export function localMatch(entry: CompiledEntry, span: Span): boolean {
  return (
    span.name === entry.name &&
    (entry.service === undefined || span.serviceName === entry.service) &&
    (entry.kind === undefined || span.kind === entry.kind) &&
    tagsSatisfied(span, entry.requiredTags)
  );
}

export class ScopeSolver {
  /** Per entry id: the spans matching it by name, service, kind and required tags, by Euler enter order. */
  private readonly candidates: number[][];
  private readonly memo: Float64Array[];
  /** Spans some `count: 0` entry may forbid: other candidates serve a required slot better. */
  private readonly forbidden = new Set<number>();

  constructor(
    readonly index: TraceIndex,
    readonly spec: CompiledSpec,
  ) {
    this.candidates = spec.entries.map((entry) => {
      const named = index.byName.get(entry.name) ?? [];
      return named.filter((span) => localMatch(entry, index.spans[span] as Span)).sort((a, b) => (index.enter[a] ?? 0) - (index.enter[b] ?? 0));
    });
    this.memo = spec.entries.map(() => new Float64Array(0));
    for (const entry of spec.entries) {
      if (entry.count.max !== 0) continue;
      const parents = entry.parent ? new Set(this.candidates[entry.parent.id] ?? []) : undefined;
      for (const span of this.candidates[entry.id] ?? []) if (this.inSomeScope(entry, parents, span)) this.forbidden.add(span);
    }
  }

  /** Whether the span lies where some candidate of the entry's parent would look for the entry. */
  private inSomeScope(entry: CompiledEntry, parents: ReadonlySet<number> | undefined, span: number): boolean {
    if (!parents) return true;
    for (let ancestor = this.index.parent[span] ?? -1; ancestor >= 0; ancestor = this.index.parent[ancestor] ?? -1) {
      if (parents.has(ancestor)) return true;
      if (entry.direct) return false;
    }
    return false;
  }

  /** Spans that match the entry locally and lie in the scope of `owner` (−1: the whole trace). */
  candidatesInScope(entry: CompiledEntry, owner: number): number[] {
    const all = this.candidates[entry.id] ?? [];
    if (owner < 0) return all;
    const { enter, exit, parent } = this.index;
    const low = enter[owner] ?? 0;
    const high = exit[owner] ?? 0;
    let lo = 0;
    let hi = all.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((enter[all[mid] as number] ?? 0) <= low) lo = mid + 1;
      else hi = mid;
    }
    const inside: number[] = [];
    for (let i = lo; i < all.length; i += 1) {
      const span = all[i] as number;
      if ((enter[span] ?? 0) >= high) break;
      if (!entry.direct || parent[span] === owner) inside.push(span);
    }
    return inside;
  }

  /** How much satisfying `entry`'s children beneath `span` is worth (0 for a leaf entry). */
  value(entry: CompiledEntry, span: number): number {
    if (entry.children.length === 0) return 0;
    let memo = this.memo[entry.id] as Float64Array;
    if (memo.length === 0) {
      memo = new Float64Array(this.index.spans.length).fill(NaN);
      this.memo[entry.id] = memo;
    }
    const known = memo[span] as number;
    if (!Number.isNaN(known)) return known;
    const computed = this.solve(entry.children, span).total;
    memo[span] = computed;
    return computed;
  }

  private tieBreak(span: number): number {
    // Earlier spans win ties (stable, readable assignments); always far below one unit of weight.
    return (1 - (this.index.startRank[span] ?? 0) / Math.max(1, this.index.spans.length)) * 1e-3;
  }

  /** The best assignment of spans in `owner`'s scope to `entries`, never using `excluded` spans. */
  solve(entries: readonly CompiledEntry[], owner: number, excluded?: ReadonlySet<number>): ScopeSolution {
    const active = entries.filter((entry) => entry.count.max > 0);
    const lists = active.map((entry) => {
      const inScope = this.candidatesInScope(entry, owner);
      return excluded && excluded.size > 0 ? inScope.filter((span) => !excluded.has(span)) : inScope;
    });
    const byEntry = new Map<number, EntryAssignment>();
    for (const entry of entries) byEntry.set(entry.id, { required: [], extra: [] });
    let total = 0;
    for (const component of components(lists)) {
      total +=
        component.length === 1
          ? this.solveAlone(active[component[0] as number] as CompiledEntry, lists[component[0] as number] as number[], byEntry)
          : this.solveTogether(
              component.map((position) => active[position] as CompiledEntry),
              component.map((position) => lists[position] as number[]),
              byEntry,
            );
    }
    return { total, byEntry };
  }

  private requiredWeight(entry: CompiledEntry, span: number): number {
    // Using a forbidden span for a required slot would shield it from its `count: 0` entry;
    // when another candidate exists, taking that one keeps both entries satisfied.
    const shield = this.forbidden.has(span) ? 0.5 : 0;
    return TIER + this.value(entry, span) + this.tieBreak(span) - shield;
  }

  private extraWeight(entry: CompiledEntry, span: number): number {
    return 1 + this.value(entry, span) / TIER + this.tieBreak(span);
  }

  private solveAlone(entry: CompiledEntry, spans: number[], byEntry: Map<number, EntryAssignment>): number {
    const ranked = spans
      .map((span) => ({ span, weight: this.requiredWeight(entry, span) }))
      .sort((a, b) => b.weight - a.weight);
    const assignment = byEntry.get(entry.id) as EntryAssignment;
    let total = 0;
    const extras = entry.count.max - entry.count.min;
    for (const { span } of ranked) {
      if (assignment.required.length < entry.count.min) {
        assignment.required.push(span);
        total += this.requiredWeight(entry, span);
      } else if (assignment.extra.length < extras) {
        assignment.extra.push(span);
        total += this.extraWeight(entry, span);
      } else break;
    }
    assignment.required.sort(this.byStart);
    assignment.extra.sort(this.byStart);
    return total;
  }

  private readonly byStart = (a: number, b: number): number => (this.index.startRank[a] ?? 0) - (this.index.startRank[b] ?? 0);

  private solveTogether(entries: CompiledEntry[], lists: number[][], byEntry: Map<number, EntryAssignment>): number {
    const items = new Map<number, number>();
    const spanOf: number[] = [];
    const capacities: number[] = [];
    const edges: WeightedEdge[] = [];
    const meta: { entry: CompiledEntry; span: number; required: boolean }[] = [];
    entries.forEach((entry, position) => {
      const spans = lists[position] as number[];
      capacities.push(entry.count.min, Math.min(entry.count.max - entry.count.min, spans.length));
      for (const span of spans) {
        let item = items.get(span);
        if (item === undefined) {
          item = spanOf.length;
          items.set(span, item);
          spanOf.push(span);
        }
        edges.push({ group: 2 * position, item, weight: this.requiredWeight(entry, span) });
        meta.push({ entry, span, required: true });
        edges.push({ group: 2 * position + 1, item, weight: this.extraWeight(entry, span) });
        meta.push({ entry, span, required: false });
      }
    });
    const used = maxWeightAssignment(capacities, spanOf.length, edges);
    let total = 0;
    used.forEach((isUsed, position) => {
      if (!isUsed) return;
      const { entry, span, required } = meta[position] as (typeof meta)[number];
      const assignment = byEntry.get(entry.id) as EntryAssignment;
      (required ? assignment.required : assignment.extra).push(span);
      total += (edges[position] as WeightedEdge).weight;
    });
    for (const entry of entries) {
      const assignment = byEntry.get(entry.id) as EntryAssignment;
      assignment.required.sort(this.byStart);
      assignment.extra.sort(this.byStart);
    }
    return total;
  }
}

/** Groups entries whose candidate lists share a span: only those compete and need the flow. */
function components(lists: readonly number[][]): number[][] {
  const root = lists.map((_, position) => position);
  const find = (position: number): number => {
    let current = position;
    while (root[current] !== current) current = root[current] as number;
    root[position] = current;
    return current;
  };
  const firstOwner = new Map<number, number>();
  lists.forEach((spans, position) => {
    for (const span of spans) {
      const owner = firstOwner.get(span);
      if (owner === undefined) firstOwner.set(span, position);
      else root[find(position)] = find(owner);
    }
  });
  const groups = new Map<number, number[]>();
  lists.forEach((_, position) => {
    const key = find(position);
    const group = groups.get(key);
    if (group) group.push(position);
    else groups.set(key, [position]);
  });
  return [...groups.values()];
}
