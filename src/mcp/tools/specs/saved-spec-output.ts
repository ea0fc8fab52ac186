/** The answer of define_trace_spec and update_trace_spec: which version was stored, and what changed. */
import * as z from 'zod';
import { diffSpecs, listEntryPaths, serializeSpecYaml } from '../../../tracespec/index.js';
import type { SaveSpecResult, SpecCatalog } from '../../../workflow/spec-library.js';
import { clipText, type OutputBudget } from '../../output-budget.js';
import type { ToolOutput } from '../../tool-definition.js';
import { specFilesSchema, type SpecFilesOutput } from './spec-common.js';

/** Lines of change or entry paths listed; a spec of 30 entries (the benchmark's size) fits whole. */
const LIST_MAX = 40;

export const savedSpecSchema = z.object({
  name: z.string(),
  version: z.number().describe('The latest version after this call'),
  created: z
    .boolean()
    .describe('False when the content equalled the latest version, so no version was added'),
  previous_version: z.number().optional(),
  changes: z
    .array(z.string())
    .optional()
    .describe(
      'How this version differs from the previous one (`+ path`, `- path`, `~ path: field old → new`)',
    ),
  changes_omitted: z.number().optional(),
  entries: z.array(z.string()).describe('The expected entries by path'),
  entries_omitted: z.number(),
  file: z.string().optional().describe('The YAML mirror of the spec'),
  file_skipped: z.string().optional().describe('Why the YAML file was not written'),
  spec_files: specFilesSchema.optional(),
});

export type SavedSpecOutput = z.infer<typeof savedSpecSchema>;

export function renderSavedSpec(
  saved: SaveSpecResult,
  specs: SpecCatalog,
  options: { files?: SpecFilesOutput; fileLines: string[]; showYaml: boolean; budget: OutputBudget },
): ToolOutput<SavedSpecOutput> {
  const { spec, name, version } = saved.version;
  const paths = listEntryPaths(spec.expected_spans).map((entry) => entry.path);
  const before =
    saved.created && saved.previousVersion !== undefined
      ? specs.get(name, saved.previousVersion).spec
      : undefined;
  const changes = before ? diffSpecs(before, spec).summary : undefined;
  const structured: SavedSpecOutput = {
    name,
    version,
    created: saved.created,
    ...(saved.previousVersion !== undefined ? { previous_version: saved.previousVersion } : {}),
    ...(changes
      ? { changes: changes.slice(0, LIST_MAX), changes_omitted: Math.max(0, changes.length - LIST_MAX) }
      : {}),
    entries: paths.slice(0, LIST_MAX),
    entries_omitted: Math.max(0, paths.length - LIST_MAX),
    ...(saved.file !== undefined ? { file: saved.file } : {}),
    ...(saved.fileSkipped !== undefined ? { file_skipped: saved.fileSkipped } : {}),
    ...(options.files ? { spec_files: options.files } : {}),
  };
  const lines = [...options.fileLines];
  if (!saved.created)
    lines.push(`${name} is unchanged: the content equals version ${version}, so no new version was stored.`);
  else if (saved.previousVersion === undefined)
    lines.push(`Stored ${name} version 1 with ${paths.length} expected entries.`);
  else {
    const count = changes?.length ?? 0;
    lines.push(
      `Stored ${name} version ${version} (${count} change${count === 1 ? '' : 's'} from version ${saved.previousVersion}):`,
    );
    lines.push(...(changes ?? []).slice(0, LIST_MAX).map((line) => `  ${line}`));
    if ((changes?.length ?? 0) > LIST_MAX)
      lines.push(`  … ${(changes?.length ?? 0) - LIST_MAX} more (get_trace_spec with diff_from)`);
  }
  if (saved.file) lines.push(`YAML mirror: ${saved.file}`);
  if (saved.fileSkipped) lines.push(`Note: ${saved.fileSkipped}`);
  if (options.showYaml) {
    const head = lines.join('\n');
    const room = Math.max(500, Math.floor(options.budget.chars / 2) - head.length);
    lines.push('', clipText(serializeSpecYaml(spec), room));
  }
  lines.push(
    `Next: compare_trace_to_spec trace_id=<id> spec_name=${name}, or validate_trace_collection for many traces.`,
  );
  return { structured, text: lines.join('\n') };
}
