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
        json = convert[io](params);
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
