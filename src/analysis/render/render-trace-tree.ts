import type { Trace } from '../../model/index.js';
import { invalidArgument, notFound, OtelMcpError } from '../../model/index.js';
import { checkLimit, clip } from '../capped.js';
import { criticalPath } from '../critical-path.js';
import { spanFailure } from '../span-failure.js';
import type { SpanNode, SpanTree } from '../../model/span-tree.js';
import { buildSpanTree } from '../../model/span-tree.js';
import { fitToBudget, hiddenNote } from './fit-budget.js';
import { formatDuration } from './format-duration.js';
import type { LineContext } from './tree-line.js';
import { lineOf } from './tree-line.js';
import type { ViewNode } from './view-tree.js';
import { buildView } from './view-tree.js';
import type { BarWindow } from './waterfall-bar.js';

export interface RenderTreeOptions {
  /** Most characters of output (default 24,000 ≈ 6k tokens at ~4 chars per token). */
  budgetChars?: number;
  /** Levels to show, the top counting as 1 (default: all that fit the budget). */
  maxDepth?: number;
  /** Show only this span's subtree: a full span id or a unique prefix. */
  focusSpanId?: string;
  /** Bar width in characters (default 20, i.e. 5% of the window per cell; 0 hides bars). */
  barWidth?: number;
  /** Fold identical siblings into one `×N` line (default true). */
  collapseRepeats?: boolean;
  /** End each line with the span id (default true), so a line can be focused or looked up. */
  showSpanIds?: boolean;
  /** A tree already built for this trace. */
  tree?: SpanTree;
}

export interface RenderedTree {
  text: string;
  /** Spans in scope: the whole trace, or the focused subtree. */
  totalSpans: number;
  /** Spans folded into the lines shown. */
  shownSpans: number;
  hiddenSpans: number;
  lines: number;
  /** Deepest level shown (the top is 1). */
  depthShown: number;
  truncated: boolean;
}

export const DEFAULT_TREE_BUDGET_CHARS = 24_000;
// The "… N spans hidden" line is ~190 characters.
const FOOTER_RESERVE = 220;
// Header, one line and the "hidden" note need about this much.
export const MIN_TREE_BUDGET_CHARS = 500;
const DEFAULT_BAR_WIDTH = 20;

function resolveFocus(tree: SpanTree, focus: string): SpanNode {
  const id = focus.trim().toLowerCase();
  if (!/^[0-9a-f]{1,16}$/.test(id)) {
    throw invalidArgument(
      `focusSpanId '${clip(focus, 40)}' is not a span id`,
      'give 16 hex digits, or a unique prefix of them',
    );
  }
  const exact = tree.byId.get(id);
  if (exact !== undefined) return exact;
  const matches = tree.nodes.filter((node) => node.span.spanId.startsWith(id));
  if (matches.length === 1) return matches[0] as SpanNode;
  if (matches.length === 0) {
    throw notFound(
      `no span with id ${id} in trace ${tree.trace.traceId}`,
      'take a span id from the tree view (#…) or view=spans',
    );
  }
  const examples = matches.slice(0, 5).map((node) => `${node.span.spanId} (${node.span.name})`);
  throw new OtelMcpError(
    'AMBIGUOUS',
    `span id prefix ${id} matches ${matches.length} spans`,
    `one of: ${examples.join(', ')}`,
  );
}

function headerOf(
  traceId: string,
  focus: SpanNode | undefined,
  preorder: readonly ViewNode[],
  window: BarWindow,
  failed: ReadonlyMap<number, string>,
): string {
  let spans = 0;
  let errors = 0;
  const services = new Set<string>();
  for (const view of preorder) {
    for (const member of view.members) {
      spans += 1;
      if (failed.has(member.index)) errors += 1;
      services.add(member.span.serviceName);
    }
  }
  const windowMs = (window.endNs - window.startNs) / 1e6;
  const scope = focus === undefined ? '' : ` · focus ${focus.span.spanId}`;
  const bar = window.width > 0 ? `bar = ${formatDuration(windowMs)} in ${window.width} cells · ` : '';
  return (
    `trace ${traceId}${scope} · ${spans} spans · ${services.size} services · ${formatDuration(windowMs)} · ${errors} errors\n` +
    `${bar}✗ error · * critical path · ×N identical siblings · service shown where it changes`
  );
}

function footerOf(hidden: number, total: number, fullDepth: number, partial: boolean, why: string): string {
  const where =
    fullDepth === 0
      ? `of ${total} spans hidden (top level in part)`
      : `spans below depth ${fullDepth} hidden${partial ? ` (depth ${fullDepth + 1} in part)` : ''}`;
  const zoom = why.startsWith('maxDepth')
    ? 'raise maxDepth or pass focusSpanId (a #id above)'
    : 'pass focusSpanId (a #id above) or maxDepth';
  return `… ${hidden} ${where} (${why}); ${zoom} to zoom in, or use view=spans with cursor to page`;
}

