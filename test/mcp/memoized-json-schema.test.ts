import { Client, InMemoryTransport } from '@modelcontextprotocol/client';
import { McpServer } from '@modelcontextprotocol/server';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { compactJsonSchema, memoizeJsonSchema } from '../../src/mcp/memoized-json-schema.js';

function countingSchema() {
  const schema = z.object({
    trace_id: z.string().describe('32 hex digits'),
    limit: z.number().int().min(1).optional(),
  });
  const standard = schema['~standard'] as unknown as {
    jsonSchema: { input: (p?: unknown) => unknown; output: (p?: unknown) => unknown };
  };
  const original = standard.jsonSchema.input;
  const calls = { input: 0 };
  standard.jsonSchema.input = (params) => {
    calls.input += 1;
    return original(params);
  };
  return { schema, calls };
}

async function listedSchemas(schema: z.ZodObject): Promise<unknown> {
  const server = new McpServer({ name: 'memo-test', version: '1' });
  server.registerTool(
    'lookup',
    { description: 'test tool', inputSchema: schema, outputSchema: schema },
    async () => ({ content: [] }) as never,
  );
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'memo-test', version: '1' });
  await client.connect(clientSide);
  const { tools } = await client.listTools();
  await client.close();
  return { input: tools[0]?.inputSchema, output: tools[0]?.outputSchema };
}

describe('memoizeJsonSchema', () => {
  it('converts a schema once however many servers list it, and lists what zod produces without what tells a client nothing', async () => {
    const plain = (await listedSchemas(
      z.object({ trace_id: z.string().describe('32 hex digits'), limit: z.number().int().min(1).optional() }),
    )) as { input: unknown; output: unknown };
    const { schema, calls } = countingSchema();
    memoizeJsonSchema(schema);
    const first = await listedSchemas(schema);
    const second = await listedSchemas(schema);
    expect(calls.input).toBe(1);
    const compacted = {
      input: compactJsonSchema(plain.input, false),
      output: compactJsonSchema(plain.output, true),
    };
    expect(first).toEqual(compacted);
    expect(second).toEqual(compacted);
    // The input keeps its descriptions and rules; the output keeps its shape and types.
    expect(compacted.input).toEqual({
      type: 'object',
      properties: {
        trace_id: { type: 'string', description: '32 hex digits' },
        limit: { type: 'integer', minimum: 1 },
      },
      required: ['trace_id'],
    });
    expect(compacted.output).toEqual({
      type: 'object',
      properties: { trace_id: { type: 'string' }, limit: { type: 'integer', minimum: 1 } },
    });
  });

  it('keeps validation with the zod schema, so a bad argument is still refused', () => {
    const schema = memoizeJsonSchema(z.object({ limit: z.number().int().min(1) }));
    expect(schema.safeParse({ limit: 0 }).success).toBe(false);
    expect(schema['~standard'].validate({ limit: 0 })).toHaveProperty('issues');
    expect(schema['~standard'].validate({ limit: 2 })).toEqual({ value: { limit: 2 } });
  });

  it('is idempotent: memoizing twice returns the same schema and still converts once', () => {
    const { schema, calls } = countingSchema();
    expect(memoizeJsonSchema(memoizeJsonSchema(schema))).toBe(schema);
    const method = (schema['~standard'] as unknown as { jsonSchema: { input: (p?: unknown) => unknown } })
      .jsonSchema.input;
    expect(method({ target: 'draft-2020-12' })).toBe(method({ target: 'draft-2020-12' }));
    expect(calls.input).toBe(1);
  });
});
