import * as z from 'zod';
import { OtelMcpError, invalidArgument } from '../../../model/errors.js';
import {
  DEFAULT_DURATION_HEADROOM,
  DEFAULT_DURATION_SLACK_MS,
  DEFAULT_MAX_ENUM_VALUES,
  inferSpecFromTraces,
  serializeSpecYaml,
} from '../../../tracespec/index.js';
import { jsonSize } from '../../output-budget.js';
import { listSection, type FittedBlock } from '../../response/response-draft.js';
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
  spec: z
    .record(z.string(), z.unknown())
    .optional()
    .describe(
      'The inferred spec (valid input for define_trace_spec); absent when cut for size (truncated.spec says so)',
    ),
  kept: z
    .array(
      z.object({
        path: z.string(),
        count: z.string(),
        max_duration_ms: z.number(),
        tags: z.array(z.string()),
        ordered_children: z.boolean(),
      }),
    )
    .describe('Expected entries kept, by path'),
  dropped: z
    .array(
      z.object({
        path: z.string(),
        what: z.enum(['span', 'tag', 'order', 'count_range', 'duration_outlier']),
        key: z.string().optional(),
        reason: z.string(),
      }),
    )
    .describe('What varied between the traces or identifies one request, so it was left out'),
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

    // The spec is one piece: its YAML in the text and its object in the structured answer, whole or
    // not at all (half of a spec is not a spec). It is what the call asked for, so it claims its room
    // before the lists.
    const yaml = serializeSpecYaml(inference.spec);
    const specSize = yaml.length + 1 + jsonSize({ spec: inference.spec });
    const tooLarge = saved
      ? `the spec is too large for this budget_tokens: read it with get_trace_spec name=${name}, or call again with a larger budget_tokens`
      : 'the spec is too large for this budget_tokens: call again with a larger budget_tokens, or with save: true and read it with get_trace_spec';
    const specBlock: FittedBlock = {
      claim: 'first',
      fit: (chars) =>
        specSize <= chars
          ? { lines: ['', yaml], fields: { spec: inference.spec as unknown as Record<string, unknown> } }
          : {
              lines: [],
              cuts: { spec: { count: 1, next: tooLarge } },
              ...(saved
                ? {}
                : {
                    next: `call again with ${input.name === undefined ? 'a name and ' : ''}save: true to store it, then read it with get_trace_spec.`,
                  }),
            },
    };
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
    const lead = [...sync.lines];
    lead.push(
      `Inferred ${name} from ${inference.traceCount} trace${inference.traceCount === 1 ? '' : 's'} (${inference.spanCount} spans): ${inference.kept.length} expected entries kept; dropped ${droppedSpans} span shapes that were not always present and ${droppedTags} attributes that varied or identify a request.`,
    );
    if (inference.kept.length === 0)
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
        listSection({
          key: 'dropped',
          heading: 'Left out:',
          rows: inference.dropped,
          line: (item) =>
            `  dropped ${item.what} ${item.path}${item.key ? ` ${item.key}` : ''}: ${item.reason}`,
          weight: 2,
        }),
        listSection({
          key: 'kept',
          heading: 'Expected entries:',
          rows: inference.kept,
          line: (item) =>
            `  ${item.path}: count ${item.count}, max ${item.max_duration_ms} ms${item.tags.length > 0 ? `, tags ${item.tags.join(', ')}` : ''}${item.ordered_children ? ', children in order' : ''}`,
        }),
        listSection({
          key: 'unavailable',
          heading: 'Not read:',
          rows: loaded.unavailable,
          line: (item) => `  ${item.trace_id}: ${item.error}`,
        }),
      ],
      block: specBlock,
      next: saved
        ? `compare_trace_to_spec trace_id=<id> spec_name=${name}, or validate_trace_collection over new traces.`
        : `review the YAML, then store it with define_trace_spec name=${input.name ?? '<a name of yours>'} (or call again with ${input.name === undefined ? 'a name and ' : ''}save: true).`,
    };
  },
});
