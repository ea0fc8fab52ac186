import * as z from 'zod';
import { listSpecTemplates } from '../../../tracespec/index.js';
import { READ_ONLY, defineTool } from '../../tool-definition.js';

const parameterSchema = z.object({
  name: z.string(),
  description: z.string(),
  type: z.enum(['string', 'number', 'boolean']),
  default: z.union([z.string(), z.number(), z.boolean()]),
  values: z.array(z.string()).optional().describe('The accepted values, for an enumeration'),
  min: z.number().optional(),
  max: z.number().optional(),
});

export const listSpecTemplatesTool = defineTool({
  name: 'list_spec_templates',
  title: 'List spec templates',
  description:
    'Parameterized specs for common shapes (HTTP service with database, REST CRUD, gRPC, queue with links, cache-aside, checkout saga), with parameters and defaults. Use one: define_trace_spec with template.',
  toolset: 'specs',
  input: z.object({}),
  output: z.object({
    templates: z.array(
      z.object({
        name: z.string(),
        title: z.string(),
        description: z.string(),
        parameters: z.array(parameterSchema),
      }),
    ),
  }),
  annotations: READ_ONLY,
  async handler() {
    // Six templates of a few parameters each: ~3k characters, well inside any budget.
    const templates = listSpecTemplates().map((template) => ({
      name: template.name,
      title: template.title,
      description: template.description,
      parameters: template.parameters.map((p) => ({
        name: p.name,
        description: p.description,
        type: p.type,
        default: p.default,
        ...(p.values ? { values: [...p.values] } : {}),
        ...(p.min !== undefined ? { min: p.min } : {}),
        ...(p.max !== undefined ? { max: p.max } : {}),
      })),
    }));
    const lines = templates.map(
      (t) =>
        `${t.name}: ${t.title}\n  parameters: ${t.parameters.map((p) => `${p.name}=${JSON.stringify(p.default)}${p.values ? ` (${p.values.join('|')})` : ''}`).join(', ')}`,
    );
    lines.push(
      'Next: define_trace_spec name=<your_spec> template=<name> parameters={...}; spec_name defaults to the name argument.',
    );
    return { structured: { templates }, text: lines.join('\n') };
  },
});
