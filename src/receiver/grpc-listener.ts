/**
 * OTLP/gRPC (default :4317): the Export method of the trace, logs and metrics collector services.
 * The service definitions use identity (Buffer) serializers so the request bytes reach the same
 * protobuf decoder as OTLP/HTTP. grpc-js inflates gzip-compressed messages itself and enforces
 * `grpc.max_receive_message_length` after inflating (RESOURCE_EXHAUSTED), which bounds gzip bombs.
 */
import {
  Server,
  ServerCredentials,
  ServerInterceptingCall,
  status,
  type sendUnaryData,
  type ServerInterceptor,
  type ServerUnaryCall,
  type ServiceDefinition,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { OtelMcpError } from '../model/index.js';
import type { ExportHandler, ExportOutcome } from './export-handler.js';
import type { Listener } from './http-listener.js';
import { endpointUrl, listenFailure, type ListenerStatus } from './listener-status.js';
import { SIGNALS, type OtlpSignal } from './otlp-signals.js';
import type { HeaderCheck } from './required-headers.js';
import { wireStatus } from './wire-status.js';

export interface GrpcListenerOptions {
  host: string;
  port: number;
  maxBodyBytes: number;
  headerCheck: HeaderCheck;
  handler: ExportHandler;
  /** A connection with no call in flight is closed after this (default IDLE_TIMEOUT_MS). */
  idleTimeoutMs?: number;
  /** A call's request must arrive whole within this (default REQUEST_TIMEOUT_MS). */
  requestTimeoutMs?: number;
}

/**
 * grpc-js keeps a connection open forever by default, even one that never finished the HTTP/2
 * preface, so a client could hold sockets until the process runs out of descriptors. An SDK exports
 * every 5 s by default and reconnects by itself after a close, so a minute without a call costs a
 * live exporter nothing.
 */
const IDLE_TIMEOUT_MS = 60_000;
/**
 * A call whose request has not arrived whole 30 s after its headers is answered DEADLINE_EXCEEDED
 * (retryable by OTLP exporters), as OTLP/HTTP's request timeout does: a client dribbling a call's
 * bytes keeps its connection busy, so the idle limit never closes it. "Whole" is the client's
 * half-close: grpc-js runs a unary handler only then. Once the call is handled, the export may take
 * as long as the writer needs. grpc-js drops the bytes that follow the answer, but it cannot reset
 * the stream, so a client that goes on sending anyway is ended by the connection age below.
 */
const REQUEST_TIMEOUT_MS = 30_000;
/**
 * And every connection ends after 10 minutes (calls in flight get 30 s more), whatever it does.
 * Exporters reconnect.
 */
const MAX_CONNECTION_AGE_MS = 10 * 60_000;
const CONNECTION_AGE_GRACE_MS = 30_000;

/** A graceful shutdown waits for calls in flight; exports are short, so 2 s is generous. */
const SHUTDOWN_GRACE_MS = 2_000;

const identity = (bytes: Buffer): Buffer => bytes;

function serviceDefinition(signal: OtlpSignal): ServiceDefinition {
  return {
    Export: {
      path: `/${signal.grpcService}/Export`,
      requestStream: false,
      responseStream: false,
      requestSerialize: identity,
      requestDeserialize: identity,
      responseSerialize: identity,
      responseDeserialize: identity,
    },
  };
}

export function createGrpcListener(options: GrpcListenerOptions): Listener {
  const server = new Server({
    'grpc.max_receive_message_length': options.maxBodyBytes,
    'grpc.max_connection_idle_ms': options.idleTimeoutMs ?? IDLE_TIMEOUT_MS,
    'grpc.max_connection_age_ms': MAX_CONNECTION_AGE_MS,
    'grpc.max_connection_age_grace_ms': CONNECTION_AGE_GRACE_MS,
    interceptors: [requestDeadline(options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS)],
  });
  for (const signal of SIGNALS) {
    const implementation: UntypedServiceImplementation = {
      Export: (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) =>
        exportCall(signal, call, callback, options),
    };
    server.addService(serviceDefinition(signal), implementation);
  }
  let bound = false;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    start: () =>
      new Promise<ListenerStatus>((resolve) => {
        server.bindAsync(`${host}:${options.port}`, ServerCredentials.createInsecure(), (error, port) => {
          if (error) {
            resolve({
              protocol: 'grpc',
              host: options.host,
              port: options.port,
              listening: false,
              error: listenFailure('grpc', options.host, options.port, error),
            });
            return;
          }
          bound = true;
          resolve({
            protocol: 'grpc',
            host: options.host,
            port,
            listening: true,
            endpoint: endpointUrl(options.host, port),
          });
        });
      }),
    close: () =>
      new Promise<void>((resolve) => {
        if (!bound) {
          server.forceShutdown();
          return resolve();
        }
        const timer = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, SHUTDOWN_GRACE_MS);
        timer.unref();
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      }),
  };
}

/** Ends a call whose request has not arrived whole (half-closed) within `timeoutMs` of its start. */
function requestDeadline(timeoutMs: number): ServerInterceptor {
  return (_method, next) => {
    let timer: NodeJS.Timeout | undefined;
    const call: ServerInterceptingCall = new ServerInterceptingCall(next, {
      start: (startNext) => {
        timer = setTimeout(() => {
          call.sendStatus({
            code: status.DEADLINE_EXCEEDED,
            details: `the request did not arrive whole within ${timeoutMs / 1000} s of its headers; send it again`,
          });
        }, timeoutMs);
        startNext({
          onReceiveHalfClose: (passOn) => {
            clearTimeout(timer);
            passOn();
          },
          onCancel: () => clearTimeout(timer),
        });
      },
    });
    return call;
  };
}

function exportCall(
  signal: OtlpSignal,
  call: ServerUnaryCall<Buffer, Buffer>,
  callback: sendUnaryData<Buffer>,
  options: GrpcListenerOptions,
): void {
  const authFailure = options.headerCheck.failure((name) => {
    const value = call.metadata.get(name)[0];
    return value === undefined ? undefined : value.toString();
  });
  if (authFailure !== undefined) {
    answer(options.handler.refused(new OtelMcpError('UNAUTHENTICATED', authFailure)), callback);
    return;
  }
  options.handler.handle(signal, 'protobuf', call.request).then(
    (outcome) => answer(outcome, callback),
    (error: unknown) =>
      answer({ ok: false, error: new OtelMcpError('INTERNAL', `export failed: ${String(error)}`) }, callback),
  );
}

function answer(outcome: ExportOutcome, callback: sendUnaryData<Buffer>): void {
  if (outcome.ok) {
    callback(null, Buffer.from(outcome.body.buffer, outcome.body.byteOffset, outcome.body.byteLength));
    return;
  }
  const message = outcome.error.hint
    ? `${outcome.error.message} (${outcome.error.hint})`
    : outcome.error.message;
  callback({ code: wireStatus(outcome.error.code).grpc, details: message });
}
