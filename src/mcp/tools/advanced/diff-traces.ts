import * as z from 'zod';
import { diffTraces, formatDuration, shortPaths } from '../../../analysis/index.js';
import { plural } from '../../../model/plural.js';
import { listSection } from '../../response/response-draft.js';
import { cursorInput, responseFields } from '../../response/response-fields.js';
import { READ_ONLY, defineTool } from '../../tool-definition.js';
import { backendInput, budgetInput, traceIdInput } from '../common-inputs.js';
import { loadTrace } from '../trace-lookup.js';

const sideSchema = z.object({
  count: z.number(),
  total_ms: z.number(),
  mean_ms: z.number(),
  errors: z.number().describe('Spans with status ERROR'),
});

const outputSchema = z.object({
  trace_id_a: z.string(),
  trace_id_b: z.string(),
  a: z.object({ span_count: z.number(), duration_ms: z.number() }),
  b: z.object({ span_count: z.number(), duration_ms: z.number() }),
  differences: z
    .array(
      z.object({
        path: z
          .string()
          .describe(
            'service:operation from the top, joined with " > "; calls named alike to different places carry what they called, e.g. "gateway:POST (→ notify-service)"',
          ),
        depth: z.number(),
        status: z
          .enum(['added', 'removed', 'changed', 'unchanged'])
          .describe('added: only in B; removed: only in A'),
        a: sideSchema,
        b: sideSchema,
        count_changed: z.boolean(),
        duration_change: z.enum(['grew', 'shrank']).optional(),
        delta_total_ms: z.number().describe('B total − A total'),
        error_change: z
          .enum(['became_error', 'recovered', 'more_errors', 'fewer_errors'])
          .optional()
          .describe('How its ERROR spans changed, on a path in both traces'),
        error: z
          .string()
          .optional()
          .describe('Why they failed (side with more errors): HTTP status, exception type, status message'),
        explained_by: z
          .string()
          .optional()
          .describe('The path beneath that moved the same way by ≥80% as much: the change to chase'),
      }),
    )
    .describe(
      'Paths that differ: error changes first (deepest first), then largest change of total duration',
    ),
  unchanged_paths: z.number(),
  ...responseFields,
});

