/**
 * Where the spans that arrived without their parent belong. When the upper part of a trace was lost
 * (a service crashed or exited before its SDK sent its spans), what did arrive hangs from parents
 * that are not there: orphans. The plan looks for an entry only beneath a span of its parent entry,
 * so nothing looks at them, and they read as the root's near miss ("emit `POST /loans` from
 * gateway") with the intact subtree beneath them listed as unexpected.
 *
 * An orphan that matches an entry whole (name, service, kind, required tags), where neither that
 * entry nor its parent entry found a span, is anchored there: the entry's children are then checked
 * beneath it, provisionally (as beneath a near miss), and the entries above it are reported as
 * missing with the orphan as the evidence that their spans did not arrive, not that they are unmade.
 */
import type { Span } from '../../model/index.js';
import type { AssignmentPlan } from './assignment-plan.js';
import type { CompiledEntry } from './compiled-spec.js';
import { localMatch } from './scope-solver.js';
import type { TraceIndex } from './trace-index.js';

export interface OrphanAnchors {
  /** Orphan span index → the entry it stands for. */
  bySpan: Map<number, CompiledEntry>;
  /** Entry id of every ancestor of an anchored entry → the first orphan anchored beneath it. */
  beneath: Map<number, number>;
}

export function anchorOrphans(
  index: TraceIndex,
  entries: readonly CompiledEntry[],
  plan: AssignmentPlan,
): OrphanAnchors {
  const served = new Set<number>();
  for (const use of plan.useOf.values()) served.add(use.entry.id);
  const bySpan = new Map<number, CompiledEntry>();
  const beneath = new Map<number, number>();
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
    if (anchor === undefined) continue;
    bySpan.set(span, anchor);
    for (let above = anchor.parent; above !== undefined; above = above.parent)
      if (!beneath.has(above.id)) beneath.set(above.id, span);
  }
  return { bySpan, beneath };
}
