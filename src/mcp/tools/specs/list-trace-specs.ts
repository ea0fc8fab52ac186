import * as z from 'zod';
import { listEntryPaths } from '../../../tracespec/index.js';
import { clipText } from '../../output-budget.js';
import { listSection } from '../../response/response-draft.js';
import { cursorInput, responseFields } from '../../response/response-fields.js';
import { READ_ONLY, defineTool } from '../../tool-definition.js';
import { budgetInput } from '../common-inputs.js';
import { specFilesSchema, syncSpecFiles } from './spec-common.js';

const specItemSchema = z.object({
  name: z.string(),
  latest_version: z.number(),
  version_count: z.number(),
  updated_at: z.string().describe('ISO time of the latest version'),
  description: z.string().optional(),
  entry_count: z.number().describe('Expected entries, children included'),
  file: z.string(),
});

export const listTraceSpecsTool = defineTool({
  name: 'list_trace_specs',
  title: 'List trace specs',
  description:
    'Every stored spec: latest version, version count, description, entries and its YAML file (hand-edited files are picked up first). Open one: get_trace_spec.',
  toolset: 'specs',
  input: z.object({ budget_tokens: budgetInput, cursor: cursorInput }),
  output: z.object({
    specs_dir: z.string(),
    specs: z.array(specItemSchema),
    spec_files: specFilesSchema.optional(),
    ...responseFields,
  }),
  annotations: READ_ONLY,
  async handler(_input, { deps }) {
    const sync = await syncSpecFiles(deps, { full: true });
    const items = deps.specs.list().map((info) => {
      const spec = deps.specs.get(info.name).spec;
      return {
        name: info.name,
        latest_version: info.latestVersion,
        version_count: info.versionCount,
        updated_at: new Date(info.updatedAtMs).toISOString(),
        ...(spec.description !== undefined ? { description: clipText(spec.description, 200) } : {}),
        entry_count: listEntryPaths(spec.expected_spans).length,
        file: deps.specs.fileOf(info.name),
      };
    });
    return {
      fields: { specs_dir: deps.specs.specsDir, ...(sync.files ? { spec_files: sync.files } : {}) },
      lead: [
        ...sync.lines,
        items.length === 0
          ? `No trace specs yet (specs dir ${deps.specs.specsDir}). Define one with define_trace_spec; list_spec_templates shows ready-made shapes.`
          : `${items.length} trace specs in ${deps.specs.specsDir}:`,
      ],
      lists: [
        listSection({
          key: 'specs',
          rows: items,
          line: (item) =>
            `  ${item.name} v${item.latest_version} (${item.version_count} version${item.version_count === 1 ? '' : 's'}, ${item.entry_count} entries)${item.description ? ` — ${clipText(item.description, 80)}` : ''}`,
        }),
      ],
    };
  },
});
