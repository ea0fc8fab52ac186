/**
 * Inputs, outputs and the specs-dir sync shared by the spec tools (and the analysis tools that read
 * a spec). Every tool that reads or writes specs syncs first, so a hand edit is seen at once.
 */
import * as z from 'zod';
import {
  formatProblems,
  MAX_SPEC_BYTES,
  MAX_SPEC_SIZE,
  readSpecText,
  utf8Length,
  validateTraceSpec,
  type TraceSpec,
} from '../../../tracespec/index.js';
import { checkSpecName, SPEC_NAME_MAX_LENGTH } from '../../../model/spec-name.js';
import type { SpecSyncReport, TraceSpecVersion } from '../../../workflow/spec-library.js';
import { invalidArgument, OtelMcpError } from '../../../model/errors.js';
import type { ToolDeps } from '../../tool-deps.js';

export const specNameInput = z
  .string()
  .min(1)
  .max(SPEC_NAME_MAX_LENGTH)
  .describe('Spec name (lower case: a-z 0-9 . _ -)');

export const specVersionInput = z.number().int().min(1).optional().describe('Version (default: the latest)');

/** A spec or an update: an object, or the same as YAML/JSON text. */
export const specDocumentInput = z.union([z.string(), z.record(z.string(), z.unknown())]);

/** Skipped files named per reason, at most this many: a dir of thousands must not flood the answer. */
const SKIPPED_FILES_SHOWN = 10;

export const specFilesSchema = z
  .object({
    imported: z
      .array(z.object({ name: z.string(), version: z.number(), file: z.string() }))
      .describe('Hand edits of the specs dir stored as new versions by this call'),
    invalid: z
      .array(
        z.object({
          name: z.string(),
          file: z.string(),
          problems: z.array(z.object({ path: z.string(), message: z.string() })),
        }),
      )
      .describe('Spec files that are not valid: not imported, stored versions unchanged'),
    skipped: z
      .array(
        z.object({
          reason: z.string(),
          file_count: z.number(),
          files: z.array(z.string()).describe(`The first ${SKIPPED_FILES_SHOWN} skipped files`),
        }),
      )
      .optional()
      .describe('Files not read at all because the specs dir holds more than a scan reads'),
  })
  .describe('What changed in the specs dir since the last call (absent when nothing did)');

export type SpecFilesOutput = z.infer<typeof specFilesSchema>;

export const versionInfoSchema = z.object({
  version: z.number(),
  created_at: z.string().describe('ISO time'),
  source: z.enum(['tool', 'template', 'update', 'file']),
  note: z.string().optional(),
});

export function versionInfo(version: TraceSpecVersion): z.infer<typeof versionInfoSchema> {
  return {
    version: version.version,
    created_at: new Date(version.createdAtMs).toISOString(),
    source: version.source,
    ...(version.note !== undefined ? { note: version.note } : {}),
  };
}

/** Problems listed per invalid file, at most this many each: the file holds the rest. */
const PROBLEMS_SHOWN = 10;

/** Syncs the specs dir; returns the report for the output (if anything happened) and lines for the text. */
/**
 * The problems of each refused spec file already shown in full, per spec library (one per server
 * process): a file left broken would otherwise repeat its problems at the top of every spec tool's
 * answer, paid for in tokens each time.
 */
const shownRefusals = new WeakMap<object, Map<string, string>>();

/**
 * Imports hand edits of the specs dir and reports them, and the files refused. A refused file's
 * problems are listed in full once (and whenever they change, and always with `full`, which
 * list_trace_specs asks for); after that, one line says it is still refused.
 */
