import * as z from 'zod';
import { MIN_TREE_BUDGET_CHARS, renderTraceTree } from '../../../../analysis/index.js';
import type { Trace } from '../../../../model/span.js';
import type { FittedBlock } from '../../../response/response-draft.js';

export const treeViewSchema = z.object({
  total_spans: z.number(),
  shown_spans: z.number(),
  hidden_spans: z
    .number()
    .describe('Spans not drawn (deep levels cut to fit the budget); see the note at the end of the text'),
  depth_shown: z.number(),
});

export type TreeView = z.infer<typeof treeViewSchema>;

/** The renderer's hidden-span marks and footer may run a little past the room it was given. */
const TREE_SLACK_CHARS = 300;

/**
 * The waterfall lives in the text (the model reads it once); the structured part says what it covers.
 * It is cut by depth, not as a list: the response layer gives it the room and its footer says how to
 * zoom.
 */
export function treeViewBlock(
  trace: Trace,
  options: { maxDepth?: number; focusSpanId?: string },
): FittedBlock {
  return {
    claim: 'first',
    fit(chars) {
      const rendered = renderTraceTree(trace, {
        budgetChars: Math.max(MIN_TREE_BUDGET_CHARS, chars - TREE_SLACK_CHARS),
        ...(options.maxDepth !== undefined ? { maxDepth: options.maxDepth } : {}),
        ...(options.focusSpanId !== undefined ? { focusSpanId: options.focusSpanId } : {}),
      });
      const view: TreeView = {
        total_spans: rendered.totalSpans,
        shown_spans: rendered.shownSpans,
        hidden_spans: rendered.hiddenSpans,
        depth_shown: rendered.depthShown,
      };
      return {
        lines: [rendered.text],
        fields: { tree: view },
        cuts: {
          spans: {
            count: rendered.hiddenSpans,
            next: 'pass focus_span_id or max_depth to zoom in, or view=spans to page every span',
            saidInText: true,
          },
        },
      };
    },
  };
}
