import * as z from 'zod';
import { mergeSpecUpdate } from '../../../tracespec/index.js';
import { defineTool } from '../../tool-definition.js';
import { budgetInput } from '../common-inputs.js';
import { readDocument, specDocumentInput, specNameInput, syncSpecFiles } from './spec-common.js';
import { renderSavedSpec, savedSpecSchema } from './saved-spec-output.js';

export const updateTraceSpecTool = defineTool({
  name: 'update_trace_spec',
  title: 'Change part of a trace spec',
  description:
    'A partial update that stores a new version (the previous one is kept): description and strict replace; expected_spans and error_conditions replace the whole list; performance_constraints merge key by key (null removes a key); span_updates edit single entries by path: {path, set: {fields}}, {path, remove: true}, {parent, add: {entry}} (parent "" adds a top-level entry). The result is validated whole; any problem refuses the update, listing every problem by path. To replace a spec whole use define_trace_spec; to see what changed use get_trace_spec with diff_from.',
  toolset: 'specs',
  input: z.object({
    name: specNameInput,
    updates: specDocumentInput.describe(
      'The fields to change, as an object or YAML/JSON text, e.g. {"performance_constraints": {"max_total_duration_ms": 2000}, "span_updates": [{"path": "POST /checkout > payment.charge", "set": {"count": {"min": 1, "max": 3}}}]}',
    ),
    note: z.string().max(500).optional().describe('Why this version: kept with it in the history'),
    budget_tokens: budgetInput,
  }),
  output: savedSpecSchema,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async handler(input, { deps, budget }) {
    const sync = syncSpecFiles(deps);
    const current = deps.specs.get(input.name);
    const updated = mergeSpecUpdate(current.spec, readDocument(input.updates, 'updates'));
    const saved = deps.specs.save(updated, 'update', input.note ?? `update of version ${current.version}`);
    return renderSavedSpec(saved, deps.specs, {
      files: sync.files,
      fileLines: sync.lines,
      showYaml: false,
      budget,
    });
  },
});
