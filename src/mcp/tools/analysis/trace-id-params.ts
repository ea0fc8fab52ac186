/**
 * The trace-id parameters of the comparison tools, parsed in one place: `trace_id` (canonical) and
 * `actual_trace_id` (the plan's name in compare_traces). A later two-trace compare_traces extends
 * this file, not each tool.
 */
import { invalidArgument } from '../../../model/errors.js';
import { traceIdInput } from '../common-inputs.js';

export const traceIdParams = {
  trace_id: traceIdInput.optional(),
  actual_trace_id: traceIdInput
    .optional()
    .describe("The plan's name for trace_id (compare_traces); pass either one"),
};

export function pickTraceId(input: {
  trace_id?: string | undefined;
  actual_trace_id?: string | undefined;
}): string {
  const { trace_id: traceId, actual_trace_id: actual } = input;
  if (traceId !== undefined && actual !== undefined && traceId !== actual) {
    throw invalidArgument(
      `trace_id '${traceId}' and actual_trace_id '${actual}' name different traces`,
      'pass one of them: they are the same parameter',
    );
  }
  const id = traceId ?? actual;
  if (id === undefined)
    throw invalidArgument(
      'no trace given',
      'pass trace_id (32 hex digits or a unique prefix), as listed by get_traces or search_traces',
    );
  return id;
}
