import * as z from 'zod';
import { mergeSpecUpdate, SPEC_UPDATE_KEYS } from '../../../tracespec/index.js';
import { defineTool } from '../../tool-definition.js';
import { readDocument, specDocumentInput, specNameInput, syncSpecFiles } from './spec-common.js';
import { savedSpecDraft, savedSpecSchema } from './saved-spec-output.js';

export const updateTraceSpecTool = defineTool({
  name: 'update_trace_spec',
  title: 'Change part of a trace spec',
  description:
    'A partial update stored as a new version: fields replace, performance_constraints merge (null removes), span_updates edit entries by path ({path, set}, {path, remove}, {parent, add}). Refused whole with every problem. Replace whole: define_trace_spec.',
  toolset: 'specs',
  input: z.object({
    name: specNameInput,
    updates: specDocumentInput.describe(
      'Fields to change (object or YAML/JSON), e.g. {"span_updates": [{"path": "POST /checkout > charge", "set": {"count": 1}}]}',
    ),
    note: z.string().max(500).optional().describe('Why this version (kept in the history)'),
  }),
  output: savedSpecSchema,
  innerKeys: { updates: SPEC_UPDATE_KEYS },
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async handler(input, { deps }) {
    const sync = await syncSpecFiles(deps);
    const current = deps.specs.get(input.name);
    const updated = mergeSpecUpdate(current.spec, readDocument(input.updates, 'updates'));
    const saved = await deps.specs.save(
      updated,
      'update',
      input.note ?? `update of version ${current.version}`,
    );
    return savedSpecDraft(saved, deps.specs, {
      files: sync.files,
      fileLines: sync.lines,
      showYaml: false,
    });
  },
});
