/** The answer of define_trace_spec and update_trace_spec: which version was stored, and what changed. */
import * as z from 'zod';
import { diffSpecs, listEntryPaths, serializeSpecYaml } from '../../../tracespec/index.js';
import type { SaveSpecResult, SpecCatalog } from '../../../workflow/spec-library.js';
import type { ResponseDraft } from '../../response/response-draft.js';
import { responseFields } from '../../response/response-fields.js';
import { specFilesSchema, type SpecFilesOutput } from './spec-common.js';

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
  entries: z.array(z.string()).describe('The expected entries by path'),
  file: z.string().optional().describe('The YAML mirror of the spec'),
  file_skipped: z.string().optional().describe('Why the YAML file was not written'),
  spec_files: specFilesSchema.optional(),
  ...responseFields,
});

export type SavedSpecOutput = z.infer<typeof savedSpecSchema>;

/**
 * Lines of change or entry paths shown; a spec of 30 entries (the benchmark's size) fits whole.
 * The rest is read with get_trace_spec, not paged here: a cursor re-runs the call, and re-running a
 * write would store again.
 */
const LIST_MAX = 40;

/**
 * The stored version as a draft: the changes from the previous version and the entry paths (each
 * up to LIST_MAX, the rest counted in `truncated` with the get_trace_spec call that shows them);
 * a spec made from a template is shown as YAML (a few dozen lines, so whole).
 */
export function savedSpecDraft(
  saved: SaveSpecResult,
  specs: SpecCatalog,
  options: { files?: SpecFilesOutput; fileLines: string[]; showYaml: boolean },
): ResponseDraft<Partial<SavedSpecOutput>> {
  const { spec, name, version } = saved.version;
  const paths = listEntryPaths(spec.expected_spans).map((entry) => entry.path);
  const before =
    saved.created && saved.previousVersion !== undefined
      ? specs.get(name, saved.previousVersion).spec
      : undefined;
  const changes = before ? diffSpecs(before, spec).summary : undefined;
  const shownChanges = changes?.slice(0, LIST_MAX);
  const shownPaths = paths.slice(0, LIST_MAX);
  const lead = [...options.fileLines];
  if (!saved.created)
    lead.push(`${name} is unchanged: the content equals version ${version}, so no new version was stored.`);
  else if (saved.previousVersion === undefined)
    lead.push(`Stored ${name} version 1 with ${paths.length} expected entries.`);
  else {
    const count = changes?.length ?? 0;
    lead.push(
      `Stored ${name} version ${version} (${count} change${count === 1 ? '' : 's'} from version ${saved.previousVersion}):`,
      ...(shownChanges ?? []).map((line) => `  ${line}`),
    );
  }
  lead.push(`Entries: ${shownPaths.join('; ')}`);
  if (saved.file) lead.push(`YAML mirror: ${saved.file}`);
  if (saved.fileSkipped) lead.push(`Note: ${saved.fileSkipped}`);
  const changesCut = (changes?.length ?? 0) - (shownChanges?.length ?? 0);
  const pathsCut = paths.length - shownPaths.length;
  return {
    fields: {
      name,
      version,
      created: saved.created,
      ...(saved.previousVersion !== undefined ? { previous_version: saved.previousVersion } : {}),
      ...(shownChanges ? { changes: shownChanges } : {}),
      entries: shownPaths,
      ...(saved.file !== undefined ? { file: saved.file } : {}),
      ...(saved.fileSkipped !== undefined ? { file_skipped: saved.fileSkipped } : {}),
      ...(options.files ? { spec_files: options.files } : {}),
    },
    lead,
    ...(options.showYaml ? { notes: ['', serializeSpecYaml(spec)] } : {}),
    next: `compare_trace_to_spec trace_id=<id> spec_name=${name}, or validate_trace_collection for many traces.`,
    cuts: {
      ...(changesCut > 0
        ? {
            changes: {
              count: changesCut,
              next: `get_trace_spec name=${name} version=${version} diff_from=${saved.previousVersion} pages them all`,
            },
          }
        : {}),
      ...(pathsCut > 0
        ? { entries: { count: pathsCut, next: `get_trace_spec name=${name} shows the whole spec` } }
        : {}),
    },
  };
}
