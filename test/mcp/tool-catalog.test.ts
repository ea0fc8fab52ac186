/**
 * The tool catalog as a client sees it through tools/list and initialize: what every
 * tool declares, which tools may change something, and what the server's instructions teach.
 */
import type { Tool } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TOOLSETS } from '../../src/config/config-schema.js';
import { startHarness, type Harness } from '../support/mcp-harness.js';

/** The plan's names, canonical ones first, then the synonyms served by the same handlers. */
const CANONICAL = [
  'get_otlp_endpoint',
  'list_services',
  'list_operations',
  'get_traces',
  'search_traces',
  'get_trace_by_id',
  'get_span_details',
  'define_trace_spec',
  'get_trace_spec',
  'list_trace_specs',
  'update_trace_spec',
  'list_spec_templates',
  'analyze_trace',
  'detect_performance_issues',
  'compare_trace_to_spec',
  'validate_trace_collection',
  'generate_improvement_suggestions',
  'create_development_session',
  'execute_and_capture',
  'get_session_metrics',
  'suggest_next_steps',
  'correlate_distributed_traces',
  'analyze_performance_trends',
  'detect_regressions',
  'generate_spec_from_traces',
];
const SYNONYMS: Record<string, string> = {
  compare_traces: 'compare_trace_to_spec',
  validate_against_spec: 'compare_trace_to_spec',
  analyze_trace_structure: 'analyze_trace',
  start_trace_session: 'create_development_session',
  run_and_capture: 'execute_and_capture',
  get_session_progress: 'get_session_metrics',
};

/**
 * Tools that change state. Storing a spec or a session writes to the data dir (not read-only, nothing
 * lost: specs keep every version); generate_spec_from_traces does with `save: true`. Running a
 * command can do anything the command does, so only the run tools are destructive.
 */
const WRITES = [
  'define_trace_spec',
  'update_trace_spec',
  'create_development_session',
  'start_trace_session',
  'execute_and_capture',
  'run_and_capture',
  'generate_spec_from_traces',
];
const DESTRUCTIVE = ['execute_and_capture', 'run_and_capture'];

type JsonSchema = {
  type?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  additionalProperties?: JsonSchema | boolean;
};

/** Paths of object properties, at any depth (inside unions, arrays and records too), that have no description. */
function undescribed(schema: JsonSchema, path: string): string[] {
  const missing: string[] = [];
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    const at = `${path}.${name}`;
    if (!property.description) missing.push(at);
    missing.push(...undescribed(property, at));
  }
  for (const branch of [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])])
    missing.push(...undescribed(branch, path));
  if (schema.items) missing.push(...undescribed(schema.items, `${path}[]`));
  if (typeof schema.additionalProperties === 'object')
    missing.push(...undescribed(schema.additionalProperties, `${path}.*`));
  return missing;
}

function namesOtherTools(tool: Tool, all: readonly string[]): string[] {
  return all.filter((name) => name !== tool.name && new RegExp(`\\b${name}\\b`).test(tool.description ?? ''));
}

