import type { ReceiverEndpoint } from './run-environment.js';

/** A receiver listener as the run engine needs to know it (structurally the receiver's status). */
export interface ListenerInfo {
  protocol: 'http' | 'grpc';
  host: string;
  port: number | null;
  listening: boolean;
}

/** Any-address listeners are reached on loopback from the runs this server starts. */
const ANY_ADDRESS = new Set(['0.0.0.0', '::', '']);

/**
 * Where a run's SDKs should export: OTLP/HTTP protobuf when that listener is up (every SDK ships
 * it), OTLP/gRPC otherwise; undefined when neither listens.
 */
export function receiverEndpointOf(listeners: readonly ListenerInfo[]): ReceiverEndpoint | undefined {
  const pick =
    listeners.find((item) => item.protocol === 'http' && item.listening) ??
    listeners.find((item) => item.protocol === 'grpc' && item.listening);
  if (!pick || pick.port === null) return undefined;
  const host = ANY_ADDRESS.has(pick.host) ? '127.0.0.1' : pick.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${pick.port}`;
  return { protocol: pick.protocol === 'http' ? 'http/protobuf' : 'grpc', url };
}
