import * as z from 'zod';
import { compareTraceToSpec } from '../../../tracespec/index.js';
import { cursorInput } from '../../response/response-fields.js';
import { READ_ONLY, defineTool } from '../../tool-definition.js';
import { backendInput, budgetInput } from '../common-inputs.js';
import { specNameInput, specVersionInput, syncSpecFiles } from '../specs/spec-common.js';
import { loadTrace } from '../trace-lookup.js';
import { comparisonDraft, comparisonOutputSchema } from './spec-comparison-output.js';
import { pickTraceId, traceIdParams } from './trace-id-params.js';

export const compareTraceToSpecTool = defineTool({
  name: 'compare_trace_to_spec',
  synonyms: ['compare_traces', 'validate_against_spec'],
  title: 'Compare a trace with a spec',
  description:
    'One stored trace against a spec: the verdict, each violation with entry path, kind, evidence (nearest span, how it differs) and a fix. Run and judge in one step: execute_and_capture; many traces: validate_trace_collection.',
  toolset: 'analysis',
  input: z.object({
    ...traceIdParams,
    spec_name: specNameInput,
    spec_version: specVersionInput,
    max_violations: z
      .number()
      .int()
      .min(1)
      .max(200)
      .optional()
      .describe('Violations listed at most (default 40)'),
    cursor: cursorInput,
    backend: backendInput,
    budget_tokens: budgetInput,
  }),
  output: comparisonOutputSchema,
  annotations: READ_ONLY,
  async handler(input, { deps }) {
    const traceId = pickTraceId(input);
    const sync = await syncSpecFiles(deps);
    const spec = deps.specs.get(input.spec_name, input.spec_version);
    const trace = await loadTrace(deps, traceId, input.backend);
    // Every group of unexpected spans: the response layer pages them.
    const result = compareTraceToSpec(trace, spec.spec, {
      maxUnexpectedGroups: Number.POSITIVE_INFINITY,
      ...(input.max_violations !== undefined ? { maxViolations: input.max_violations } : {}),
    });
    return comparisonDraft(result, spec.version, sync);
  },
});