describe('the tool catalog over tools/list', () => {
  let harness: Harness;
  let tools: Tool[];
  let names: string[];

  beforeAll(async () => {
    harness = await startHarness();
    tools = (await harness.client.listTools()).tools;
    names = tools.map((tool) => tool.name);
  });
  afterAll(async () => harness?.close());

  it("offers every canonical tool by default, and the plan's other names only with the aliases toolset", async () => {
    expect([...names].sort()).toEqual([...CANONICAL, 'list_backends', 'diff_traces'].sort());
    const withAliases = await startHarness({ flags: { toolsets: [...DEFAULT_TOOLSETS, 'aliases'] } });
    try {
      const aliased = (await withAliases.client.listTools()).tools;
      expect(aliased.map((tool) => tool.name)).toEqual(
        expect.arrayContaining([...CANONICAL, ...Object.keys(SYNONYMS)]),
      );
      for (const [synonym, canonical] of Object.entries(SYNONYMS)) {
        expect(aliased.find((tool) => tool.name === synonym)?.description, synonym).toMatch(
          new RegExp(`^Same as ${canonical}\\.`),
        );
      }
    } finally {
      await withAliases.close();
    }
  });

  it('costs a client at most 32,000 characters of names, titles, descriptions and input schemas, and 90,000 in all', async () => {
    const listed = await harness.client.listTools();
    const context = listed.tools.reduce(
      (sum, tool) =>
        sum +
        tool.name.length +
        (tool.title ?? '').length +
        (tool.description ?? '').length +
        JSON.stringify(tool.inputSchema).length,
      0,
    );
    expect(context).toBeLessThanOrEqual(32_000);
    expect(JSON.stringify(listed).length).toBeLessThanOrEqual(90_000);
  });

  it('points no description at a file users do not have', () => {
    for (const tool of tools) expect(tool.description ?? '', tool.name).not.toMatch(/DESIGN\.md|§/);
  });

  it('gives every tool a description, an input schema described down to its nested fields, and a declared output schema', () => {
    for (const tool of tools) {
      expect(tool.description?.length ?? 0, tool.name).toBeGreaterThan(60);
      expect(tool.inputSchema.type, tool.name).toBe('object');
      expect(undescribed(tool.inputSchema as JsonSchema, tool.name)).toEqual([]);
      expect((tool.outputSchema as JsonSchema | undefined)?.type, tool.name).toBe('object');
    }
  });

  it('marks only the tools that store or run something as not read-only, and only the run tools as destructive', () => {
    for (const tool of tools) {
      expect(typeof tool.annotations?.readOnlyHint, tool.name).toBe('boolean');
      expect(typeof tool.annotations?.destructiveHint, tool.name).toBe('boolean');
      expect(tool.annotations?.readOnlyHint, tool.name).toBe(!WRITES.includes(tool.name));
      expect(tool.annotations?.destructiveHint, tool.name).toBe(DESTRUCTIVE.includes(tool.name));
    }
  });

  it('names a neighbouring tool in the description of every canonical tool', () => {
    const lacking = tools
      .filter((tool) => !(tool.name in SYNONYMS))
      .filter((tool) => namesOtherTools(tool, names).length === 0)
      .map((tool) => tool.name);
    expect(lacking).toEqual([]);
  });
});

describe('the server instructions', () => {
  it('teach the loop in order: define_trace_spec, then execute_and_capture, with compare_trace_to_spec for other traces', async () => {
    const harness = await startHarness();
    try {
      const instructions = harness.client.getInstructions() ?? '';
      const define = instructions.indexOf('define_trace_spec');
      const run = instructions.indexOf('execute_and_capture');
      expect(define).toBeGreaterThanOrEqual(0);
      expect(run).toBeGreaterThan(define);
      expect(instructions).toContain('compare_trace_to_spec');
    } finally {
      await harness.close();
    }
  });

  it('reach a 2025-era client through initialize as well', async () => {
    const harness = await startHarness({ era: 'legacy' });
    try {
      expect(harness.client.getInstructions()).toMatch(
        /define_trace_spec[\s\S]*execute_and_capture[\s\S]*compare_trace_to_spec/,
      );
    } finally {
      await harness.close();
    }
  });

  it('name only tools that are offered when toolsets are switched off', async () => {
    const everyName = [...CANONICAL, ...Object.keys(SYNONYMS), 'list_backends', 'diff_traces'];
    for (const toolsets of [['query'], ['query', 'specs', 'analysis'], ['specs', 'workflow']]) {
      const harness = await startHarness({ flags: { toolsets } });
      try {
        const offered = new Set((await harness.client.listTools()).tools.map((tool) => tool.name));
        const instructions = harness.client.getInstructions() ?? '';
        const named = everyName.filter((name) => new RegExp(`\\b${name}\\b`).test(instructions));
        expect(
          named.filter((name) => !offered.has(name)),
          toolsets.join(','),
        ).toEqual([]);
        if (offered.has('define_trace_spec') && offered.has('compare_trace_to_spec'))
          expect(instructions).toContain('compare_trace_to_spec');
      } finally {
        await harness.close();
      }
    }
  });
});
