import * as z from 'zod';
import { cursorInput } from '../../response/response-fields.js';
import { READ_ONLY, defineTool } from '../../tool-definition.js';
import { parseTimeRange } from '../../time-range.js';
import { backendInput, budgetInput, limitInput, timeRangeInput } from '../common-inputs.js';
import { traceListDraft, traceListOutput } from './trace-summary-output.js';

const DEFAULT_LIMIT = 20;

export const getTracesTool = defineTool({
  name: 'get_traces',
  title: 'Recent traces of a service',
  description:
    'The newest traces a service took part in, one summary each. To filter by operation, attributes, duration or status use search_traces; to open one, get_trace_by_id.',
  toolset: 'query',
  input: z.object({
    service_name: z
      .string()
      .min(1)
      .optional()
      .describe('Exact service name; omit for traces of every service'),
    time_range: timeRangeInput,
    limit: limitInput(DEFAULT_LIMIT, 200),
    backend: backendInput,
    budget_tokens: budgetInput,
    cursor: cursorInput,
  }),
  output: traceListOutput,
  annotations: READ_ONLY,
  async handler(input, { deps }) {
    const backend = deps.backends.get(input.backend);
    const limit = input.limit ?? DEFAULT_LIMIT;
    const window = parseTimeRange(input.time_range ?? 'last_1_hour', deps.now());
    const summaries = await backend.findTraces({
      ...(input.service_name ? { serviceName: input.service_name } : {}),
      window,
      // One past the limit tells whether more traces match (see traceListDraft).
      limit: limit + 1,
    });
    return traceListDraft(backend.name, summaries, limit);
  },
});
