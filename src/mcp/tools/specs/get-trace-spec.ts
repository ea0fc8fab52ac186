import * as z from 'zod';
import { diffSpecs, serializeSpecYaml } from '../../../tracespec/index.js';
import { clipText, fitList, jsonSize } from '../../output-budget.js';
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

/** Versions listed in the history: the latest ones, which are the ones an agent compares. */
const HISTORY_SHOWN = 20;

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
  }),
  output: z.object({
    name: z.string(),
    version: z.number(),
    latest_version: z.number(),
    spec: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('The spec (absent with diff_from, or when too large for the budget: then read file)'),
    spec_truncated: z.boolean().optional(),
    file: z.string(),
    history: z.array(versionInfoSchema).describe('Versions, newest first'),
    history_omitted: z.number(),
    diff: z
      .object({
        from: z.number(),
        to: z.number(),
        identical: z.boolean(),
        changes: z.array(
          z.object({
            change: z.enum(['added', 'removed', 'changed']),
            path: z.string(),
            field: z.string().optional(),
            before: z.unknown().optional(),
            after: z.unknown().optional(),
          }),
        ),
        changes_omitted: z.number(),
      })
      .optional(),
    spec_files: specFilesSchema.optional(),
  }),
  annotations: READ_ONLY,
  async handler(input, { deps, budget }) {
    const sync = syncSpecFiles(deps);
    const target = deps.specs.get(input.name, input.version);
    const history = deps.specs.history(input.name).reverse();
    const latest = history[0]?.version ?? target.version;
    const shownHistory = history.slice(0, HISTORY_SHOWN).map(versionInfo);
    const base = {
      name: target.name,
      version: target.version,
      latest_version: latest,
      file: deps.specs.fileOf(target.name),
      history: shownHistory,
      history_omitted: history.length - shownHistory.length,
      ...(sync.files ? { spec_files: sync.files } : {}),
    };
    const lines = [...sync.lines];
    const historyLine = `History: ${shownHistory.map((item) => `v${item.version} ${item.created_at.slice(0, 19)}Z ${item.source}${item.note ? ` (${clipText(item.note, 60)})` : ''}`).join('; ')}${base.history_omitted > 0 ? `; … ${base.history_omitted} older` : ''}`;

    if (input.diff_from !== undefined) {
      const from = deps.specs.get(input.name, input.diff_from);
      const diff = diffSpecs(from.spec, target.spec);
      // Text and structured both list the changes; each gets under half the budget.
      const fitted = fitList(diff.changes, budget.chars * 0.4, jsonSize);
      const summary = diff.summary.slice(0, fitted.items.length);
      lines.push(
        diff.identical
          ? `${target.name} versions ${from.version} and ${target.version} are identical.`
          : `${target.name}: ${diff.changes.length} change${diff.changes.length === 1 ? '' : 's'} from version ${from.version} to version ${target.version}:`,
        ...summary.map((line) => `  ${line}`),
      );
      if (fitted.omitted > 0)
        lines.push(`  … ${fitted.omitted} more changes not shown (raise budget_tokens)`);
      lines.push(historyLine);
      return {
        structured: {
          ...base,
          diff: {
            from: from.version,
            to: target.version,
            identical: diff.identical,
            changes: fitted.items,
            changes_omitted: fitted.omitted,
          },
        },
        text: lines.join('\n'),
      };
    }

    const yaml = serializeSpecYaml(target.spec);
    const fits = yaml.length + jsonSize(target.spec) < budget.chars * 0.9;
    lines.push(
      `${target.name} version ${target.version}${target.version === latest ? ' (latest)' : ` (latest is ${latest})`}, file ${base.file}:`,
    );
    lines.push(
      fits
        ? yaml
        : `${clipText(yaml, Math.floor(budget.chars * 0.6))}\n(spec cut to fit the budget: read ${base.file} or raise budget_tokens)`,
    );
    lines.push(historyLine);
    return {
      structured: {
        ...base,
        ...(fits ? { spec: target.spec as unknown as Record<string, unknown> } : { spec_truncated: true }),
      },
      text: lines.join('\n'),
    };
  },
});
