import * as z from 'zod';
import { listEntryPaths } from '../../../tracespec/index.js';
import { clipText, fitList, jsonSize } from '../../output-budget.js';
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
  input: z.object({ budget_tokens: budgetInput }),
  output: z.object({
    specs_dir: z.string(),
    specs: z.array(specItemSchema),
    omitted: z.number().describe('Specs not shown to fit the budget'),
    spec_files: specFilesSchema.optional(),
  }),
  annotations: READ_ONLY,
  async handler(input, { deps, budget }) {
    const sync = syncSpecFiles(deps);
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
    const fitted = fitList(items, budget.chars / 2, jsonSize);
    const lines = [...sync.lines];
    if (items.length === 0)
      lines.push(
        `No trace specs yet (specs dir ${deps.specs.specsDir}). Define one with define_trace_spec; list_spec_templates shows ready-made shapes.`,
      );
    else lines.push(`${items.length} trace specs in ${deps.specs.specsDir}:`);
    for (const item of fitted.items) {
      lines.push(
        `  ${item.name} v${item.latest_version} (${item.version_count} version${item.version_count === 1 ? '' : 's'}, ${item.entry_count} entries)${item.description ? ` — ${clipText(item.description, 80)}` : ''}`,
      );
    }
    if (fitted.omitted > 0) lines.push(`  … ${fitted.omitted} more not shown (raise budget_tokens)`);
    return {
      structured: {
        specs_dir: deps.specs.specsDir,
        specs: fitted.items,
        omitted: fitted.omitted,
        ...(sync.files ? { spec_files: sync.files } : {}),
      },
      text: lines.join('\n'),
    };
  },
});
