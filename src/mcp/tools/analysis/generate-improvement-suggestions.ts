import * as z from 'zod';
import { suggestImprovements } from '../../../tracespec/index.js';
import { READ_ONLY, defineTool } from '../../tool-definition.js';
import { readDocument } from '../specs/spec-common.js';
import { recognizeSources } from './improvement-sources.js';

const DEFAULT_MAX = 10;

export const generateImprovementSuggestionsTool = defineTool({
  name: 'generate_improvement_suggestions',
  title: 'Turn results into a prioritized plan',
  description:
    'A short prioritized action list from results of compare_trace_to_spec, detect_performance_issues or analyze_trace (one or a list); duplicates merged.',
  toolset: 'analysis',
  input: z.object({
    analysis_result: z
      .union([z.string(), z.record(z.string(), z.unknown()), z.array(z.record(z.string(), z.unknown()))])
      .describe(
        'The structured result of compare_trace_to_spec, detect_performance_issues or analyze_trace (object, JSON text or a list)',
      ),
    max: z
      .number()
      .int()
      .min(1)
      .max(50)
      .optional()
      .describe(`Actions returned at most (default ${DEFAULT_MAX})`),
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
  }),
  annotations: READ_ONLY,
  async handler(input) {
    const value = Array.isArray(input.analysis_result)
      ? input.analysis_result
      : readDocument(input.analysis_result, 'analysis_result');
    const recognized = recognizeSources(value);
    // Output is bounded by `max` (≤ 50 one-sentence actions), far inside any budget.
    const improvements = suggestImprovements(recognized.sources, { max: input.max ?? DEFAULT_MAX });
    const lines =
      improvements.length === 0
        ? ['Nothing to improve: the result holds no violations or findings.']
        : [
            `${improvements.length} actions, most important first (from ${recognized.recognized.join(', ')}):`,
            ...improvements.map(
              (item, index) =>
                `${index + 1}. [${item.category}] ${item.action}${item.span_id ? ` (span ${item.span_id})` : ''}`,
            ),
          ];
    if (recognized.skipped > 0)
      lines.push(`${recognized.skipped} items of the input were skipped: they lacked kind, fix or severity.`);
    return {
      structured: { improvements, recognized: recognized.recognized, skipped_items: recognized.skipped },
      text: lines.join('\n'),
    };
  },
});
