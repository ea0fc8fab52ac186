import type * as z from 'zod';

type JsonSchemaMethod = (params?: {
  target?: string;
  libraryOptions?: Record<string, unknown>;
}) => Record<string, unknown>;

interface StandardWithJsonSchema {
  jsonSchema?: { input: JsonSchemaMethod; output: JsonSchemaMethod };
}

const memoized = new WeakSet<object>();

/**
 * Makes a schema convert itself to JSON Schema once per process instead of on every request.
 *
 * Why: the MCP SDK asks each tool's zod schemas for JSON Schema (their `~standard.jsonSchema`) on
 * every `tools/list`, and again on the first `tools/call` of each server instance. Stateless
 * Streamable HTTP builds a server per request, so every HTTP call converted its output schema
 * afresh. otel-mcp's 33 tool names carry ~180 KB of schemas; a cold conversion of all of them
 * cost ~0.6 s of CPU, a warm one 20–300 ms on the 2-core VM. The schemas are module constants, so
 * one conversion per schema, direction and target is exact. Callers get the same object each time
 * and must not mutate it (the SDK copies before it adds anything).
 *
 * The zod object itself is kept (zod's `~standard` has a setter for this), so validation and every
 * zod-specific path in the SDK see the schema unchanged.
 */
export function memoizeJsonSchema<Schema extends z.ZodType>(schema: Schema): Schema {
  if (memoized.has(schema)) return schema;
  const standard = schema['~standard'] as z.ZodType['~standard'] & StandardWithJsonSchema;
  const convert = standard.jsonSchema;
  if (!convert) return schema;
  const cache = new Map<string, Record<string, unknown>>();
  const cached =
    (io: 'input' | 'output'): JsonSchemaMethod =>
    (params) => {
      const key = `${io} ${JSON.stringify(params ?? {})}`;
      let json = cache.get(key);
      if (!json) {
        json = compactJsonSchema(convert[io](params), io === 'output') as Record<string, unknown>;
        cache.set(key, json);
      }
      return json;
    };
  (schema as { '~standard': unknown })['~standard'] = {
    ...standard,
    jsonSchema: { input: cached('input'), output: cached('output') },
  };
  memoized.add(schema);
  return schema;
}

/**
 * What a client pays for in every tools/list, without what tells it nothing: the `$schema` of each
 * tool, the ±2^53 bounds zod writes for a plain integer, `propertyNames: {type: string}` of a record;
 * and for output schemas (never shown to a model; the text answer explains itself) the descriptions,
 * the `additionalProperties: false` and the `required` lists of every object: a client that checks
 * structured content against them checks types and shapes, and the server's own zod schema still
 * checks every answer whole. The catalog went from 195,000 characters (with the plan's six
 * alternative names) to under 80,000; a quarter of the rest was `required` lists.
 */
export function compactJsonSchema(value: unknown, output: boolean): unknown {
  if (Array.isArray(value)) return value.map((item) => compactJsonSchema(item, output));
  if (value === null || typeof value !== 'object') return value;
  const compacted: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (key === '$schema') continue;
    if (
      (key === 'maximum' && item === Number.MAX_SAFE_INTEGER) ||
      (key === 'minimum' && item === Number.MIN_SAFE_INTEGER)
    )
      continue;
    if (key === 'propertyNames' && JSON.stringify(item) === '{"type":"string"}') continue;
    if (
      output &&
      (key === 'description' || key === 'required' || (key === 'additionalProperties' && item === false))
    )
      continue;
    // A property named like a keyword is a property, not a keyword: keep it.
    compacted[key] =
      key === 'properties'
        ? Object.fromEntries(
            Object.entries(item as Record<string, unknown>).map(([name, schema]) => [
              name,
              compactJsonSchema(schema, output),
            ]),
          )
        : compactJsonSchema(item, output);
  }
  return compacted;
}
