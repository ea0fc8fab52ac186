import * as z from 'zod';
import { OtelMcpError } from '../../../model/errors.js';
import { READ_ONLY, defineTool } from '../../tool-definition.js';
import { listSection } from '../../response/response-draft.js';
import { cursorInput, responseFields } from '../../response/response-fields.js';
import { backendInput } from '../common-inputs.js';
import { nearestNames } from '../../../model/did-you-mean.js';

export const listOperationsTool = defineTool({
  name: 'list_operations',
  title: "List a service's operations",
  description:
    'The span names (operations) of one service, with kinds where known. Service names: list_services; traces of one operation: search_traces.',
  toolset: 'query',
  input: z.object({
    service_name: z
      .string()
      .min(1)
      .describe('Exact service name (resource attribute service.name), as listed by list_services'),
    backend: backendInput,
    cursor: cursorInput,
  }),
  output: z.object({
    backend: z.string(),
    service_name: z.string(),
    operations: z.array(z.object({ name: z.string(), span_kind: z.string().optional() })),
    total: z.number(),
    ...responseFields,
  }),
  annotations: READ_ONLY,
  async handler(input, { deps }) {
    const backend = deps.backends.get(input.backend);
    const operations = (await backend.listOperations(input.service_name)).map((item) => ({
      name: item.name,
      ...(item.spanKind ? { span_kind: item.spanKind } : {}),
    }));
    if (operations.length === 0) {
      const services = await backend.listServices();
      if (!services.includes(input.service_name)) {
        throw new OtelMcpError(
          'NOT_FOUND',
          `no service '${input.service_name}' in backend '${backend.name}'`,
          services.length === 0
            ? 'no service has sent traces yet; see get_otlp_endpoint'
            : `did you mean ${nearestNames(input.service_name, services).join(', ')}? (list_services shows all)`,
        );
      }
    }
    return {
      fields: { backend: backend.name, service_name: input.service_name, total: operations.length },
      lead: [
        operations.length === 0
          ? `Service '${input.service_name}' has no operations yet.`
          : `${operations.length} operation${operations.length === 1 ? '' : 's'} of ${input.service_name}:`,
      ],
      lists: [
        listSection({
          key: 'operations',
          rows: operations,
          line: (item) => (item.span_kind ? `${item.name}  (${item.span_kind})` : item.name),
        }),
      ],
    };
  },
});
