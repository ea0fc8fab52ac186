/**
 * The assignment inside one scope (docs/spec-language.md, "Entries"): which actual spans serve
 * which sibling entries. Each entry has `min` required slots and up to `max − min` extra slots.
 * Weights are tiered so that filling a required slot always beats any number of extras, and a span
 * is worth more to an entry when the entry's children can be satisfied beneath it (the recursive
 * `value`). That is what makes the assignment non-greedy: a span that would block a sibling or
 * leave children unsatisfied loses to one that satisfies both.
 */
import type { Span } from '../../model/index.js';
import type { CompiledEntry, CompiledSpec } from './compiled-spec.js';
import { maxWeightAssignment, type WeightedEdge } from './max-weight-assignment.js';
import { tagsSatisfied } from './tag-matcher.js';
import type { TraceIndex } from './trace-index.js';

/** One required slot outweighs the extras of any realistic scope (≤ 10^5 spans × small values). */
export const TIER = 1e6;

export interface EntryAssignment {
  required: number[];
  extra: number[];
  /** Every candidate could have been an extra (`max − min` ≥ candidates): extras never compete. */
  openExtras?: boolean;
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
      return named
        .filter((span) => localMatch(entry, index.spans[span] as Span))
        .sort((a, b) => (index.enter[a] ?? 0) - (index.enter[b] ?? 0));
    });
    this.memo = spec.entries.map(() => new Float64Array(0));
    for (const entry of spec.entries) {
      if (entry.count.max !== 0) continue;
      const parents = entry.parent ? new Set(this.candidates[entry.parent.id] ?? []) : undefined;
      for (const span of this.candidates[entry.id] ?? [])
        if (this.inSomeScope(entry, parents, span)) this.forbidden.add(span);
    }
  }

  /** Whether the span lies where some candidate of the entry's parent would look for the entry. */
  private inSomeScope(entry: CompiledEntry, parents: ReadonlySet<number> | undefined, span: number): boolean {
    if (!parents) return true;
    for (
      let ancestor = this.index.parent[span] ?? -1;
      ancestor >= 0;
      ancestor = this.index.parent[ancestor] ?? -1
    ) {
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
          ? this.solveAlone(
              active[component[0] as number] as CompiledEntry,
              lists[component[0] as number] as number[],
              byEntry,
            )
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

  extraWeight(entry: CompiledEntry, span: number): number {
    return 1 + this.value(entry, span) / TIER + this.tieBreak(span);
  }

  private solveAlone(entry: CompiledEntry, spans: number[], byEntry: Map<number, EntryAssignment>): number {
    const ranked = spans
      .map((span) => ({ span, weight: this.requiredWeight(entry, span) }))
      .sort((a, b) => b.weight - a.weight);
    const assignment = byEntry.get(entry.id) as EntryAssignment;
    let total = 0;
    const extras = entry.count.max - entry.count.min;
    if (extras >= spans.length) assignment.openExtras = true;
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

  private readonly byStart = (a: number, b: number): number =>
    (this.index.startRank[a] ?? 0) - (this.index.startRank[b] ?? 0);

  /**
   * Sibling entries that share candidates, by max-weight assignment. Two reductions keep the flow
   * to the slots that really compete (a 1,000-span scope with two open-ended twins went from
   * ~1,000 augmentations to 2):
   * - Extras that cannot run out (`max − min` ≥ the entry's candidates, e.g. the default open-ended
   *   count) never compete: a span no slot takes falls back to the best such extra. The flow
   *   only sees each span's gain over that fallback, and spans whose gain is nothing stay out.
   * - A group with capacity c among groups of total capacity C needs only its C best spans: if it
   *   used a worse one, one of its C best would be free to take its place.
   */
  private solveTogether(
    entries: CompiledEntry[],
    lists: number[][],
    byEntry: Map<number, EntryAssignment>,
  ): number {
    const fallback = new Map<number, { entry: CompiledEntry; weight: number }>();
    const flowExtras = entries.map((entry, position) => {
      const spans = lists[position] as number[];
      const extras = entry.count.max - entry.count.min;
      if (extras < spans.length) return extras;
      for (const span of spans) {
        const weight = this.extraWeight(entry, span);
        const best = fallback.get(span);
        if (best === undefined || weight > best.weight) fallback.set(span, { entry, weight });
      }
      (byEntry.get(entry.id) as EntryAssignment).openExtras = true;
      return 0;
    });
    const gainOver = (span: number, weight: number): number => weight - (fallback.get(span)?.weight ?? 0);

    interface Slot {
      entry: CompiledEntry;
      required: boolean;
      capacity: number;
      options: { span: number; weight: number; gain: number }[];
    }
    const slots: Slot[] = [];
    entries.forEach((entry, position) => {
      const spans = lists[position] as number[];
      for (const required of [true, false]) {
        const capacity = required ? entry.count.min : (flowExtras[position] as number);
        if (capacity <= 0) continue;
        const options = [];
        for (const span of spans) {
          const weight = required ? this.requiredWeight(entry, span) : this.extraWeight(entry, span);
          const gain = gainOver(span, weight);
          if (gain > 0) options.push({ span, weight, gain });
        }
        slots.push({ entry, required, capacity, options });
      }
    });
    const totalCapacity = slots.reduce((sum, slot) => sum + slot.capacity, 0);
    const items = new Map<number, number>();
    const capacities: number[] = [];
    const edges: WeightedEdge[] = [];
    const meta: { slot: Slot; span: number; weight: number }[] = [];
    slots.forEach((slot, group) => {
      capacities.push(slot.capacity);
      const kept =
        slot.options.length > totalCapacity
          ? [...slot.options].sort((a, b) => b.gain - a.gain).slice(0, totalCapacity)
          : slot.options;
      for (const { span, weight, gain } of kept) {
        let item = items.get(span);
        if (item === undefined) {
          item = items.size;
          items.set(span, item);
        }
        edges.push({ group, item, weight: gain });
        meta.push({ slot, span, weight });
      }
    });
    const used = edges.length > 0 ? maxWeightAssignment(capacities, items.size, edges) : [];
    let total = 0;
    const served = new Set<number>();
    used.forEach((isUsed, position) => {
      if (!isUsed) return;
      const { slot, span, weight } = meta[position] as (typeof meta)[number];
      const assignment = byEntry.get(slot.entry.id) as EntryAssignment;
      (slot.required ? assignment.required : assignment.extra).push(span);
      served.add(span);
      total += weight;
    });
    for (const [span, { entry, weight }] of fallback) {
      if (served.has(span)) continue;
      (byEntry.get(entry.id) as EntryAssignment).extra.push(span);
      total += weight;
    }
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
