import * as z from 'zod';
import { nanosToIso } from '../../../model/time.js';
import { READ_ONLY, defineTool } from '../../tool-definition.js';
import { listSection } from '../../response/response-draft.js';
import { cursorInput, responseFields } from '../../response/response-fields.js';
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
  input: z.object({ backend: backendInput, cursor: cursorInput }),
  output: z.object({
    backend: z.string(),
    services: z.array(service),
    total: z.number(),
    ...responseFields,
  }),
  annotations: READ_ONLY,
  async handler(input, { deps }) {
    const backend = deps.backends.get(input.backend);
    const all: z.infer<typeof service>[] =
      backend.capabilities.serviceStats && backend.serviceStats
        ? (await backend.serviceStats()).map((item) => ({
            name: item.name,
            span_count: item.spanCount,
            ...(item.lastSeenUnixNano !== undefined ? { last_seen: nanosToIso(item.lastSeenUnixNano) } : {}),
          }))
        : (await backend.listServices()).map((name) => ({ name }));
    return {
      fields: { backend: backend.name, total: all.length },
      lead:
        all.length === 0
          ? [
              'No services yet. Point a service at the receiver (get_otlp_endpoint) or run one with execute_and_capture.',
            ]
          : [`${all.length} service${all.length === 1 ? '' : 's'} in ${backend.name}:`],
      lists: [
        listSection({
          key: 'services',
          rows: all,
          line: (item) =>
            [
              item.name,
              item.span_count !== undefined ? `${item.span_count} spans` : '',
              item.last_seen ? `last ${item.last_seen}` : '',
            ]
              .filter(Boolean)
              .join('  '),
        }),
      ],
    };
  },
});
