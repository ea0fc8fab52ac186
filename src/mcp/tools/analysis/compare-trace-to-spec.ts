import * as z from 'zod';
import type { Trace } from '../../../model/span.js';
import { compareTraceToSpec, type ComparisonResult, type TraceSpec } from '../../../tracespec/index.js';
import { errorOriginsOf } from '../../../workflow/error-origins.js';
import { orphanTops } from '../../../workflow/run-roots.js';
import { cursorInput } from '../../response/response-fields.js';
import { READ_ONLY, defineTool } from '../../tool-definition.js';
import { backendInput, budgetInput } from '../common-inputs.js';
import { specNameInput, specVersionInput, syncSpecFiles } from '../specs/spec-common.js';
import { loadTrace } from '../trace-lookup.js';
import { comparisonDraft, comparisonOutputSchema } from './spec-comparison-output.js';
import { pickTraceId, traceIdParams } from './trace-id-params.js';
import { plural } from '../../../model/plural.js';

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
    const result = compareForAnswer(trace, spec.spec, input.max_violations);
    const draft = comparisonDraft(result, spec.version, sync);
    const lost = lostRootNote(trace, result);
    if (lost && !result.matches_specification) draft.lead.splice(sync.lines.length + 1, 0, lost);
    return draft;
  },
});

/**
 * The comparison this answer gives and its picture (the spec overlay) draws, made the same way so
 * the two agree: every group of unexpected spans (the response layer pages them), every match (the
 * output shows a few; the lost-root note needs them all to tell where each orphan went), and each
 * error chain's origin.
 */
export function compareForAnswer(trace: Trace, spec: TraceSpec, maxViolations?: number): ComparisonResult {
  return compareTraceToSpec(trace, spec, {
    maxUnexpectedGroups: Number.POSITIVE_INFINITY,
    maxMatchesPerEntry: Number.POSITIVE_INFINITY,
    errorOrigins: errorOriginsOf(trace),
    ...(maxViolations !== undefined ? { maxViolations } : {}),
  });
}

/**
 * A trace whose root is not here was most often cut short by lost spans (a crash, an exit before
 * the SDK flushed), though the root may still be on its way or be a caller's that exports
 * elsewhere. An orphan that matches an entry whole is checked in that entry's place; one that does
 * not may stand in for the spec's upper entries and read as renamed or misplaced, so the answer
 * says so before the fixes (only a run, execute_and_capture, knows which service lost what).
 */
function lostRootNote(trace: Trace, result: ComparisonResult): string | undefined {
  if (trace.spans.some((span) => span.parentSpanId === undefined)) return undefined;
  const orphans = orphanTops(trace);
  if (orphans.length === 0) return undefined;
  const placed = new Set(
    result.entries.flatMap((entry) =>
      entry.near_miss?.parent_lost ? entry.near_miss.matches.map((match) => match.span_id) : [],
    ),
  );
  const services = [...new Set(orphans.map((span) => span.serviceName))].sort().join(', ');
  const caveat = orphans.every((span) => placed.has(span.spanId))
    ? 'What arrived is checked where the spec puts it (`~ … beneath lost spans`)'
    : 'Fixes below that rename or move spans may only describe that gap';
  return `Root: none received. ${plural(orphans.length, 'span')} (${services}) point${orphans.length === 1 ? 's' : ''} at parents that are not here: their spans were lost (a crash, an exit before the SDK flushed), are still on their way, or belong to a caller that exports elsewhere. ${caveat}; if spans were lost, that comes first (execute_and_capture names the service and why).`;
}
