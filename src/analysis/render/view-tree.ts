import type { SpanNode } from '../../model/span-tree.js';
import { callDestination } from '../../model/call-destination.js';

/** One line of the tree view: a span, or identical siblings folded together (`×N`). */
export interface ViewNode {
  /** One span, or every identical sibling folded into this line (in start order). */
  members: SpanNode[];
  /** 1 for the top line. */
  depth: number;
  children: ViewNode[];
  /** The enclosing line, absent at the top. */
  parent: ViewNode | undefined;
  /** Spans folded into this line and every line below it. */
  spanCount: number;
}

function sameKey(node: SpanNode): string {
  const orphan = node.parent === undefined && node.span.parentSpanId !== undefined ? 'orphan' : '';
  return `${node.span.serviceName}\u0000${node.span.kind}\u0000${node.span.name}\u0000${orphan}\u0000${callDestination(node.span)}`;
}

/**
 * Groups sibling spans into lines. With `collapse`, siblings with the same service, kind and name
 * (and, for calls, destination) become one line at the place of the first; the children of all of
 * them are merged one level down and folded again, so a loop of 50 requests each running a query
 * reads as two lines.
 */
function groupSiblings(nodes: readonly SpanNode[], collapse: boolean): SpanNode[][] {
  if (!collapse) return nodes.map((node) => [node]);
  const groups = new Map<string, SpanNode[]>();
  for (const node of nodes) {
    const key = sameKey(node);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [node]);
    else group.push(node);
  }
  return [...groups.values()];
}

function childrenOf(members: readonly SpanNode[]): SpanNode[] {
  if (members.length === 1) return (members[0] as SpanNode).children;
  const all: SpanNode[] = [];
  for (const member of members) for (const child of member.children) all.push(child);
  return all.sort((a, b) => a.startNs - b.startNs || a.index - b.index);
}

/**
 * Builds the lines for `tops` (shown at depth 1) and everything under them, in pre-order.
 * Iterative, so a chain thousands of spans deep cannot overflow the stack.
 */
export function buildView(
  tops: readonly SpanNode[],
  collapse: boolean,
): { roots: ViewNode[]; preorder: ViewNode[] } {
  const make = (members: SpanNode[], parent: ViewNode | undefined): ViewNode => ({
    members,
    depth: parent === undefined ? 1 : parent.depth + 1,
    children: [],
    parent,
    spanCount: members.length,
  });
  const roots = groupSiblings(tops, collapse).map((members) => make(members, undefined));
  const preorder: ViewNode[] = [];
  const stack = [...roots].reverse();
  while (stack.length > 0) {
    const view = stack.pop() as ViewNode;
    preorder.push(view);
    for (const members of groupSiblings(childrenOf(view.members), collapse))
      view.children.push(make(members, view));
    for (let i = view.children.length - 1; i >= 0; i -= 1) stack.push(view.children[i] as ViewNode);
  }
  for (let i = preorder.length - 1; i >= 0; i -= 1) {
    const view = preorder[i] as ViewNode;
    if (view.parent !== undefined) view.parent.spanCount += view.spanCount;
  }
  return { roots, preorder };
}
