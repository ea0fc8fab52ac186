/**
 * The environment a captured run gets: the OpenTelemetry SDK pointed at the
 * embedded receiver, a short batch delay, and the run id on every resource. Pure: the caller
 * passes the base environment in.
 */
import { RUN_ID_ATTRIBUTE, RUN_PROCESS_ATTRIBUTE } from '../model/run-attributes.js';

export interface ReceiverEndpoint {
  protocol: 'http/protobuf' | 'grpc';
  /** Base URL: http://127.0.0.1:4318 (OTLP/HTTP) or http://127.0.0.1:4317 (OTLP/gRPC). */
  url: string;
}

export interface RunEnvironmentInput {
  /** The server's own environment (what the user set before starting otel-mcp). */
  base: NodeJS.ProcessEnv;
  /** Variables the caller passed for this run; they win over `base` but not over the endpoint. */
  extra?: Record<string, string>;
  endpoint: ReceiverEndpoint;
  runId: string;
  /** Headers the receiver requires on exports (backends.otlp.headers). */
  exportHeaders?: Record<string, string>;
  /**
   * The name of the service this environment starts (services[].name); absent for the command.
   * It tags the process's spans (otel_mcp.process), so the run knows which of its processes sent
   * what, and names the service when nothing else does.
   */
  service?: string;
}

/**
 * 50 ms: a batch processor exports at most this long after a span ends, so a run's spans are in a
 * tenth of a second after the command exits and the settle period (300 ms) starts counting then.
 * The SDK default of 5 s would make every run wait for the next batch; 100 ms made the polyglot
 * example's last span arrive ~190 ms after the exit, 50 ms ~110 ms. An export every 50 ms is
 * nothing to a service under a development run.
 */
export const RUN_BATCH_DELAY_MS = 50;

export const RUN_ID_ENV = 'OTEL_MCP_RUN_ID';

export function runEnvironment(input: RunEnvironmentInput): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(input.base)) if (value !== undefined) env[key] = value;
  Object.assign(env, input.extra ?? {});
  const { protocol, url } = input.endpoint;
  // The signal-specific variables win over the generic ones in every SDK: set both, so a
  // traces endpoint the user exported for another collector cannot divert the run's spans.
  env.OTEL_EXPORTER_OTLP_ENDPOINT = url;
  env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT = protocol === 'grpc' ? url : `${url}/v1/traces`;
  env.OTEL_EXPORTER_OTLP_PROTOCOL = protocol;
  env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL = protocol;
  env.OTEL_TRACES_EXPORTER = 'otlp';
  env.OTEL_BSP_SCHEDULE_DELAY ??= String(RUN_BATCH_DELAY_MS);
  if (input.exportHeaders && Object.keys(input.exportHeaders).length > 0) {
    const headers = Object.entries(input.exportHeaders).map(
      ([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`,
    );
    env.OTEL_EXPORTER_OTLP_HEADERS = headers.join(',');
    env.OTEL_EXPORTER_OTLP_TRACES_HEADERS = env.OTEL_EXPORTER_OTLP_HEADERS;
  }
  if (input.service !== undefined && serviceNameUnset(env)) env.OTEL_SERVICE_NAME = input.service;
  env.OTEL_RESOURCE_ATTRIBUTES = withRunId(env.OTEL_RESOURCE_ATTRIBUTES, input.runId, input.service);
  env[RUN_ID_ENV] = input.runId;
  return env;
}

/**
 * Neither OTEL_SERVICE_NAME nor a service.name in OTEL_RESOURCE_ATTRIBUTES: every SDK would call
 * the service `unknown_service:<runtime>`, and a spec naming it could never match.
 */
export function serviceNameUnset(env: Readonly<Record<string, string | undefined>>): boolean {
  if ((env.OTEL_SERVICE_NAME ?? '').trim() !== '') return false;
  return !(env.OTEL_RESOURCE_ATTRIBUTES ?? '')
    .split(',')
    .some((item) => item.split('=')[0]?.trim() === 'service.name');
}

/**
 * Adds the run id (and the started service's name) to a W3C-baggage-style `key=value,key=value`
 * list, keeping every attribute the user set (only earlier values of ours are replaced). The
 * service name is percent-encoded, as the list's values must be.
 */
export function withRunId(attributes: string | undefined, runId: string, service?: string): string {
  const ours = new Set([RUN_ID_ATTRIBUTE, RUN_PROCESS_ATTRIBUTE]);
  const kept = (attributes ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '' && !ours.has(item.split('=')[0]?.trim() ?? ''));
  const added = [`${RUN_ID_ATTRIBUTE}=${runId}`];
  if (service !== undefined) added.push(`${RUN_PROCESS_ATTRIBUTE}=${encodeURIComponent(service)}`);
  return [...kept, ...added].join(',');
}
