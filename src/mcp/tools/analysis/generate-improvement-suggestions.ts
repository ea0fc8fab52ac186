import * as z from 'zod';
import { suggestImprovements } from '../../../tracespec/index.js';
import { listSection } from '../../response/response-draft.js';
import { cursorInput, responseFields } from '../../response/response-fields.js';
import { READ_ONLY, defineTool } from '../../tool-definition.js';
import { invalidArgument } from '../../../model/errors.js';
import { backendInput, traceIdInput } from '../common-inputs.js';
import { readDocument, specNameInput, specVersionInput } from '../specs/spec-common.js';
import { sourcesByReference } from './improvement-references.js';
import { recognizeSources } from './improvement-sources.js';

const DEFAULT_MAX = 10;

export const generateImprovementSuggestionsTool = defineTool({
  name: 'generate_improvement_suggestions',
  title: 'Turn results into a prioritized plan',
  description:
    'A prioritized action list, duplicates merged, for a trace (trace_id, + spec_name to judge it), a session iteration (session_id) or pasted results of compare_trace_to_spec, detect_performance_issues or analyze_trace.',
  toolset: 'analysis',
  input: z.object({
    trace_id: traceIdInput.optional(),
    spec_name: specNameInput.optional().describe('With trace_id: also judge the trace by this spec'),
    spec_version: specVersionInput,
    session_id: z.string().min(1).optional().describe("Instead: a session iteration's trace and spec"),
    iteration: z.number().int().min(1).optional().describe('Iteration (default: the latest)'),
    backend: backendInput,
    analysis_result: z
      .union([z.string(), z.record(z.string(), z.unknown()), z.array(z.record(z.string(), z.unknown()))])
      .optional()
      .describe('Or: structured result(s) of those tools (object, JSON text or a list)'),
    max: z
      .number()
      .int()
      .min(1)
      .max(50)
      .optional()
      .describe(`Actions returned at most (default ${DEFAULT_MAX})`),
    cursor: cursorInput,
  }),
  output: z.object({
    improvements: z.array(
      z.object({
        priority: z.number().describe('1 (do first) … 5'),
        category: z.enum(['capture', 'error', 'structure', 'placement', 'tags', 'performance']),
        action: z.string(),
        path: z.string().optional().describe('The spec entry it concerns'),
        span_id: z.string().optional(),
        source: z.enum(['spec_comparison', 'analysis_findings']),
      }),
    ),
    recognized: z.array(z.string()).describe('What each input was read as'),
    skipped_items: z.number().describe('Items of the input without the fields a suggestion needs'),
    ...responseFields,
  }),
  annotations: READ_ONLY,
  async handler(input, { deps }) {
    const byReference = input.trace_id !== undefined || input.session_id !== undefined;
    if (byReference && input.analysis_result !== undefined)
      throw invalidArgument(
        'analysis_result and a trace_id or session_id name two inputs',
        'pass one: a trace (trace_id, + spec_name), a session iteration (session_id), or analysis_result',
      );
    const recognized = byReference
      ? await sourcesByReference(deps, input)
      : recognizeSources(pastedResult(input.analysis_result));
    const all = suggestImprovements(recognized.sources, { max: Number.POSITIVE_INFINITY });
    const max = input.max ?? DEFAULT_MAX;
    const improvements = all.slice(0, max);
    const rank = new Map(improvements.map((item, index) => [item, index + 1]));
    const from = `${'subject' in recognized ? `${recognized.subject}: ` : ''}${recognized.recognized.join(', ')}`;
    const lead =
      all.length === 0
        ? [
            `Nothing to improve: ${'subject' in recognized ? recognized.subject : 'the result'} has no violations or findings.`,
          ]
        : [`${all.length} action${all.length === 1 ? '' : 's'}, most important first (from ${from}):`];
    if (recognized.skipped > 0)
      lead.push(`${recognized.skipped} items of the input were skipped: they lacked kind, fix or severity.`);
    return {
      fields: { recognized: recognized.recognized, skipped_items: recognized.skipped },
      lead,
      lists: [
        listSection({
          key: 'improvements',
          rows: improvements,
          line: (item) =>
            `${rank.get(item)}. [${item.category}] ${item.action}${item.span_id ? ` (span ${item.span_id})` : ''}`,
          ...(all.length > max ? { beyond: { count: all.length - max, next: 'raise max (up to 50)' } } : {}),
        }),
      ],
    };
  },
});

function pastedResult(
  value: string | Record<string, unknown> | Record<string, unknown>[] | undefined,
): unknown {
  if (value === undefined)
    throw invalidArgument(
      'nothing to plan from',
      'pass trace_id (+ spec_name), session_id (+ iteration), or analysis_result: a result of compare_trace_to_spec, detect_performance_issues or analyze_trace',
    );
  return Array.isArray(value) ? value : readDocument(value, 'analysis_result');
}
