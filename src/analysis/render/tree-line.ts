import { clip } from '../capped.js';
import type { SpanNode } from '../../model/span-tree.js';
import { formatDuration } from './format-duration.js';
import type { ViewNode } from './view-tree.js';
import type { BarWindow } from './waterfall-bar.js';
import { waterfallBar } from './waterfall-bar.js';

// Deeper levels keep this indentation and say their level instead, so a 500-deep chain stays readable.
const MAX_INDENT_LEVELS = 24;

export interface LineContext {
  window: BarWindow;
  onPath: Set<number>;
  failed: Map<number, string>;
  showIds: boolean;
}

function sum(members: readonly SpanNode[]): number {
  let total = 0;
  for (const node of members) total += node.endNs - node.startNs;
  return total;
}

/**
 * One line: bar, duration, marks (`✗` failed, `*` critical path), indentation, then
 * `service: name` (service only where it changes), the `×N` fold or the failure reason, the id.
 */
export function lineOf(view: ViewNode, ctx: LineContext): string {
  const members = view.members;
  const first = members[0] as SpanNode;
  const span = first.span;
  const errors = members.filter((node) => ctx.failed.has(node.index)).length;
  const critical = members.some((node) => ctx.onPath.has(node.index));
  const totalMs = sum(members) / 1e6;

  const parentService = view.parent?.members[0]?.span.serviceName;
  let label = parentService === span.serviceName ? span.name : `${span.serviceName}: ${span.name}`;
  const level = view.depth - 1;
  if (level > MAX_INDENT_LEVELS) label = `(L${view.depth}) ${label}`;
  if (members.length > 1) {
    const errorNote = errors > 0 ? `, ${errors} ✗` : '';
    label += ` ×${members.length} (total ${formatDuration(totalMs)}, avg ${formatDuration(totalMs / members.length)}${errorNote})`;
  } else if (errors > 0) {
    label += ` [${clip(ctx.failed.get(first.index) ?? 'error', 60)}]`;
  }
  if (view.parent === undefined && first.parent === undefined && span.parentSpanId !== undefined) {
    label += ` (orphan: parent ${span.parentSpanId} missing)`;
  }
  if (ctx.showIds) label += ` #${span.spanId}`;

  const bar = waterfallBar(members, ctx.window);
  const marks = `${errors > 0 ? '✗' : ' '}${critical ? '*' : ' '}`;
  const indent = '  '.repeat(Math.min(level, MAX_INDENT_LEVELS));
  return `${bar}${bar === '' ? '' : ' '}${formatDuration(totalMs).padStart(6)} ${marks} ${indent}${label}`;
}
