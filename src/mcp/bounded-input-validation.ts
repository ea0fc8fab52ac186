import * as z from 'zod';
import { boundErrorText, clipEcho } from './bounded-error-text.js';
import { unknownArguments } from './unknown-arguments.js';

/**
 * A tool's arguments may hold at most 2 MiB of JSON: a spec or a pasted analysis is a few tens of
 * KB (an answer is 32,000 characters by default), and anything past it is refused before it is
 * parsed, validated or echoed. Twice the 1 MiB a spec may have, so a spec just over its own limit is
 * refused by the spec's clearer message, not by this one.
 */
export const MAX_ARGUMENT_CHARS = 2 * 1024 * 1024;
/** Validation lists its first five problems and counts the rest: a 100,000-item array once made 100,000. */
const MAX_LISTED_ISSUES = 5;

const bounded = new WeakSet<object>();

/** An issue as Standard Schema (and so the SDK) sees it. */
interface Issue {
  readonly message: string;
  readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined;
}

/**
 * Makes the SDK's validation of a tool's input (it calls the schema's `~standard.validate` before
 * the handler runs and puts every issue into the error text) refuse oversized arguments up front,
 * refuse arguments the tool does not take (zod would drop them unseen: unknown-arguments.ts), and
 * report a bounded list of clipped issues. The zod schema is otherwise unchanged. `innerKeys`: the
 * keys an open argument expects (ToolDefinition.innerKeys).
 */
export function boundInputValidation<Schema extends z.ZodType>(
  schema: Schema,
  innerKeys: Readonly<Record<string, readonly string[]>> = {},
): Schema {
  if (bounded.has(schema)) return schema;
  const standard = schema['~standard'];
  const validate = standard.validate.bind(standard);
  const boundedValidate = async (value: unknown) => {
    const size = jsonSize(value);
    if (size > MAX_ARGUMENT_CHARS) {
      return {
        issues: [
          {
            message: `the arguments are ${size} characters of JSON; at most ${MAX_ARGUMENT_CHARS} are accepted`,
          },
          {
            message:
              '\nNext: pass ids or names (trace_ids, spec_name, session_id) instead of pasted data, or split the call',
          },
        ],
      };
    }
    const result = await validate(value);
    inputJsonSchema ??= z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<
      string,
      unknown
    >;
    const unknown: Issue[] = unknownArguments(inputJsonSchema, value, innerKeys).map(({ path, hint }) => ({
      message: `not an argument of this tool, so it would be ignored (${hint})`,
      path,
    }));
    const issues = [...unknown, ...(result.issues ?? [])];
    return issues.length > 0 ? { issues: boundIssues(issues) } : result;
  };
  let inputJsonSchema: Record<string, unknown> | undefined;
  (schema as { '~standard': unknown })['~standard'] = { ...standard, validate: boundedValidate };
  bounded.add(schema);
  return schema;
}

function boundIssues(issues: readonly Issue[]): Issue[] {
  const listed = issues.slice(0, MAX_LISTED_ISSUES).map((issue) => ({
    message: boundErrorText(issue.message, 500),
    ...(issue.path
      ? {
          path: issue.path.map((segment) => {
            const key = typeof segment === 'object' ? segment.key : segment;
            return typeof key === 'string' ? clipEcho(key) : key;
          }),
        }
      : {}),
  }));
  const more = issues.length - listed.length;
  // Every failure names a next step (tool results do; this text is the SDK's, built from the issues).
  const next = {
    message:
      "\nNext: correct the arguments named above (names and types are in the tool's input schema) and call again",
  };
  return [...listed, ...(more > 0 ? [{ message: `… and ${more} more problems` }] : []), next];
}

/** The length of `value` as JSON; it came as JSON, so it can always be written as JSON again. */
function jsonSize(value: unknown): number {
  return JSON.stringify(value)?.length ?? 0;
}
