/**
 * Jaeger's api_v3 over gRPC (`jaeger.api_v3.QueryService`, port 16685 by default), chosen by a
 * `grpc://host:port` endpoint (`grpcs://` for TLS). Trace calls stream OTLP TracesData messages,
 * one or more per trace; an absent trace is an empty stream (or NOT_FOUND from some storages).
 */
import { Buffer } from 'node:buffer';
import { Client, Metadata, credentials, status as grpcStatus, type ServiceError } from '@grpc/grpc-js';
import { OtelMcpError } from '../../model/errors.js';
import { decodeTraceRequestProtobuf } from '../../otlp/index.js';
import type { Span } from '../../model/span.js';
import { unreadableAnswer } from '../backend-answer.js';
import type { BackendConnection } from '../http/connection.js';
import { backoffDelayMs } from '../http/retry-policy.js';
import {
  decodeGetOperationsResponse,
  decodeGetServicesResponse,
  encodeFindTracesRequest,
  encodeGetOperationsRequest,
  encodeGetServicesRequest,
  encodeGetTraceRequest,
} from './api-v3-messages.js';
import type { FindTracesParams, JaegerTransport } from './jaeger-transport.js';

const SERVICE = '/jaeger.api_v3.QueryService';
const RETRYABLE = new Set<number>([grpcStatus.UNAVAILABLE, grpcStatus.RESOURCE_EXHAUSTED]);

export interface GrpcDeps {
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export function createApiV3GrpcTransport(
  connection: BackendConnection,
  deps: GrpcDeps = {},
): JaegerTransport {
  const { endpoint, backendName, retry } = connection;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = deps.random ?? Math.random;
  const client = new Client(
    endpoint.authority,
    endpoint.scheme === 'grpcs' ? credentials.createSsl() : credentials.createInsecure(),
  );
  const where = `${backendName} at ${endpoint.url}`;

  const metadata = (): Metadata => {
    const result = new Metadata();
    for (const [key, value] of Object.entries(connection.headers)) result.set(key.toLowerCase(), value);
    return result;
  };
  const deadline = () => ({ deadline: Date.now() + connection.timeoutMs });
  const identity = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const raw = (bytes: Buffer) => bytes;

  async function withRetries<T>(method: string, call: () => Promise<T>): Promise<T> {
    for (let tried = 1; ; tried++) {
      try {
        return await call();
      } catch (error) {
        const code = (error as ServiceError).code;
        if (typeof code === 'number' && RETRYABLE.has(code) && tried < retry.attempts) {
          await sleep(backoffDelayMs(tried - 1, retry, random));
          continue;
        }
        throw grpcError(where, backendName, method, error, tried);
      }
    }
  }

  const unary = (method: string, request: Uint8Array): Promise<Buffer> =>
    withRetries(method, () => {
      return new Promise<Buffer>((resolve, reject) => {
        client.makeUnaryRequest(
          `${SERVICE}/${method}`,
          identity,
          raw,
          request,
          metadata(),
          deadline(),
          (error, value) => (error || !value ? reject(error ?? new Error('empty answer')) : resolve(value)),
        );
      });
    });

  /** Collects a whole stream; NOT_FOUND counts as an empty stream. */
  const stream = (method: string, request: Uint8Array): Promise<Buffer[]> =>
    withRetries(method, () => {
      return new Promise<Buffer[]>((resolve, reject) => {
        const messages: Buffer[] = [];
        const call = client.makeServerStreamRequest(
          `${SERVICE}/${method}`,
          identity,
          raw,
          request,
          metadata(),
          deadline(),
        );
        call.on('data', (message: Buffer) => messages.push(message));
        call.on('error', (error: ServiceError) =>
          error.code === grpcStatus.NOT_FOUND ? resolve([]) : reject(error),
        );
        call.on('end', () => resolve(messages));
      });
    });

  const decodeStream = (messages: Buffer[], what: string): Span[] => {
    const spans: Span[] = [];
    try {
      for (const message of messages) spans.push(...decodeTraceRequestProtobuf(message).spans);
    } catch (error) {
      throw unreadableAnswer(backendName, endpoint.url, what, error);
    }
    return spans;
  };

  return {
    api: 'api_v3 gRPC',
    async getTrace(traceId) {
      const messages = await stream('GetTrace', encodeGetTraceRequest(traceId));
      const spans = decodeStream(messages, 'GetTrace');
      return spans.length === 0 ? undefined : spans;
    },
    async findTraces(params: FindTracesParams) {
      return decodeStream(await stream('FindTraces', encodeFindTracesRequest(params)), 'FindTraces');
    },
    async getServices() {
      return decodeGetServicesResponse(await unary('GetServices', encodeGetServicesRequest()));
    },
    async getOperations(service) {
      return decodeGetOperationsResponse(await unary('GetOperations', encodeGetOperationsRequest(service)));
    },
    async close() {
      client.close();
    },
  };
}

function grpcError(
  where: string,
  backendName: string,
  method: string,
  error: unknown,
  tried: number,
): OtelMcpError {
  const serviceError = error as Partial<ServiceError>;
  const code = serviceError.code;
  const detail = serviceError.details || (error instanceof Error ? error.message : String(error));
  const attempts = tried > 1 ? ` (after ${tried} attempts)` : '';
  switch (code) {
    case grpcStatus.UNAUTHENTICATED:
    case grpcStatus.PERMISSION_DENIED:
      return new OtelMcpError(
        'UNAUTHENTICATED',
        `${where}: ${method} was refused: ${detail}`,
        `set auth or headers (tenant) for backend '${backendName}' in the config file`,
      );
    case grpcStatus.INVALID_ARGUMENT:
      return new OtelMcpError('INVALID_ARGUMENT', `${where} rejected ${method}: ${detail}`);
    case grpcStatus.UNIMPLEMENTED:
      return new OtelMcpError(
        'BACKEND_UNAVAILABLE',
        `${where} does not serve jaeger.api_v3.QueryService/${method}: ${detail}`,
        'point a grpc:// endpoint at the Jaeger query gRPC port (16685 by default), or use http:// for the HTTP API',
      );
    case grpcStatus.DEADLINE_EXCEEDED:
      return new OtelMcpError('BACKEND_UNAVAILABLE', `${where}: ${method} got no answer in time: ${detail}`);
    default:
      return new OtelMcpError(
        'BACKEND_UNAVAILABLE',
        `${where}: ${method} failed: ${detail}${attempts}`,
        `check that ${backendName} is running and reachable at ${where.slice(where.indexOf(' at ') + 4)}`,
      );
  }
}
