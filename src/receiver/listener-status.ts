/** How one listener of the receiver fared at start-up, for stderr and the `get_otlp_endpoint` tool. */
export interface ListenerStatus {
  protocol: 'http' | 'grpc';
  host: string;
  /** The bound port (the OS's choice when 0 was asked), or null when the listener is disabled. */
  port: number | null;
  listening: boolean;
  /** Why it is not listening (e.g. the port is taken); absent when listening or disabled. */
  error?: string;
  /** The base URL to give an SDK (`OTEL_EXPORTER_OTLP_ENDPOINT`), when listening. */
  endpoint?: string;
}

export function endpointUrl(host: string, port: number): string {
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

export function listenFailure(protocol: 'http' | 'grpc', host: string, port: number, error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'EADDRINUSE' || /EADDRINUSE|address already in use/i.test(message)) {
    return `port ${port} on ${host} is already in use (EADDRINUSE): another process (perhaps an OpenTelemetry Collector or another otel-mcp) holds it; choose another ${protocol === 'http' ? 'OTLP/HTTP' : 'OTLP/gRPC'} port or stop that process`;
  }
  if (code === 'EACCES') return `no permission to listen on ${host}:${port} (EACCES)`;
  return `could not listen on ${host}:${port}: ${message}`;
}
