import * as z from 'zod';
import { renderTraceTree } from '../../../../analysis/index.js';
import type { Trace } from '../../../../model/span.js';
import type { OutputBudget } from '../../../output-budget.js';

export const treeViewSchema = z.object({
  total_spans: z.number(),
  shown_spans: z.number(),
  hidden_spans: z
    .number()
    .describe('Spans not drawn (deep levels cut to fit the budget); see the note at the end of the text'),
  depth_shown: z.number(),
});

export type TreeView = z.infer<typeof treeViewSchema>;

/**
 * The waterfall lives in the text (the model reads it once); the structured part says what it covers.
 * It is cut by depth, not as a list, so it fits itself to the budget and its footer says how to zoom.
 */
export function buildTreeView(
  trace: Trace,
  budget: OutputBudget,
  options: { maxDepth?: number; focusSpanId?: string },
): { view: TreeView; text: string } {
  const rendered = renderTraceTree(trace, {
    budgetChars: budget.chars - 300,
    ...(options.maxDepth !== undefined ? { maxDepth: options.maxDepth } : {}),
    ...(options.focusSpanId !== undefined ? { focusSpanId: options.focusSpanId } : {}),
  });
  return {
    view: {
      total_spans: rendered.totalSpans,
      shown_spans: rendered.shownSpans,
      hidden_spans: rendered.hiddenSpans,
      depth_shown: rendered.depthShown,
    },
    text: rendered.text,
  };
}
