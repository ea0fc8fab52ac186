import * as z from 'zod';
import { nanosToIso } from '../../../model/time.js';
import { READ_ONLY, defineTool } from '../../tool-definition.js';
import { fitList, jsonSize } from '../../output-budget.js';
import { backendInput } from '../common-inputs.js';

const service = z.object({
  name: z.string(),
  span_count: z.number().optional(),
  last_seen: z.string().optional().describe('ISO time of the newest span'),
});

export const listServicesTool = defineTool({
  name: 'list_services',
  title: 'List services that sent traces',
  description:
    'Services a backend knows, with span counts and when last seen where it keeps them. Next: list_operations for one service, get_traces for its recent traces.',
  toolset: 'query',
  input: z.object({ backend: backendInput }),
  output: z.object({
    backend: z.string(),
    services: z.array(service),
    total: z.number(),
    truncated: z.boolean(),
  }),
  annotations: READ_ONLY,
  async handler(input, { deps, budget }) {
    const backend = deps.backends.get(input.backend);
    const all: z.infer<typeof service>[] =
      backend.capabilities.serviceStats && backend.serviceStats
        ? (await backend.serviceStats()).map((item) => ({
            name: item.name,
            span_count: item.spanCount,
            ...(item.lastSeenUnixNano !== undefined ? { last_seen: nanosToIso(item.lastSeenUnixNano) } : {}),
          }))
        : (await backend.listServices()).map((name) => ({ name }));
    const fitted = fitList(all, budget.chars / 2, jsonSize);
    const lines = fitted.items.map((item) =>
      [
        item.name,
        item.span_count !== undefined ? `${item.span_count} spans` : '',
        item.last_seen ? `last ${item.last_seen}` : '',
      ]
        .filter(Boolean)
        .join('  '),
    );
    if (all.length === 0) {
      lines.push(
        'No services yet. Point a service at the receiver (get_otlp_endpoint) or run one with execute_and_capture.',
      );
    }
    if (fitted.omitted > 0)
      lines.push(`… ${fitted.omitted} more services not shown (raise budget_tokens to see them).`);
    return {
      structured: {
        backend: backend.name,
        services: fitted.items,
        total: all.length,
        truncated: fitted.omitted > 0,
      },
      text: lines.join('\n'),
    };
  },
});
