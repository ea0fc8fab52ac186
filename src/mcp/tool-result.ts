import type { CallToolResult } from '@modelcontextprotocol/server';
import { errorMessage, isOtelMcpError, type ErrorCode } from '../model/errors.js';
import { boundErrorText, MAX_ERROR_TEXT_CHARS } from './bounded-error-text.js';
import { bigintReplacer } from './output-budget.js';
import type { ToolOutput } from './tool-definition.js';

/** Turns a handler's output into the SDK's result: text for the model, structured data for programs. */
export function toToolResult(output: ToolOutput<unknown>): CallToolResult {
  // Round-trip through JSON so bigints become strings and undefined fields disappear before validation.
  const structured = JSON.parse(JSON.stringify(output.structured, bigintReplacer)) as Record<string, unknown>;
  return { content: [{ type: 'text', text: output.text }], structuredContent: structured };
}

const NEXT_STEP: Partial<Record<ErrorCode, string>> = {
  INTERNAL:
    'This is a bug in otel-mcp; the server keeps running. Retry once, then report it with the message above.',
};

/**
 * The one mapping from a thrown error to an MCP tool result (`isError: true`), with a next step. The
 * text is bounded (by the call's answer budget): a message may quote the input it refuses, and that
 * input may be megabytes.
 */
export function toErrorResult(
  toolName: string,
  error: unknown,
  maxChars = MAX_ERROR_TEXT_CHARS,
): CallToolResult {
  const code: ErrorCode = isOtelMcpError(error) ? error.code : 'INTERNAL';
  const hint = isOtelMcpError(error) ? error.hint : undefined;
  const lines = [`${toolName} failed (${code}): ${errorMessage(error)}`];
  const next = hint ?? NEXT_STEP[code];
  if (next) lines.push(`Next: ${next}`);
  return { content: [{ type: 'text', text: boundErrorText(lines.join('\n'), maxChars) }], isError: true };
}
