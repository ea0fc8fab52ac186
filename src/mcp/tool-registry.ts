import type { McpServer, ServerContext } from '@modelcontextprotocol/server';
import type { Toolset } from '../config/config-schema.js';
import { boundInputValidation } from './bounded-input-validation.js';
import { memoizeJsonSchema } from './memoized-json-schema.js';
import { VIEW_TOOLS, VIEW_TOOL_META } from './mcp-app.js';
import { budgetFromTokens, clipAnswerText } from './output-budget.js';
import { answerToolCall, type AnyTool } from './response/answer-tool-call.js';
import type { ToolDeps } from './tool-deps.js';
import { toErrorResult, toToolResult } from './tool-result.js';

export type { AnyTool };

/** The tools of the enabled toolsets. */
export function enabledTools(tools: readonly AnyTool[], toolsets: readonly Toolset[]): AnyTool[] {
  const enabled = new Set(toolsets);
  return tools.filter((tool) => enabled.has(tool.toolset));
}

/**
 * Registers tool definitions on an SDK server. Every call gets its output budget, and every thrown
 * error becomes an `isError` result with a next step: the server never answers a tool call with a
 * protocol error.
 */
export function registerTools(
  server: McpServer,
  tools: readonly AnyTool[],
  deps: ToolDeps,
  /** Called after a tool that may store something (a spec, a session, a run) answers. */
  afterWrite: () => void = () => undefined,
): void {
  // The plan's other names only with the aliases toolset: each repeats a whole tool in the catalog.
  const aliases = deps.config.mcp.toolsets.includes('aliases');
  for (const tool of tools) {
    const inputSchema = boundInputValidation(memoizeJsonSchema(tool.input), tool.innerKeys);
    const outputSchema = memoizeJsonSchema(tool.output);
    for (const name of [tool.name, ...(aliases ? (tool.synonyms ?? []) : [])]) {
      const description = name === tool.name ? tool.description : `Same as ${tool.name}. ${tool.description}`;
      server.registerTool(
        name,
        {
          title: tool.title,
          description,
          inputSchema,
          outputSchema,
          annotations: tool.annotations,
          // The MCP App draws these answers on hosts with the extension; others ignore the key.
          ...(VIEW_TOOLS.has(tool.name) ? { _meta: VIEW_TOOL_META } : {}),
        },
        async (input: Record<string, unknown>, ctx: ServerContext) => {
          const requested = typeof input.budget_tokens === 'number' ? input.budget_tokens : undefined;
          const budget = budgetFromTokens(requested ?? deps.config.mcp.output_budget_tokens);
          try {
            const output = await answerToolCall(tool, input, {
              deps,
              budget,
              progress: progressReporter(ctx, name, deps.redact.text),
              signal: ctx.mcpReq.signal,
            });
            // Last-resort guard; the response layer fits lists and says what it cut. It keeps the
            // closing lines, which carry the cursor.
            output.text = clipAnswerText(output.text, budget.chars);
            if (!tool.annotations.readOnlyHint) afterWrite();
            return deps.redact.value(toToolResult(output));
          } catch (error) {
            return deps.redact.value(toErrorResult(name, error, budget.chars));
          }
        },
      );
    }
  }
}

/**
 * MCP progress notifications for a call whose client sent a progress token: each message gets the
 * next step number (the total is unknown while a run goes on). A failed send is ignored: progress
 * is a courtesy, the result is what counts.
 */
function progressReporter(
  ctx: ServerContext,
  tool: string,
  redact: (text: string) => string,
): (message: string) => void {
  const token = ctx.mcpReq._meta?.progressToken;
  let step = 0;
  return (said) => {
    const message = redact(said);
    // Also as a log message (level info), for clients that show logs rather than progress; the SDK
    // drops it below the level the client set with logging/setLevel.
    ctx.mcpReq.log('info', message, tool).catch(() => undefined);
    if (token === undefined) return;
    step += 1;
    ctx.mcpReq
      .notify({ method: 'notifications/progress', params: { progressToken: token, progress: step, message } })
      .catch(() => undefined);
  };
}