export async function syncSpecFiles(
  deps: ToolDeps,
  options: { full?: boolean } = {},
): Promise<{ files?: SpecFilesOutput; lines: string[] }> {
  const report: SpecSyncReport = await deps.specs.sync();
  if (report.imported.length === 0 && report.invalid.length === 0 && report.skipped.length === 0)
    return { lines: [] };
  // Skips first: they say the dir holds too much, which the many lines below would otherwise bury.
  const lines: string[] = [];
  const skipped = report.skipped.map((skip) => ({
    reason: skip.reason,
    file_count: skip.files.length,
    files: skip.files.slice(0, SKIPPED_FILES_SHOWN),
  }));
  for (const skip of skipped) {
    const more = skip.file_count - skip.files.length;
    lines.push(`Skipped ${skip.file_count} spec file(s): ${skip.reason}.`);
    lines.push(`  ${skip.files.join(', ')}${more > 0 ? `, … ${more} more` : ''}`);
  }
  lines.push(
    ...report.imported.map(
      (item) => `Picked up a hand edit of ${item.file}: stored as ${item.name} version ${item.version}.`,
    ),
  );
  const seen = shownRefusals.get(deps.specs) ?? new Map<string, string>();
  shownRefusals.set(deps.specs, seen);
  for (const item of report.invalid) {
    const signature = JSON.stringify(item.problems);
    if (!options.full && seen.get(item.file) === signature) {
      lines.push(`${item.file} is still not a valid spec (not imported; list_trace_specs shows why).`);
      continue;
    }
    seen.set(item.file, signature);
    const shown = item.problems.slice(0, PROBLEMS_SHOWN);
    const more = item.problems.length - shown.length;
    lines.push(`${item.file} is not a valid spec, so it was not imported (stored versions unchanged):`);
    lines.push(
      ...formatProblems(shown)
        .split('\n')
        .map((line) => `  ${line}`),
    );
    if (more > 0) lines.push(`  … ${more} more problems`);
  }
  const files: SpecFilesOutput = {
    imported: report.imported,
    invalid: report.invalid.map((item) => ({ ...item, problems: item.problems.slice(0, PROBLEMS_SHOWN) })),
    ...(skipped.length > 0 ? { skipped } : {}),
  };
  return { files, lines };
}

/** Reads a document argument: an object as it is, text as YAML/JSON (a syntax error names its line). */
export function readDocument(value: string | Record<string, unknown>, what: string): unknown {
  if (typeof value !== 'string') {
    // The same limit as for text, so an object cannot carry what a YAML text may not.
    const bytes = utf8Length(JSON.stringify(value));
    if (bytes > MAX_SPEC_BYTES) {
      throw invalidArgument(
        `${what} is ${bytes} bytes as JSON; a spec may hold at most ${MAX_SPEC_SIZE} (${MAX_SPEC_BYTES} bytes)`,
        'a real spec is a few KB: split a bigger one into several specs',
      );
    }
    return value;
  }
  const read = readSpecText(value);
  if (!read.ok)
    throw invalidArgument(`${what}: ${read.message}`, 'send an object, or YAML/JSON text of one document');
  return read.value;
}

export function checkedSpecName(name: string): string {
  checkSpecName(name);
  return name;
}

/** A spec given inline (object or YAML/JSON text), named `name`: validated completely, or refused with every problem. */
export function fromSpecification(name: string, specification: string | Record<string, unknown>): TraceSpec {
  const value = readDocument(specification, 'specification');
  let document = value;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const given = (value as Record<string, unknown>).name;
    if (given === undefined) document = { name, ...(value as Record<string, unknown>) };
    else if (given !== name) {
      throw invalidArgument(
        `the specification's name ${JSON.stringify(given)} differs from name '${name}'`,
        `leave name out of the specification, or set it to '${name}'`,
      );
    }
  }
  const validation = validateTraceSpec(document);
  if (!validation.ok || !validation.spec) {
    const count = validation.problems.length;
    throw new OtelMcpError(
      'INVALID_ARGUMENT',
      `invalid trace spec, nothing stored (${count} problem${count === 1 ? '' : 's'}):\n${formatProblems(validation.problems)}`,
      'fix every listed path and send the whole spec again; list_spec_templates shows complete examples',
    );
  }
  return validation.spec;
}