export const diffTracesTool = defineTool({
  name: 'diff_traces',
  title: 'Diff two traces',
  description:
    'Good vs bad trace per service:operation path: spans turned ERROR or recovered, added, removed, called more or less often, slower or faster (past noise thresholds). Many traces a side: detect_regressions.',
  toolset: 'advanced',
  input: z.object({
    trace_id_a: traceIdInput.describe('Trace A, the reference (id or unique prefix)'),
    trace_id_b: traceIdInput.describe('Trace B, compared with A'),
    min_relative_change: z
      .number()
      .min(0)
      .max(100)
      .optional()
      .describe("Minimum change of a path's total duration, as a fraction of A's (default 0.2)"),
    min_absolute_ms: z.number().min(0).optional().describe('…and by at least this many ms (default 1)'),
    backend: backendInput,
    budget_tokens: budgetInput,
    cursor: cursorInput,
  }),
  output: outputSchema,
  annotations: READ_ONLY,
  async handler(input, { deps }) {
    const a = await loadTrace(deps, input.trace_id_a, input.backend);
    const b = await loadTrace(deps, input.trace_id_b, input.backend);
    const diff = diffTraces(a, b, {
      ...(input.min_relative_change !== undefined ? { minRelativeChange: input.min_relative_change } : {}),
      ...(input.min_absolute_ms !== undefined ? { minAbsoluteMs: input.min_absolute_ms } : {}),
    });
    const { differences, ...fields } = diff;
    const lines = [
      `A ${diff.trace_id_a}: ${diff.a.span_count} spans, ${formatDuration(diff.a.duration_ms)}; B ${diff.trace_id_b}: ${diff.b.span_count} spans, ${formatDuration(diff.b.duration_ms)}.`,
    ];
    if (a.traceId === b.traceId) lines.push('Note: A and B are the same trace.');
    const counts = { added: 0, removed: 0, changed: 0 };
    for (const item of differences) if (item.status !== 'unchanged') counts[item.status] += 1;
    const failed = differences.filter(
      (item) => item.error_change === 'became_error' || item.error_change === 'more_errors',
    ).length;
    const recovered = differences.filter(
      (item) => item.error_change === 'recovered' || item.error_change === 'fewer_errors',
    ).length;
    const explained = differences.filter((item) => item.explained_by !== undefined).length;
    const errors =
      failed + recovered > 0
        ? `${plural(failed, 'path')} with new ERROR spans${recovered > 0 ? `, ${recovered} with fewer` : ''} (listed first, deepest first); `
        : '';
    lines.push(
      differences.length === 0
        ? `No differences past the thresholds (${diff.unchanged_paths} paths alike).`
        : `${errors}${counts.added} paths added, ${counts.removed} removed, ${counts.changed} changed${explained > 0 ? ` (${explained} of them only through a path beneath, counted with it)` : ''}; ${diff.unchanged_paths} alike:`,
    );
    const top = differences.find((item) => item.explained_by === undefined);
    const shown = shortPaths(differences.map((item) => item.path));
    const explains = new Map<string, number>();
    for (const item of differences)
      if (item.explained_by !== undefined)
        explains.set(item.explained_by, (explains.get(item.explained_by) ?? 0) + 1);
    const topName = top ? (top.path.split(' > ').pop() ?? top.path) : '';
    return {
      fields,
      lead: lines,
      lists: [
        listSection({
          key: 'differences',
          rows: differences,
          inText: (item) => item.explained_by === undefined,
          line: (item) =>
            `  ${describe(item, shown.get(item.path) ?? item.path, explains.get(item.path) ?? 0)}`,
        }),
      ],
      next: !top
        ? 'the traces have the same shape and timing; compare more traces with detect_regressions.'
        : top.error_change === 'became_error' || top.error_change === 'more_errors'
          ? `analyze_trace trace_id=${diff.trace_id_b} to see why ${topName} failed${top.error ? ` (${top.error})` : ''}: the deepest new ERROR, the likeliest cause of the others.`
          : top.error_change
            ? `analyze_trace trace_id=${diff.trace_id_a} to see why ${topName} failed in A, which B no longer does.`
            : `analyze_trace trace_id=${top.status === 'removed' ? diff.trace_id_a : diff.trace_id_b} to look at ${topName} in context.`,
    };
  },
});

function describe(
  item: z.infer<typeof outputSchema>['differences'][number],
  path: string,
  explains: number,
): string {
  const side = (value: { count: number; total_ms: number }): string =>
    `${value.count}× ${formatDuration(value.total_ms)}`;
  const delta = `${item.delta_total_ms >= 0 ? '+' : '−'}${formatDuration(Math.abs(item.delta_total_ms))}`;
  const failing = (value: { errors: number }): string => (value.errors > 0 ? `, ${value.errors} ERROR` : '');
  if (item.status === 'added') return `+ ${path}: added (${side(item.b)}${failing(item.b)})`;
  if (item.status === 'removed') return `- ${path}: removed (was ${side(item.a)}${failing(item.a)})`;
  const why = item.error ? ` (${item.error})` : '';
  const errors =
    item.error_change === 'became_error'
      ? `became ERROR${why}`
      : item.error_change === 'recovered'
        ? `recovered: no longer ERROR${why ? `, was${why}` : ''}`
        : item.error_change
          ? `ERROR spans ${item.a.errors} → ${item.b.errors}${why}`
          : '';
  const what = [
    errors,
    item.count_changed ? `count ${item.a.count} → ${item.b.count}` : '',
    item.duration_change ?? '',
  ]
    .filter((part) => part)
    .join(', ');
  const above =
    explains > 0 ? `; explains ${plural(explains, 'path')} above it that ${item.duration_change} too` : '';
  return `${item.error_change ? '!' : '~'} ${path}: ${what} (${side(item.a)} → ${side(item.b)}, ${delta})${above}`;
}
