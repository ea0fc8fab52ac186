/**
 * Where the spans that arrived without their parent belong. When the upper part of a trace was lost
 * (a service crashed or exited before its SDK sent its spans), what did arrive hangs from parents
 * that are not there: orphans. The plan looks for an entry only beneath a span of its parent entry,
 * so nothing looks at them, and they read as the root's near miss ("emit `POST /loans` from
 * gateway") with the intact subtree beneath them listed as unexpected.
 *
 * An orphan that matches an entry whole (name, service, kind, required tags), where neither that
 * entry nor its parent entry found a span, is anchored there. The orphans of one missing parent span
 * stand for one instance of the parent entry: they are checked as its children (count, duration,
 * optional tags, order), provisionally, as beneath a near miss, and their own children beneath them.
 * The parent entry is then reported as lost rather than unmade, once per missing parent span.
 */
import type { Span } from '../../model/index.js';
import type { AssignmentPlan } from './assignment-plan.js';
import type { CompiledEntry } from './compiled-spec.js';
import { localMatch } from './scope-solver.js';
import type { TraceIndex } from './trace-index.js';

/** The orphans of one missing parent span, each anchored to a child entry of `parentEntry`. */
export interface LostParent {
  parentEntry: CompiledEntry;
  missingParentId: string;
  /** Orphan span index → the entry it stands for (a child of `parentEntry`). */
  anchored: Map<number, CompiledEntry>;
}

export interface LostBeneath {
  orphan: number;
  direct: boolean;
}

export interface OrphanAnchors {
  lostParents: LostParent[];
  /**
   * Entry id → orphans anchored beneath it, one per missing parent span: what explains the entry
   * finding nothing, once each. `direct`: the entry is the lost parent's own; a higher ancestor is
   * explained so only when no near miss is (its span may have arrived, failing a rule).
   */
  beneath: Map<number, LostBeneath[]>;
}

export function anchorOrphans(
  index: TraceIndex,
  entries: readonly CompiledEntry[],
  plan: AssignmentPlan,
): OrphanAnchors {
  const served = new Set<number>();
  for (const use of plan.useOf.values()) served.add(use.entry.id);
  const byParent = new Map<string, LostParent>();
  for (let span = 0; span < index.spans.length; span += 1) {
    if (!index.orphan[span] || plan.useOf.has(span)) continue;
    const actual = index.spans[span] as Span;
    let anchor: CompiledEntry | undefined;
    // The shallowest match (the nearest the lost part); on a tie, the first in the spec.
    for (const entry of entries) {
      if (entry.parent === undefined || entry.count.max === 0) continue;
      if (served.has(entry.id) || served.has(entry.parent.id)) continue;
      if (localMatch(entry, actual) && (anchor === undefined || entry.depth < anchor.depth)) anchor = entry;
    }
    if (anchor?.parent === undefined) continue;
    const missingParentId = actual.parentSpanId ?? '';
    const key = `${anchor.parent.id}@${missingParentId}`;
    const lost = byParent.get(key) ?? { parentEntry: anchor.parent, missingParentId, anchored: new Map() };
    lost.anchored.set(span, anchor);
    byParent.set(key, lost);
  }
  const beneath = new Map<number, LostBeneath[]>();
  for (const lost of byParent.values()) {
    const [orphan] = lost.anchored.keys() as IterableIterator<number>;
    for (let above: CompiledEntry | undefined = lost.parentEntry; above !== undefined; above = above.parent) {
      const list = beneath.get(above.id) ?? [];
      list.push({ orphan: orphan as number, direct: above === lost.parentEntry });
      beneath.set(above.id, list);
    }
  }
  return { lostParents: [...byParent.values()], beneath };
}