/**
 * The trace as a compact text tree and waterfall, for a model or a person. One line per span (or
 * per group of identical siblings, `×N`): a bar of where it ran within the root's time, its
 * duration, `✗` for a failure and `*` for the critical path, then the indented service and name.
 * When the lines do not fit `budgetChars`, deeper levels are cut first and the text says how many
 * spans are hidden and how to see them.
 */
export function renderTraceTree(trace: Trace, options: RenderTreeOptions = {}): RenderedTree {
  if (trace.spans.length === 0) {
    throw invalidArgument(
      `trace ${trace.traceId} has no spans to render`,
      'fetch the trace again once its spans have arrived',
    );
  }
  const budget = checkLimit(options.budgetChars, 'budgetChars', DEFAULT_TREE_BUDGET_CHARS);
  if (budget < MIN_TREE_BUDGET_CHARS) {
    throw invalidArgument(
      `budgetChars must be at least ${MIN_TREE_BUDGET_CHARS}, got ${budget}`,
      `the default is ${DEFAULT_TREE_BUDGET_CHARS}`,
    );
  }
  const barWidth = checkLimit(options.barWidth, 'barWidth', DEFAULT_BAR_WIDTH);
  const maxDepthOption =
    options.maxDepth === undefined ? undefined : checkLimit(options.maxDepth, 'maxDepth', 0);
  if (maxDepthOption === 0) throw invalidArgument('maxDepth must be at least 1 (1 shows only the top span)');
  const tree = options.tree ?? buildSpanTree(trace);
  const focus = options.focusSpanId === undefined ? undefined : resolveFocus(tree, options.focusSpanId);

  const tops = focus === undefined ? tree.tops : [focus];
  const { preorder } = buildView(tops, options.collapseRepeats ?? true);
  const window: BarWindow =
    focus === undefined
      ? { startNs: 0, endNs: tree.endNs, width: barWidth }
      : { startNs: focus.startNs, endNs: focus.endNs, width: barWidth };

  const failed = new Map<number, string>();
  for (const node of tree.nodes) {
    const failure = spanFailure(node.span);
    if (failure !== undefined) failed.set(node.index, failure.label);
  }
  const onPath = new Set(criticalPath(tree).map((segment) => segment.node.index));
  const ctx: LineContext = { window, onPath, failed, showIds: options.showSpanIds ?? true };

  const totalSpans = preorder.reduce((n, view) => n + view.members.length, 0);
  const header = headerOf(trace.traceId, focus, preorder, window, failed);

  const lines: (string | undefined)[] = new Array(preorder.length);
  const lineAt = (position: number): string =>
    (lines[position] ??= lineOf(preorder[position] as ViewNode, ctx));
  const limit = maxDepthOption ?? Number.MAX_SAFE_INTEGER;
  const { visible, fullDepth, partial } = fitToBudget(
    preorder,
    lineAt,
    budget - header.length - 1 - FOOTER_RESERVE,
    limit,
  );

  // Spans under each line that are not shown, so the reader knows where to zoom.
  const hiddenUnder = new Map<ViewNode, number>();
  preorder.forEach((view, i) => {
    if (visible[i] || view.parent === undefined) return;
    hiddenUnder.set(view.parent, (hiddenUnder.get(view.parent) ?? 0) + view.spanCount);
  });

  const out: string[] = [header];
  let shownSpans = 0;
  let shownLines = 0;
  preorder.forEach((view, i) => {
    if (!visible[i]) return;
    const hidden = hiddenUnder.get(view);
    out.push(hidden === undefined ? lineAt(i) : `${lineAt(i)}${hiddenNote(hidden)}`);
    shownSpans += view.members.length;
    shownLines += 1;
  });

  const hiddenSpans = totalSpans - shownSpans;
  if (hiddenSpans > 0) {
    const byOption = maxDepthOption !== undefined && fullDepth === maxDepthOption;
    out.push(
      footerOf(
        hiddenSpans,
        totalSpans,
        fullDepth,
        partial,
        byOption ? `maxDepth ${fullDepth}` : `output budget ${budget} chars`,
      ),
    );
  }
  const shownDepth = partial ? fullDepth + 1 : fullDepth;
  return {
    text: out.join('\n'),
    totalSpans,
    shownSpans,
    hiddenSpans,
    lines: shownLines,
    depthShown: shownDepth,
    truncated: hiddenSpans > 0,
  };
}
