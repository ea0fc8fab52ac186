import * as z from 'zod';
import { invalidArgument } from '../../../model/errors.js';
import { instantiateTemplate, type TraceSpec } from '../../../tracespec/index.js';
import { defineTool } from '../../tool-definition.js';
import { budgetInput } from '../common-inputs.js';
import {
  checkedSpecName,
  fromSpecification,
  specDocumentInput,
  specNameInput,
  syncSpecFiles,
} from './spec-common.js';
import { renderSavedSpec, savedSpecSchema } from './saved-spec-output.js';

export const defineTraceSpecTool = defineTool({
  name: 'define_trace_spec',
  title: 'Define a trace spec',
  description:
    'Stores the trace a piece of software should produce, as a new version of a named spec: expected_spans (operation_name, service_name, kind, count, required_tags / optional_tags with matchers, expected_duration_ms, children, direct, ordered), performance_constraints and error_conditions (DESIGN.md §4). Pass specification (an object, or YAML/JSON text) or template + parameters (see list_spec_templates). An invalid spec is refused with every problem listed by path, and nothing is stored. Defining an existing name adds a version only if the content changed; every version is kept and mirrored to <specs_dir>/<name>.yaml.',
  toolset: 'specs',
  input: z.object({
    name: specNameInput,
    specification: specDocumentInput
      .optional()
      .describe(
        "The spec: an object or YAML/JSON text with expected_spans etc.; its 'name' may be left out (this tool's name is used) and must otherwise equal it",
      ),
    template: z
      .string()
      .optional()
      .describe('Instead of specification: a template name from list_spec_templates'),
    parameters: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
      .optional()
      .describe('Template parameters (each has a default; list_spec_templates lists them)'),
    note: z.string().max(500).optional().describe('Why this version: kept with it in the history'),
    budget_tokens: budgetInput,
  }),
  output: savedSpecSchema,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(input, { deps, budget }) {
    const name = checkedSpecName(input.name);
    if ((input.specification === undefined) === (input.template === undefined)) {
      throw invalidArgument(
        input.template === undefined
          ? 'pass specification or template'
          : 'pass specification or template, not both',
        'specification: the spec as an object or YAML/JSON text; template: a name from list_spec_templates, with parameters',
      );
    }
    const sync = syncSpecFiles(deps);
    const spec =
      input.template !== undefined
        ? fromTemplate(name, input.template, input.parameters ?? {})
        : fromSpecification(name, input.specification ?? '');
    const note = input.note ?? (input.template !== undefined ? `template ${input.template}` : undefined);
    const saved = deps.specs.save(spec, input.template !== undefined ? 'template' : 'tool', note);
    return renderSavedSpec(saved, deps.specs, {
      files: sync.files,
      fileLines: sync.lines,
      showYaml: input.template !== undefined,
      budget,
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
