/**
 * The whole-trace assignment, built scope by scope from the top. Scopes can overlap (a top-level
 * entry may match anywhere, including inside another entry's subtree; a recursive span nests its
 * own scope), so two scopes may want the same span. Each such conflict is settled by re-solving
 * both scopes without the span and letting the one that loses more keep it; a few rounds settle
 * realistic specs, and a last first-come pass guarantees that no span serves two entries.
 */
import type { CompiledEntry } from './compiled-spec.js';
import type { ScopeSolution, ScopeSolver } from './scope-solver.js';

export interface ScopeInstance {
  /** Stable identity across rounds: the chain of (entry, span) choices that created it. */
  key: string;
  /** The span whose subtree is the scope, or −1 for the whole trace. */
  owner: number;
  /** The entry `owner` was matched to; undefined for the top-level scope. */
  parentEntry?: CompiledEntry;
  entries: readonly CompiledEntry[];
  solution: ScopeSolution;
  /** A scope of orphans that lost the same parent span (orphan-anchors.ts): only these spans are in it. */
  lostParent?: { spanId: string; orphans: ReadonlySet<number> };
}

export interface SpanUse {
  instance: ScopeInstance;
  entry: CompiledEntry;
  required: boolean;
}

export interface AssignmentPlan {
  instances: ScopeInstance[];
  /** The entry each assigned span serves. */
  useOf: Map<number, SpanUse>;
}

/** Rounds of conflict repair; each round settles every conflict it sees, so 8 is ample. */
const REPAIR_ROUNDS = 8;
/** Share of a scope total below which two losses are rounding noise (2^-44: see max-weight-assignment). */
const LOSS_TOLERANCE = 2 ** -44;

export function planAssignment(solver: ScopeSolver): AssignmentPlan {
  const exclusions = new Map<string, Set<number>>();
  for (let round = 0; round < REPAIR_ROUNDS; round += 1) {
    const instances = realize(solver, exclusions, false);
    const conflicts = findConflicts(instances);
    if (conflicts.size === 0) return { instances, useOf: usesOf(instances) };
    // Conflicts over required slots first: the loser re-picks its required spans next round,
    // and only then is it clear which extras it can spare. Settled in the same round, an entry
    // needing one of 1,000 contested spans lost every one of them to a sibling's extras.
    const pressing = [...conflicts].filter(([, claimants]) =>
      claimants.some((claimant) => claimant.required),
    );
    for (const [span, claimants] of pressing.length > 0 ? pressing : conflicts)
      settle(solver, span, claimants, exclusions);
  }
  const instances = realize(solver, exclusions, true);
  return { instances, useOf: usesOf(instances) };
}

function realize(
  solver: ScopeSolver,
  exclusions: Map<string, Set<number>>,
  firstComeOnly: boolean,
): ScopeInstance[] {
  const claimed = new Set<number>();
  const instances: ScopeInstance[] = [];
  const queue: Omit<ScopeInstance, 'solution'>[] = [{ key: '', owner: -1, entries: solver.spec.topLevel }];
  for (let head = 0; head < queue.length; head += 1) {
    const pending = queue[head] as Omit<ScopeInstance, 'solution'>;
    const learned = exclusions.get(pending.key);
    let excluded: ReadonlySet<number> | undefined = learned;
    if (firstComeOnly) excluded = new Set([...(learned ?? []), ...claimed]);
    const solution = solver.solve(pending.entries, pending.owner, excluded);
    const instance: ScopeInstance = { ...pending, solution };
    instances.push(instance);
    for (const entry of pending.entries) {
      const assignment = solution.byEntry.get(entry.id);
      if (!assignment) continue;
      for (const span of [...assignment.required, ...assignment.extra]) {
        claimed.add(span);
        if (entry.children.length > 0) {
          queue.push({
            key: `${pending.key}/${entry.id}@${span}`,
            owner: span,
            parentEntry: entry,
            entries: entry.children,
          });
        }
      }
    }
  }
  return instances;
}

type Claimant = SpanUse;

function findConflicts(instances: readonly ScopeInstance[]): Map<number, Claimant[]> {
  const claims = new Map<number, Claimant[]>();
  for (const instance of instances) {
    for (const entry of instance.entries) {
      const assignment = instance.solution.byEntry.get(entry.id);
      if (!assignment) continue;
      for (const [spans, required] of [
        [assignment.required, true],
        [assignment.extra, false],
      ] as const) {
        for (const span of spans) {
          const list = claims.get(span);
          const claim = { instance, entry, required };
          if (list) list.push(claim);
          else claims.set(span, [claim]);
        }
      }
    }
  }
  for (const [span, list] of claims) if (list.length < 2) claims.delete(span);
  return claims;
}

/** The claimant that would lose most without the span keeps it; ties go to the deeper, more constrained scope. */
function settle(
  solver: ScopeSolver,
  span: number,
  claimants: Claimant[],
  exclusions: Map<string, Set<number>>,
): void {
  const scored = claimants.map((claimant) => {
    const { instance, entry, required } = claimant;
    const depth = instance.key.split('/').length;
    // An extra that could not run out costs exactly its own weight: nothing else wanted it (or
    // it would not be an extra), and without it the rest of the solution stands. This keeps a
    // scope of n contested spans at n look-ups instead of n re-solves (1,000 spans: ~2 s → ms).
    if (!required && instance.solution.byEntry.get(entry.id)?.openExtras) {
      return { claimant, loss: solver.extraWeight(entry, span), depth };
    }
    const without = new Set(exclusions.get(instance.key));
    without.add(span);
    const loss = instance.solution.total - solver.solve(instance.entries, instance.owner, without).total;
    return { claimant, loss, depth };
  });
  // Totals of 10^6..10^8 subtract with rounding noise: losses this close are a tie. On a tie a
  // required slot beats an extra (every conflict of a round is settled at once, so the "other
  // candidate" a required slot could fall back on may be taken in the same round), then the
  // deeper, more constrained scope.
  const magnitude = Math.max(...claimants.map((claimant) => Math.abs(claimant.instance.solution.total)));
  const tolerance = Math.max(1e-9, magnitude * LOSS_TOLERANCE);
  scored.sort(
    (a, b) =>
      (Math.abs(a.loss - b.loss) > tolerance ? b.loss - a.loss : 0) ||
      Number(b.claimant.required) - Number(a.claimant.required) ||
      b.depth - a.depth,
  );
  for (const { claimant } of scored.slice(1)) {
    const key = claimant.instance.key;
    const set = exclusions.get(key) ?? new Set<number>();
    set.add(span);
    exclusions.set(key, set);
  }
}

function usesOf(instances: readonly ScopeInstance[]): Map<number, SpanUse> {
  const uses = new Map<number, SpanUse>();
  for (const instance of instances) {
    for (const entry of instance.entries) {
      const assignment = instance.solution.byEntry.get(entry.id);
      if (!assignment) continue;
      for (const span of assignment.required)
        if (!uses.has(span)) uses.set(span, { instance, entry, required: true });
      for (const span of assignment.extra)
        if (!uses.has(span)) uses.set(span, { instance, entry, required: false });
    }
  }
  return uses;
}
