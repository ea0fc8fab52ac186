import { roundMs } from './capped.js';
import type { SpanRef } from './span-ref.js';
import { spanRef } from './span-ref.js';
import type { Span } from '../model/index.js';
import type { SpanTree } from '../model/span-tree.js';
import { nsToMs } from '../model/span-tree.js';

/**
 * Whose clocks timed a child and its parent. With one clock (`same-process`, `same-host`) a child
 * outside its parent is not skew: the child outlived its parent, or the parent was ended early.
 */
export type ClockRelation = 'same-process' | 'same-host' | 'different-hosts' | 'unknown';

/** A child outside its parent's interval. */
export interface ClockSkew {
  span: SpanRef;
  parent: SpanRef;
  /** How long before the parent's start the child started (0 when it did not). */
  startsBeforeParentMs: number;
  /** How long after the parent's end the child ended (0 when it did not). */
  endsAfterParentMs: number;
  /** Parent and child report different services. */
  crossService: boolean;
  clock: ClockRelation;
}

/**
 * 1 ms: Node SDKs stamp starts in whole milliseconds and time the duration from there, so a span
 * can read up to 1 ms early at both ends; a child ending 0.4 ms after its parent is that rounding.
 */
export const DEFAULT_CLOCK_SKEW_TOLERANCE_MS = 1;

function hostOf(span: Span): unknown {
  return span.resource.attributes['host.id'] ?? span.resource.attributes['host.name'];
}

/** Present on both spans with different values. */
function differs(a: Span, b: Span, key: string): boolean {
  const left = a.resource.attributes[key];
  const right = b.resource.attributes[key];
  return left !== undefined && right !== undefined && left !== right;
}

function clockRelation(child: Span, parent: Span): ClockRelation {
  const childHost = hostOf(child);
  const parentHost = hostOf(parent);
  if (childHost !== undefined && parentHost !== undefined && childHost !== parentHost)
    return 'different-hosts';
  // A same-service parent and child are one process unless its identity attributes say otherwise.
  if (
    child.serviceName === parent.serviceName &&
    !differs(child, parent, 'process.pid') &&
    !differs(child, parent, 'service.instance.id')
  )
    return 'same-process';
  return childHost !== undefined && childHost === parentHost ? 'same-host' : 'unknown';
}

/**
 * Children that start before or end after their parent. A consumer ending after its producer is
 * normal (the message is handled later), so only its early start counts. `toleranceMs` ignores
 * rounding noise. Each is told apart by `clock`: only two hosts' clocks can disagree.
 */
export function findClockSkew(tree: SpanTree, toleranceMs = DEFAULT_CLOCK_SKEW_TOLERANCE_MS): ClockSkew[] {
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
      clock: clockRelation(node.span, parent.span),
    });
  }
  return found.sort(
    (a, b) =>
      Math.max(b.startsBeforeParentMs, b.endsAfterParentMs) -
      Math.max(a.startsBeforeParentMs, a.endsAfterParentMs),
  );
}
