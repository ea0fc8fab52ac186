import * as z from 'zod';
import { READ_ONLY, defineTool } from '../../tool-definition.js';
import type { ListenerReport } from '../../tool-deps.js';

const listener = z.object({
  protocol: z.enum(['http', 'grpc']),
  endpoint: z.string().optional().describe('Base URL to export to, when listening'),
  listening: z.boolean(),
  error: z.string().optional().describe('Why the listener is not running, with what to do'),
});

export const getOtlpEndpointTool = defineTool({
  name: 'get_otlp_endpoint',
  title: 'Where services should send their traces',
  description:
    "Where a service sends its traces: the receiver's endpoints and the environment variables to set. execute_and_capture sets them itself for what it runs.",
  toolset: 'query',
  input: z.object({}),
  output: z.object({
    listeners: z.array(listener),
    environment: z
      .record(z.string(), z.string())
      .describe('Variables to set on the service (OTel SDK standard)'),
    required_headers: z
      .array(z.string())
      .describe('Header names every export must carry (values are not shown)'),
    notes: z.array(z.string()),
  }),
  annotations: READ_ONLY,
  async handler(_input, { deps }) {
    const listeners = deps.receiverStatus().map(describeListener);
    const http = listeners.find((item) => item.protocol === 'http' && item.listening);
    const grpc = listeners.find((item) => item.protocol === 'grpc' && item.listening);
    const environment: Record<string, string> = { OTEL_TRACES_EXPORTER: 'otlp' };
    const notes: string[] = [];
    if (http?.endpoint) {
      environment.OTEL_EXPORTER_OTLP_ENDPOINT = http.endpoint;
      environment.OTEL_EXPORTER_OTLP_PROTOCOL = 'http/protobuf';
    } else if (grpc?.endpoint) {
      environment.OTEL_EXPORTER_OTLP_ENDPOINT = grpc.endpoint;
      environment.OTEL_EXPORTER_OTLP_PROTOCOL = 'grpc';
    } else {
      notes.push(
        'No OTLP listener is running: start otel-mcp with a free --otlp-http-port or --otlp-grpc-port.',
      );
    }
    // The SDK default of 5000 ms makes a short-lived process exit before its spans are sent.
    environment.OTEL_BSP_SCHEDULE_DELAY = '200';
    environment.OTEL_SERVICE_NAME = '<your-service-name>';
    if (http && grpc?.endpoint) {
      notes.push(
        `gRPC is also open at ${grpc.endpoint} (OTEL_EXPORTER_OTLP_PROTOCOL=grpc); Python's SDK defaults to gRPC.`,
      );
    }
    for (const item of listeners) {
      if (item.error) notes.push(`${item.protocol} listener: ${item.error}`);
    }
    const requiredHeaders = Object.keys(deps.config.backends.otlp?.headers ?? {});
    if (requiredHeaders.length > 0) {
      environment.OTEL_EXPORTER_OTLP_HEADERS = requiredHeaders
        .map((name) => `${name}=<value from your config>`)
        .join(',');
      notes.push(
        `Exports must carry the header(s) ${requiredHeaders.join(', ')} configured under backends.otlp.headers.`,
      );
    }
    const text = [
      ...listeners.map(
        (item) =>
          `${item.protocol.toUpperCase()}: ${item.listening ? item.endpoint : `not listening${item.error ? ` (${item.error})` : ''}`}`,
      ),
      'Set on the service:',
      ...Object.entries(environment).map(([key, value]) => `  ${key}=${value}`),
      ...notes,
    ].join('\n');
    return { structured: { listeners, environment, required_headers: requiredHeaders, notes }, text };
  },
});

function describeListener(report: ListenerReport): z.infer<typeof listener> {
  const host = report.host.includes(':') ? `[${report.host}]` : report.host;
  return {
    protocol: report.protocol,
    listening: report.listening,
    ...(report.listening && report.port !== null ? { endpoint: `http://${host}:${report.port}` } : {}),
    ...(report.error ? { error: report.error } : {}),
  };
}
