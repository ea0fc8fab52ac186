import * as z from 'zod';
import { OtelMcpError, invalidArgument } from '../../../model/errors.js';
import {
  DEFAULT_DURATION_HEADROOM,
  DEFAULT_DURATION_SLACK_MS,
  DEFAULT_MAX_ENUM_VALUES,
  inferSpecFromTraces,
  serializeSpecYaml,
  type DroppedItem,
} from '../../../tracespec/index.js';
import { plural } from '../../../model/plural.js';
import { listSection } from '../../response/response-draft.js';
import { cursorInput, responseFields } from '../../response/response-fields.js';
import { defineTool } from '../../tool-definition.js';
import { backendInput, budgetInput, traceIdInput } from '../common-inputs.js';
import { checkedSpecName, specFilesSchema, specNameInput, syncSpecFiles } from '../specs/spec-common.js';
import { loadTraceIds, unavailableSchema } from '../load-traces.js';

/** 200 traces of 200 spans infer in well under a second (bench: 100 × 200 in tens of ms); past that, sample. */
const MAX_TRACES = 200;

const outputSchema = z.object({
  name: z.string(),
  trace_count: z.number().describe('Traces the spec was inferred from'),
  span_count: z.number(),
  yaml_lines: z
    .array(z.string())
    .describe(
      'The inferred spec as YAML, line by line (joined: valid input for define_trace_spec); a long one is paged like any list',
    ),
  dropped: z
    .array(
      z.object({
        what: z.enum(['span', 'tag', 'order', 'count_range', 'duration_outlier']),
        path: z.string().optional().describe('The entry, for all but tags'),
        keys: z
          .array(z.string())
          .optional()
          .describe('For tags: the attribute keys left out for this reason'),
        entries: z.number().optional().describe('For tags: on how many entries'),
        count: z.number().optional().describe('For tags: how many, over all entries'),
        reason: z.string(),
      }),
    )
    .describe(
      'What varied between the traces, identifies one request or says where it ran, so it was left out; tags grouped by reason',
    ),
  saved: z
    .object({ version: z.number(), created: z.boolean(), file: z.string().optional() })
    .optional()
    .describe('Present when save was true'),
  unavailable: unavailableSchema,
  spec_files: specFilesSchema.optional(),
  ...responseFields,
});

/** The name an inferred spec shows under when it is only shown: define_trace_spec names it when stored. */
const UNSAVED_NAME = 'inferred';

