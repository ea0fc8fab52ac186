import * as z from 'zod';
import { invalidArgument } from '../../../model/errors.js';
import { instantiateTemplate, TRACE_SPEC_KEYS, type TraceSpec } from '../../../tracespec/index.js';
import { defineTool } from '../../tool-definition.js';
import {
  checkedSpecName,
  fromSpecification,
  specDocumentInput,
  specNameInput,
  syncSpecFiles,
} from './spec-common.js';
import { savedSpecDraft, savedSpecSchema } from './saved-spec-output.js';

export const defineTraceSpecTool = defineTool({
  name: 'define_trace_spec',
  title: 'Define a trace spec',
  description:
    'Stores the trace a change should produce as a new version of a named spec: specification (object or YAML/JSON text), or template + parameters (list_spec_templates). An invalid spec is refused with every problem by path. The language: resource otel-mcp://docs/spec-language. Edit one: update_trace_spec; judge a run: execute_and_capture.',
  toolset: 'specs',
  // The spec's own keys given beside `specification` (expected_spans, strict…) are told where they belong.
  innerKeys: { specification: TRACE_SPEC_KEYS.filter((key) => key !== 'name') },
  input: z.object({
    name: specNameInput,
    specification: specDocumentInput
      .optional()
      .describe('The spec, as an object or YAML/JSON text (its name may be left out)'),
    template: z
      .string()
      .optional()
      .describe('Instead of specification: a template name from list_spec_templates'),
    parameters: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
      .optional()
      .describe('Template parameters (each has a default; list_spec_templates lists them)'),
    note: z.string().max(500).optional().describe('Why this version (kept in the history)'),
  }),
  output: savedSpecSchema,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(input, { deps }) {
    const name = checkedSpecName(input.name);
    if ((input.specification === undefined) === (input.template === undefined)) {
      throw invalidArgument(
        input.template === undefined
          ? 'pass specification or template'
          : 'pass specification or template, not both',
        'specification: the spec as an object or YAML/JSON text; template: a name from list_spec_templates, with parameters',
      );
    }
    const sync = await syncSpecFiles(deps);
    const spec =
      input.template !== undefined
        ? fromTemplate(name, input.template, input.parameters ?? {})
        : fromSpecification(name, input.specification ?? '');
    const note = input.note ?? (input.template !== undefined ? `template ${input.template}` : undefined);
    const saved = await deps.specs.save(spec, input.template !== undefined ? 'template' : 'tool', note);
    return savedSpecDraft(saved, deps.specs, {
      files: sync.files,
      fileLines: sync.lines,
      showYaml: input.template !== undefined,
    });
  },
});

function fromTemplate(
  name: string,
  template: string,
  parameters: Record<string, string | number | boolean>,
): TraceSpec {
  if (parameters.spec_name !== undefined && parameters.spec_name !== name) {
    throw invalidArgument(
      `parameters.spec_name '${String(parameters.spec_name)}' differs from name '${name}'`,
      'leave spec_name out: the name argument names the spec',
    );
  }
  return instantiateTemplate(template, { ...parameters, spec_name: name });
}
