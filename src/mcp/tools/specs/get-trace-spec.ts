import * as z from 'zod';
import { diffSpecs, serializeSpecYaml } from '../../../tracespec/index.js';
import { clipText } from '../../output-budget.js';
import { listSection } from '../../response/response-draft.js';
import { cursorInput, responseFields } from '../../response/response-fields.js';
import { READ_ONLY, defineTool } from '../../tool-definition.js';
import { budgetInput } from '../common-inputs.js';
import {
  specFilesSchema,
  specNameInput,
  specVersionInput,
  syncSpecFiles,
  versionInfo,
  versionInfoSchema,
} from './spec-common.js';

export const getTraceSpecTool = defineTool({
  name: 'get_trace_spec',
  title: 'Read a trace spec, an older version, or the difference between two',
  description:
    'A spec as YAML with its version history; an older version; or, with diff_from, what changed between two versions. Change it: update_trace_spec; all names: list_trace_specs.',
  toolset: 'specs',
  input: z.object({
    name: specNameInput,
    version: specVersionInput,
    diff_from: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe('Instead, what changed from this version to `version`'),
    budget_tokens: budgetInput,
    cursor: cursorInput,
  }),
  output: z.object({
    name: z.string(),
    version: z.number(),
    latest_version: z.number(),
    yaml_lines: z
      .array(z.string())
      .optional()
      .describe('The spec as YAML, line by line (absent with diff_from)'),
    file: z.string(),
    history: z.array(versionInfoSchema).describe('Versions, newest first'),
    diff: z.object({ from: z.number(), to: z.number(), identical: z.boolean() }).optional(),
    changes: z
      .array(
        z.object({
          change: z.enum(['added', 'removed', 'changed']),
          path: z.string(),
          field: z.string().optional(),
          before: z.unknown().optional(),
          after: z.unknown().optional(),
        }),
      )
      .optional()
      .describe('With diff_from: what changed'),
    spec_files: specFilesSchema.optional(),
    ...responseFields,
  }),
  annotations: READ_ONLY,
  async handler(input, { deps }) {
    const sync = await syncSpecFiles(deps);
    const target = deps.specs.get(input.name, input.version);
    const history = deps.specs.history(input.name).reverse().map(versionInfo);
    const latest = history[0]?.version ?? target.version;
    const file = deps.specs.fileOf(target.name);
    const fields = {
      name: target.name,
      version: target.version,
      latest_version: latest,
      file,
      ...(sync.files ? { spec_files: sync.files } : {}),
    };
    const historyList = listSection({
      key: 'history',
      rows: history,
      heading: 'History, newest first:',
      line: (item: z.infer<typeof versionInfoSchema>) =>
        `  v${item.version} ${item.created_at.slice(0, 19)}Z ${item.source}${item.note ? ` (${clipText(item.note, 80)})` : ''}`,
    });

    if (input.diff_from !== undefined) {
      const from = deps.specs.get(input.name, input.diff_from);
      const diff = diffSpecs(from.spec, target.spec);
      const summaryOf = new Map(diff.changes.map((change, index) => [change, diff.summary[index] ?? '']));
      return {
        fields: { ...fields, diff: { from: from.version, to: target.version, identical: diff.identical } },
        lead: [
          ...sync.lines,
          diff.identical
            ? `${target.name} versions ${from.version} and ${target.version} are identical.`
            : `${target.name}: ${diff.changes.length} change${diff.changes.length === 1 ? '' : 's'} from version ${from.version} to version ${target.version}:`,
        ],
        lists: [
          listSection({
            key: 'changes',
            rows: diff.changes,
            line: (change) => `  ${summaryOf.get(change) ?? ''}`,
            weight: 3,
          }),
          historyList,
        ],
      };
    }

    return {
      fields,
      lead: [
        ...sync.lines,
        `${target.name} version ${target.version}${target.version === latest ? ' (latest)' : ` (latest is ${latest})`}, file ${file}:`,
      ],
      lists: [
        listSection({
          key: 'yaml_lines',
          rows: serializeSpecYaml(target.spec).replace(/\n$/, '').split('\n'),
          line: (line: string) => line,
          weight: 4,
          partNote: 'Only part of the spec: do not store this page alone; join every page.',
        }),
        historyList,
      ],
    };
  },
});
