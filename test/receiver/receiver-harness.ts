/**
 * Starts a real receiver on 127.0.0.1 with OS-chosen ports and a capturing sink, and speaks to it the
 * way exporters do: raw HTTP posts and raw gRPC unary calls (identity serializers, so tests can send
 * any bytes, malformed ones included).
 */
import { Client, credentials, Metadata, type ServiceError } from '@grpc/grpc-js';
import type { LogRecord, Span } from '../../src/model/index.js';
import {
  createOtlpReceiver,
  DEFAULT_MAX_BODY_BYTES,
  type OtlpReceiver,
  type ReceiverOptions,
} from '../../src/receiver/otlp-receiver.js';
import type { TelemetrySink } from '../../src/receiver/telemetry-sink.js';

export class CapturingSink implements TelemetrySink {
  readonly spans: Span[] = [];
  readonly logs: LogRecord[] = [];
  /** When set, the next writes throw it (a full disk, a locked database). */
  failure: Error | undefined;

  writeSpans(spans: Span[]): void {
    if (this.failure) throw this.failure;
    this.spans.push(...spans);
  }

  writeLogs(logs: LogRecord[]): void {
    if (this.failure) throw this.failure;
    this.logs.push(...logs);
  }
}

export interface RunningReceiver<Sink extends TelemetrySink = CapturingSink> {
  receiver: OtlpReceiver;
  sink: Sink;
  /** Every line the receiver logged. */
  lines: string[];
  httpUrl: string;
  grpcAddress: string;
  close(): Promise<void>;
}

export async function startReceiver(options?: Partial<ReceiverOptions>): Promise<RunningReceiver>;
/** The same in front of another sink (a store, one that commits slowly). */
export async function startReceiver<Sink extends TelemetrySink>(
  options: Partial<ReceiverOptions>,
  sink: Sink,
): Promise<RunningReceiver<Sink>>;
export async function startReceiver(
  options: Partial<ReceiverOptions> = {},
  sink: TelemetrySink = new CapturingSink(),
): Promise<RunningReceiver<TelemetrySink>> {
  const lines: string[] = [];
  const receiver = createOtlpReceiver(sink, {
    host: '127.0.0.1',
    httpPort: 0,
    grpcPort: 0,
    maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
    log: (line) => lines.push(line),
    ...options,
  });
  const [http, grpc] = await receiver.start();
  return {
    receiver,
    sink,
    lines,
    httpUrl: http?.endpoint ?? '',
    grpcAddress: grpc?.port ? `127.0.0.1:${grpc.port}` : '',
    close: () => receiver.close(),
  };
}

export interface HttpReply {
  status: number;
  headers: Headers;
  body: Buffer;
}

export async function post(
  url: string,
  body: Uint8Array | string,
  headers: Record<string, string> = {},
): Promise<HttpReply> {
  const response = await fetch(url, { method: 'POST', body, headers });
  return {
    status: response.status,
    headers: response.headers,
    body: Buffer.from(await response.arrayBuffer()),
  };
}

export interface GrpcReply {
  error?: ServiceError;
  response?: Buffer;
}

/** One unary call with raw bytes, as an exporter would make it; `compress` turns on gzip. */
export function grpcExport(
  address: string,
  service: 'trace' | 'logs' | 'metrics',
  body: Uint8Array,
  options: { metadata?: Record<string, string>; compress?: boolean } = {},
): Promise<GrpcReply> {
  const serviceName = { trace: 'TraceService', logs: 'LogsService', metrics: 'MetricsService' }[service];
  const client = new Client(address, credentials.createInsecure(), {
    'grpc.max_send_message_length': -1,
    ...(options.compress
      ? { 'grpc.default_compression_algorithm': 2, 'grpc.default_compression_level': 2 }
      : {}),
  });
  const metadata = new Metadata();
  for (const [name, value] of Object.entries(options.metadata ?? {})) metadata.set(name, value);
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      `/opentelemetry.proto.collector.${service}.v1.${serviceName}/Export`,
      (bytes: Buffer) => bytes,
      (bytes: Buffer) => bytes,
      Buffer.from(body),
      metadata,
      (error, response) => {
        client.close();
        resolve(error ? { error } : { response: response ?? Buffer.alloc(0) });
      },
    );
  });
}
