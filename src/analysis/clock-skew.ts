import { roundMs } from './capped.js';
import type { SpanRef } from './span-ref.js';
import { spanRef } from './span-ref.js';
import type { SpanTree } from '../model/span-tree.js';
import { nsToMs } from '../model/span-tree.js';

/** A child outside its parent's interval. */
export interface ClockSkew {
  span: SpanRef;
  parent: SpanRef;
  /** How long before the parent's start the child started (0 when it did not). */
  startsBeforeParentMs: number;
  /** How long after the parent's end the child ended (0 when it did not). */
  endsAfterParentMs: number;
  /** Parent and child report different services: the two hosts' clocks disagree. */
  crossService: boolean;
}

/**
 * Children that start before or end after their parent. A consumer ending after its producer is
 * normal (the message is handled later), so only its early start counts. `toleranceMs` ignores
 * rounding noise, e.g. SDKs that record microseconds.
 */
export function findClockSkew(tree: SpanTree, toleranceMs = 0): ClockSkew[] {
  const tolerance = toleranceMs * 1e6;
  const found: ClockSkew[] = [];
  for (const node of tree.nodes) {
    const parent = node.parent;
    if (parent === undefined) continue;
    const early = parent.startNs - node.startNs;
    const async = parent.span.kind === 'producer' && node.span.kind === 'consumer';
    const late = async ? 0 : node.endNs - parent.endNs;
    if (early <= tolerance && late <= tolerance) continue;
    found.push({
      span: spanRef(node.span),
      parent: spanRef(parent.span),
      startsBeforeParentMs: roundMs(nsToMs(Math.max(early, 0))),
      endsAfterParentMs: roundMs(nsToMs(Math.max(late, 0))),
      crossService: node.span.serviceName !== parent.span.serviceName,
    });
  }
  return found.sort(
    (a, b) =>
      Math.max(b.startsBeforeParentMs, b.endsAfterParentMs) -
      Math.max(a.startsBeforeParentMs, a.endsAfterParentMs),
  );
}
