import * as z from 'zod';
import type { BackendHealth, TraceBackend } from '../../../backends/trace-backend.js';
import { READ_ONLY, defineTool } from '../../tool-definition.js';

// 3 s: a health probe is one cheap request; an agent listing backends should not wait the 10 s
// query timeout for one that is down.
const HEALTH_TIMEOUT_MS = 3_000;

const backendReport = z.object({
  name: z.string().describe('What to pass as `backend` to the other tools'),
  kind: z.string().describe('embedded, jaeger, zipkin, tempo, xray, cloud-trace or azure-monitor'),
  endpoint: z.string().optional().describe('Base URL, without credentials'),
  healthy: z.boolean(),
  problem: z.string().optional().describe('Why it is not healthy'),
  capabilities: z
    .array(z.string())
    .describe('Query features it answers; any other is refused, never narrowed'),
});

export const listBackendsTool = defineTool({
  name: 'list_backends',
  title: 'List the trace backends',
  description:
    'The backends query and analysis tools can read (their `backend` input): the embedded store and those configured, with kind, endpoint, health and supported searches. Where a service should export: get_otlp_endpoint.',
  toolset: 'query',
  input: z.object({}),
  output: z.object({ backends: z.array(backendReport) }),
  annotations: READ_ONLY,
  async handler(_input, { deps }) {
    const reports = await Promise.all(deps.backends.all().map(reportOf));
    const lines = reports.map((report) =>
      [
        `${report.name} (${report.kind})`,
        report.endpoint ?? '',
        report.healthy ? 'healthy' : `UNHEALTHY: ${report.problem ?? 'no answer'}`,
        report.capabilities.length > 0
          ? `supports ${report.capabilities.join(', ')}`
          : 'service and operation searches only',
      ]
        .filter(Boolean)
        .join('  '),
    );
    return { structured: { backends: reports }, text: lines.join('\n') };
  },
});

async function reportOf(backend: TraceBackend): Promise<z.infer<typeof backendReport>> {
  const health = await probe(backend);
  return {
    name: backend.name,
    kind: backend.kind,
    ...(backend.endpoint ? { endpoint: backend.endpoint } : {}),
    healthy: health.ok,
    ...(health.ok ? {} : { problem: health.message ?? 'unhealthy' }),
    capabilities: Object.entries(backend.capabilities)
      .filter(([, supported]) => supported === true)
      .map(([capability]) => capability)
      .sort(),
  };
}

async function probe(backend: TraceBackend): Promise<BackendHealth> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<BackendHealth>((resolve) => {
    timer = setTimeout(
      () =>
        resolve({
          ok: false,
          message: `no answer within ${HEALTH_TIMEOUT_MS} ms from ${backend.endpoint ?? backend.name}`,
        }),
      HEALTH_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([
      backend
        .health()
        .catch((error: unknown) => ({ ok: false, message: String((error as Error)?.message ?? error) })),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
