/**
 * Runs one tool call through the response layer: checks a cursor against the call, pins the clock,
 * and fits the handler's draft to the budget. The MCP registry, the demo and the benchmarks all
 * answer through here, so none of them sees an unfitted answer.
 */
import { invalidArgument } from '../../model/errors.js';
import type { OutputBudget } from '../output-budget.js';
import type { ToolContext, ToolDefinition, ToolOutput } from '../tool-definition.js';
import { fitResponse } from './fit-response.js';
import { argumentsFingerprint, decodeResponseCursor } from './response-cursor.js';
import type { ResponseDraft } from './response-draft.js';
import { withViewLink } from '../ui-link.js';

export type AnyTool = ToolDefinition<any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export async function answerToolCall(
  tool: AnyTool,
  input: Record<string, unknown>,
  context: ToolContext & { budget: OutputBudget },
): Promise<ToolOutput<Record<string, unknown>>> {
  const args = argumentsFingerprint(input);
  const repeatable = tool.annotations.readOnlyHint || tool.annotations.idempotentHint === true;
  if (typeof input.cursor === 'string' && !repeatable)
    throw invalidArgument(
      `${tool.name} does not page with a cursor: calling it again would repeat what it did`,
      'read the rest where its answer says (a read tool such as get_session_metrics or compare_trace_to_spec)',
    );
  const cursor =
    typeof input.cursor === 'string' ? decodeResponseCursor(input.cursor, tool.name, input) : undefined;
  // One clock per call, and a continued page keeps its first page's, so a relative time window
  // pages the same traces.
  const now = cursor ? new Date(cursor.now) : context.deps.now();
  const answer = (await tool.handler(input, {
    ...context,
    continuedPage: cursor !== undefined,
    deps: { ...context.deps, now: () => now },
  })) as ToolOutput<Record<string, unknown>> | ResponseDraft<object>;
  if (!('lead' in answer)) return withViewLink(answer, context.deps.ui);
  return withViewLink(
    fitResponse(answer, context.budget, {
      tool: tool.name,
      args,
      now,
      repeatable,
      takesBudget: 'budget_tokens' in tool.input.shape,
      ...(cursor ? { cursor } : {}),
    }),
    context.deps.ui,
  );
}
