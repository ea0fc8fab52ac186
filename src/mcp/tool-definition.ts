import type * as z from 'zod';
import type { Toolset } from '../config/config-schema.js';
import type { OutputBudget } from './output-budget.js';
import type { ResponseDraft } from './response/response-draft.js';
import type { ToolDeps } from './tool-deps.js';

/** What a handler returns: the structured data (matching the output schema) and a short text rendering. */
export interface ToolOutput<Structured> {
  structured: Structured;
  /** What a model reads first: compact, and never a second copy of a large structured payload. */
  text: string;
}

export interface ToolContext {
  deps: ToolDeps;
  budget: OutputBudget;
  /** Reports progress to the client when it asked for it (a progress token); otherwise a no-op. */
  progress?: (message: string) => void;
  /** Aborted when the client cancels the call. */
  signal?: AbortSignal;
  /**
   * The call carries a cursor: the page shows the rest of the lists, so a handler may leave out
   * what the first page already showed beside them (a summary, a waterfall).
   */
  continuedPage?: boolean;
}

export interface ToolAnnotations {
  readOnlyHint: boolean;
  destructiveHint?: boolean;
  idempotentHint?: boolean;
  openWorldHint?: boolean;
}

/**
 * One tool, declared as data (name, schemas, annotations, handler) and registered by the registry.
 * A handler throws `OtelMcpError` for failures the agent can act on; the registry turns it into
 * an `isError` result carrying the hint.
 */
export interface ToolDefinition<
  Input extends z.ZodObject = z.ZodObject,
  Output extends z.ZodObject = z.ZodObject,
> {
  name: string;
  /** The project plan's other names for the same handler. */
  synonyms?: string[];
  title: string;
  description: string;
  toolset: Toolset;
  input: Input;
  output: Output;
  annotations: ToolAnnotations;
  /**
   * The keys an argument that takes any keys expects (`updates`: a spec update's fields), so a call
   * that gives one beside it instead of inside it (`strict: true` for `updates: {strict: true}`),
   * or misspells one there, is told where it belongs.
   */
  innerKeys?: Readonly<Record<string, readonly string[]>>;
  /**
   * Answers with a draft the response layer fits to the budget and pages (every list it may cut
   * gets a cursor), or, for answers with nothing to cut, with the finished output.
   */
  handler(
    input: z.infer<Input>,
    context: ToolContext,
  ): Promise<ToolOutput<z.infer<Output>> | ResponseDraft<DraftFields<z.infer<Output>>>>;
}

/**
 * A draft's fields: the output without the lists the layer adds, at the top level or one level down
 * (a list section's `parent`).
 */
export type DraftFields<Output> = {
  [Key in keyof Output]?: NonNullable<Output[Key]> extends readonly unknown[]
    ? Output[Key]
    : NonNullable<Output[Key]> extends object
      ? Partial<NonNullable<Output[Key]>>
      : Output[Key];
};

export function defineTool<Input extends z.ZodObject, Output extends z.ZodObject>(
  definition: ToolDefinition<Input, Output>,
): ToolDefinition<Input, Output> {
  return definition;
}

export const READ_ONLY: ToolAnnotations = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: false,
};
