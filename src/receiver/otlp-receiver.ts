/**
 * The embedded OTLP receiver: an OTLP/HTTP and an OTLP/gRPC listener feeding one TelemetrySink.
 * A listener that cannot bind (port taken) is reported, not fatal: the other one still serves, and
 * `status()` says what happened so the server can tell the user on stderr and in `get_otlp_endpoint`.
 */
import { OtelMcpError } from '../model/index.js';
import { createExportHandler } from './export-handler.js';
import { createGroupCommitQueue } from './group-commit-queue.js';
import { originPolicy } from './origin-policy.js';
import { createGrpcListener } from './grpc-listener.js';
import { createHttpListener, type Listener } from './http-listener.js';
import type { ListenerStatus } from './listener-status.js';
import { emptyStats, type ReceiverStats } from './receiver-stats.js';
import { requiredHeaderCheck } from './required-headers.js';
import type { TelemetrySink } from './telemetry-sink.js';

export type { ListenerStatus } from './listener-status.js';
export type { ReceiverStats } from './receiver-stats.js';
export type { TelemetrySink } from './telemetry-sink.js';

/** 32 MiB: ~70,000 typical spans (≈450 bytes each) per request, far above an SDK's 512-span batch. */
export const DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;

export interface ReceiverOptions {
  /** Interface to bind; 127.0.0.1 keeps the receiver local. */
  host: string;
  /** null disables the listener; 0 lets the OS choose (tests). */
  httpPort: number | null;
  grpcPort: number | null;
  /** Largest accepted request, checked before and after gunzip. */
  maxBodyBytes: number;
  /** Headers every export must carry (e.g. `{ authorization: 'Bearer …' }`); names are case-insensitive. */
  requiredHeaders?: Record<string, string>;
  /** Browser origins (`http://localhost:5173`) whose pages may export over OTLP/HTTP; default none. */
  allowedOrigins?: readonly string[];
  /**
   * Where run-time diagnostics go (stderr in the server: stdout belongs to MCP): refused exports
   * (once per distinct message) and server errors. Never given a secret. Start-up results are
   * returned by `start()` for the caller to report.
   */
  log: (line: string) => void;
  /** OTLP/HTTP: a request must arrive whole within this (default 30 s). */
  httpRequestTimeoutMs?: number;
  /** OTLP/gRPC: a connection with no call in flight is closed after this (default 60 s). */
  grpcIdleTimeoutMs?: number;
  /** OTLP/gRPC: a call's request must arrive whole within this (default 30 s). */
  grpcRequestTimeoutMs?: number;
  /**
   * Spans and log records that may wait to be written before exports are answered 503 / UNAVAILABLE
   * with Retry-After (default DEFAULT_MAX_QUEUED_ITEMS); see group-commit-queue.ts.
   */
  maxQueuedItems?: number;
  /** Items written in one transaction at most (default DEFAULT_GROUP_ITEMS). */
  groupItems?: number;
}

export interface OtlpReceiver {
  /** Binds the enabled listeners; resolves (never rejects) with one status per protocol, http first. */
  start(): Promise<ListenerStatus[]>;
  status(): ListenerStatus[];
  stats(): ReceiverStats;
  close(): Promise<void>;
}

export function createOtlpReceiver(sink: TelemetrySink, options: ReceiverOptions): OtlpReceiver {
  validateOptions(options);
  const stats = emptyStats();
  const queue = createGroupCommitQueue(sink, {
    ...(options.maxQueuedItems !== undefined ? { maxQueuedItems: options.maxQueuedItems } : {}),
    ...(options.groupItems !== undefined ? { groupItems: options.groupItems } : {}),
  });
  const handler = createExportHandler(queue, stats, options.log);
  const headerCheck = requiredHeaderCheck(options.requiredHeaders);
  const common = { host: options.host, maxBodyBytes: options.maxBodyBytes, headerCheck, handler };
  const origins = originPolicy(options.allowedOrigins ?? []);
  const http =
    options.httpPort === null
      ? undefined
      : createHttpListener({
          ...common,
          origins,
          port: options.httpPort,
          log: options.log,
          ...(options.httpRequestTimeoutMs !== undefined
            ? { requestTimeoutMs: options.httpRequestTimeoutMs }
            : {}),
        });
  const grpc =
    options.grpcPort === null
      ? undefined
      : createGrpcListener({
          ...common,
          port: options.grpcPort,
          ...(options.grpcIdleTimeoutMs !== undefined ? { idleTimeoutMs: options.grpcIdleTimeoutMs } : {}),
          ...(options.grpcRequestTimeoutMs !== undefined
            ? { requestTimeoutMs: options.grpcRequestTimeoutMs }
            : {}),
        });
  let statuses: ListenerStatus[] = [
    notStarted('http', options.host, options.httpPort),
    notStarted('grpc', options.host, options.grpcPort),
  ];
  let starting: Promise<ListenerStatus[]> | undefined;

  const startListener = async (
    listener: Listener | undefined,
    initial: ListenerStatus,
  ): Promise<ListenerStatus> => (listener ? listener.start() : initial);

  return {
    start() {
      starting ??= Promise.all([startListener(http, statuses[0]!), startListener(grpc, statuses[1]!)]).then(
        (result) => {
          // The caller reports these (stderr, get_otlp_endpoint); logging them here too would say it twice.
          statuses = result;
          return result.map((status) => ({ ...status }));
        },
      );
      return starting;
    },
    status: () => statuses.map((status) => ({ ...status })),
    stats: () => ({ ...stats }),
    async close() {
      await Promise.all([http?.close(), grpc?.close()]);
      statuses = statuses.map((status) => ({ ...status, listening: false, endpoint: undefined }));
    },
  };
}

function notStarted(protocol: 'http' | 'grpc', host: string, port: number | null): ListenerStatus {
  return { protocol, host, port, listening: false };
}

function validateOptions(options: ReceiverOptions): void {
  for (const [name, port] of [
    ['httpPort', options.httpPort],
    ['grpcPort', options.grpcPort],
  ] as const) {
    if (port !== null && !(Number.isInteger(port) && port >= 0 && port <= 65_535)) {
      throw new OtelMcpError(
        'INVALID_ARGUMENT',
        `receiver ${name} ${String(port)} is not a port`,
        'use 0–65535, 0 for an OS-chosen port, or null to disable',
      );
    }
  }
  for (const [name, value] of [
    ['maxQueuedItems', options.maxQueuedItems],
    ['groupItems', options.groupItems],
  ] as const) {
    if (value !== undefined && !(Number.isInteger(value) && value > 0)) {
      throw new OtelMcpError(
        'INVALID_ARGUMENT',
        `receiver ${name} ${String(value)} is not a positive integer`,
      );
    }
  }
  if (!(Number.isInteger(options.maxBodyBytes) && options.maxBodyBytes > 0)) {
    throw new OtelMcpError(
      'INVALID_ARGUMENT',
      `receiver maxBodyBytes ${String(options.maxBodyBytes)} is not a positive integer`,
    );
  }
}
