import type { ViewNode } from './view-tree.js';

export interface FittedLines {
  /** By pre-order position: whether the line is shown. */
  visible: boolean[];
  /** Every level down to this one is shown in full. */
  fullDepth: number;
  /** The next level is shown in part (its first lines in pre-order). */
  partial: boolean;
}

/** The note a line gets when spans under it are hidden. */
export function hiddenNote(hidden: number): string {
  return ` (+${hidden} below)`;
}

function noteLength(view: ViewNode): number {
  return view.children.length > 0 ? hiddenNote(view.spanCount).length : 0;
}

/**
 * Chooses the lines that fit `available` characters: whole levels from the top while they fit
 * (cutting deeper levels first keeps the shape of the trace), then as many lines of the next
 * level as still fit, in pre-order. Room for the "(+N below)" notes is reserved. Lines are made
 * on demand by `lineAt`, so a 10,000-line level that cannot fit costs only the lines up to the
 * point where it overflows.
 */
export function fitToBudget(
  preorder: readonly ViewNode[],
  lineAt: (position: number) => string,
  available: number,
  limit: number,
): FittedLines {
  const byDepth: number[][] = [];
  preorder.forEach((view, position) => (byDepth[view.depth] ??= []).push(position));
  const deepest = byDepth.length - 1;
  const lastLevel = Math.min(limit, deepest);

  let fullDepth = 0;
  let used = 0;
  let reservedNotes = 0;
  for (let d = 1; d <= lastLevel; d += 1) {
    let level = 0;
    let notes = 0;
    for (const position of byDepth[d] ?? []) {
      level += lineAt(position).length + 1;
      if (d < deepest) notes += noteLength(preorder[position] as ViewNode);
      if (used + level + notes > available) break;
    }
    if (used + level + notes > available) break;
    used += level;
    reservedNotes = notes;
    fullDepth = d;
  }

  const visible = preorder.map((view) => view.depth <= fullDepth);
  let partial = false;
  if (fullDepth < lastLevel) {
    let remaining = available - used - reservedNotes;
    for (const position of byDepth[fullDepth + 1] ?? []) {
      const cost = lineAt(position).length + 1 + noteLength(preorder[position] as ViewNode);
      if (cost > remaining) break;
      visible[position] = true;
      remaining -= cost;
      partial = true;
    }
  }
  return { visible, fullDepth, partial };
}