export const generateSpecFromTracesTool = defineTool({
  name: 'generate_spec_from_traces',
  title: 'Infer a spec from good traces',
  description:
    'A spec from good traces: what held in all (spans, placement, counts, order, stable tags, a duration envelope), without ids, timestamps, what varied or where it ran (addresses, ports, hosts). save: true stores it like define_trace_spec.',
  toolset: 'advanced',
  input: z.object({
    trace_ids: z.array(traceIdInput).min(1).max(MAX_TRACES).describe('Good traces (ids or prefixes)'),
    name: specNameInput.optional().describe(`Spec name (needed with save; default ${UNSAVED_NAME})`),
    duration_headroom: z
      .number()
      .min(1)
      .max(100)
      .optional()
      .describe(`Duration max: the slowest seen × this, rounded up (default ${DEFAULT_DURATION_HEADROOM})`),
    duration_slack_ms: z
      .number()
      .min(0)
      .max(3_600_000)
      .optional()
      .describe(`…and at least the slowest + this many ms (default ${DEFAULT_DURATION_SLACK_MS})`),
    max_enum_values: z
      .number()
      .int()
      .min(1)
      .max(20)
      .optional()
      .describe(`Attributes with ≤ this many values become 'in' lists (default ${DEFAULT_MAX_ENUM_VALUES})`),
    save: z.boolean().optional().describe('Store it (default: only show it)'),
    note: z.string().max(500).optional().describe('Stored with the version (save: true)'),
    backend: backendInput,
    budget_tokens: budgetInput,
    cursor: cursorInput,
  }),
  output: outputSchema,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(input, { deps }) {
    if (input.save && input.name === undefined)
      throw invalidArgument('save: true needs a name to store the spec under', 'name: e.g. "checkout_flow"');
    const name = checkedSpecName(input.name ?? UNSAVED_NAME);
    const loaded = await loadTraceIds(deps, input.trace_ids, input.backend);
    if (loaded.traces.length === 0) {
      const first = loaded.unavailable[0];
      throw new OtelMcpError(
        'NOT_FOUND',
        `none of the ${input.trace_ids.length} traces could be read${first ? ` (${first.trace_id}: ${first.error})` : ''}`,
        'pass ids listed by get_traces or search_traces',
      );
    }
    const inference = inferSpecFromTraces(loaded.traces, {
      name,
      ...(input.duration_headroom !== undefined ? { durationHeadroom: input.duration_headroom } : {}),
      ...(input.duration_slack_ms !== undefined ? { durationSlackMs: input.duration_slack_ms } : {}),
      ...(input.max_enum_values !== undefined ? { maxEnumValues: input.max_enum_values } : {}),
    });
    const sync = input.save ? await syncSpecFiles(deps) : { lines: [] as string[] };
    const saved = input.save
      ? await deps.specs.save(
          inference.spec,
          'tool',
          input.note ?? `inferred from ${inference.traceCount} traces`,
        )
      : undefined;

    const fields = {
      name,
      trace_count: inference.traceCount,
      span_count: inference.spanCount,
      ...(saved
        ? {
            saved: {
              version: saved.version.version,
              created: saved.created,
              ...(saved.file ? { file: saved.file } : {}),
            },
          }
        : {}),
      ...('files' in sync && sync.files ? { spec_files: sync.files } : {}),
    };

    const droppedSpans = inference.dropped.filter((item) => item.what === 'span').length;
    const droppedTags = inference.dropped.filter((item) => item.what === 'tag').length;
    const entryCount = inference.kept.length;
    const yamlLines = serializeSpecYaml(inference.spec).replace(/\n$/, '').split('\n');
    const lead = [...sync.lines];
    const left = [
      droppedSpans > 0 ? `${plural(droppedSpans, 'span shape')} not always present` : '',
      droppedTags > 0
        ? `${plural(droppedTags, 'tag')} that varied, identified a request or said where it ran`
        : '',
    ].filter((part) => part !== '');
    lead.push(
      `Inferred ${input.name === undefined ? 'a spec' : name} from ${plural(inference.traceCount, 'trace')} (${plural(inference.spanCount, 'span')}): ${plural(entryCount, 'expected entry', 'expected entries')}${left.length > 0 ? `; left out ${left.join(' and ')}` : ''}.`,
    );
    if (entryCount === 0)
      lead.push(
        'No span shape is common to every trace: pass traces of one kind of request (same root operation).',
      );
    if (inference.traceCount < 5)
      lead.push('Few traces: constants may be coincidences. More good traces give a more trustworthy spec.');
    if (loaded.unavailable.length > 0)
      lead.push(`${loaded.unavailable.length} of the traces could not be read (unavailable).`);
    if (saved)
      lead.push(
        saved.created
          ? `Stored ${name} version ${saved.version.version}${saved.file ? ` (${saved.file})` : ''}.`
          : `${name} is unchanged: equal to version ${saved.version.version}.`,
      );
    return {
      fields,
      lead,
      lists: [
        // The spec is what the call asked for: it gets most of the room, and a long one is paged
        // (as get_trace_spec pages it) rather than left out whole.
        listSection({
          key: 'yaml_lines',
          heading: `The spec, ${yamlLines.length} lines of YAML:`,
          rows: yamlLines,
          line: (line: string) => line,
          weight: 4,
          partNote:
            'Only part of the spec: do not store this page alone; join every page, or call with save: true.',
        }),
        listSection({
          key: 'dropped',
          heading: 'Left out of the spec:',
          rows: leftOut(inference.dropped),
          line: (item) =>
            item.what === 'tag'
              ? `  ${item.count} ${item.count === 1 ? 'tag' : 'tags'} on ${item.entries} ${item.entries === 1 ? 'entry' : 'entries'}, ${item.reason}: ${(item.keys ?? []).join(', ')}`
              : `  ${item.what.replace('_', ' ')} ${item.path ?? ''}: ${item.reason}`,
        }),
        listSection({
          key: 'unavailable',
          heading: 'Not read:',
          rows: loaded.unavailable,
          line: (item) => `  ${item.trace_id}: ${item.error}`,
        }),
      ],
      next: saved
        ? `compare_trace_to_spec trace_id=<id> spec_name=${name}, or validate_trace_collection over new traces.`
        : `review the YAML, then store it with define_trace_spec name=${input.name ?? '<a name of yours>'} (or call again with ${input.name === undefined ? 'a name and ' : ''}save: true).`,
    };
  },
});

type LeftOut = z.infer<typeof outputSchema>['dropped'][number];

/**
 * What inference left out, as the answer lists it: shapes, orders, counts and outliers one row each
 * (each says something about one entry), tags one row per reason with their keys. Tag by tag and
 * entry by entry, 3 traces of the polyglot example left out 55 tags in 55 rows of 150 characters,
 * mostly the same few transport keys on every HTTP span; by reason they are 4 rows.
 * Fewest tags first: a key of the application's own that varied reads before the routine ones.
 */
function leftOut(dropped: readonly DroppedItem[]): LeftOut[] {
  const rows: LeftOut[] = [];
  const tags = new Map<string, { keys: Set<string>; entries: Set<string>; count: number }>();
  for (const item of dropped) {
    if (item.what !== 'tag') {
      rows.push({ what: item.what, path: item.path, reason: item.reason });
      continue;
    }
    const group = tags.get(item.reason) ?? { keys: new Set<string>(), entries: new Set<string>(), count: 0 };
    if (item.key !== undefined) group.keys.add(item.key);
    group.entries.add(item.path);
    group.count += 1;
    tags.set(item.reason, group);
  }
  const groups = [...tags].sort((a, b) => a[1].count - b[1].count);
  for (const [reason, group] of groups)
    rows.push({
      what: 'tag',
      keys: [...group.keys].sort(),
      entries: group.entries.size,
      count: group.count,
      reason,
    });
  return rows;
}
