/**
 * The three ways to read a Jaeger query service, behind one shape: api_v3 over gRPC, api_v3 over
 * HTTP (its grpc-gateway), and the internal HTTP API that Jaeger 1.x and 2.x both serve under /api.
 */
import type { OperationInfo } from '../../model/query.js';
import type { Span } from '../../model/span.js';
import type { FindTracesParams } from './api-v3-messages.js';

export interface JaegerTransport {
  /** For messages: which API answered. */
  readonly api: 'api_v3 gRPC' | 'api_v3 HTTP' | 'internal HTTP API';
  /** Undefined when the trace is absent. */
  getTrace(traceId: string): Promise<Span[] | undefined>;
  /** Spans of every matching trace, mixed. */
  findTraces(params: FindTracesParams): Promise<Span[]>;
  getServices(): Promise<string[]>;
  getOperations(service: string): Promise<OperationInfo[]>;
  close(): Promise<void>;
}

export type { FindTracesParams };
