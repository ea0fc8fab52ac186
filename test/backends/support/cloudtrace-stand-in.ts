/**
 * A stand-in for Google Cloud Trace on loopback, since no Cloud Trace server can run outside Google:
 * - gRPC `google.devtools.cloudtrace.v2.TraceService/BatchWriteSpans` (insecure, loopback), built
 *   from the proto Google's OpenTelemetry exporter ships, so that exporter writes to it unchanged;
 * - REST v1 `GET /v1/projects/{projectId}/traces` (list: view MINIMAL/ROOTSPAN/COMPLETE, filter,
 *   startTime/endTime, orderBy, pageSize/pageToken) and `GET /v1/projects/{projectId}/traces/{traceId}`
 *   (get), with Google's error body `{error: {code, message, status}}`: 401 without a bearer token,
 *   404 for another project or an unknown trace, 400 for a filter it cannot read.
 * v2 spans are stored in the v1 shape (cloudtrace-v2-to-v1.ts). `intercept` lets a test answer a
 * request first (a 429, a 503, a broken body) and counts what was asked.
 */
import { Buffer } from 'node:buffer';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import * as grpc from '@grpc/grpc-js';
import type { TraceSpanV1, TraceV1 } from '../../../src/backends/cloudtrace/trace-v1.js';
import { rfc3339ToNanos } from '../../../src/backends/cloudtrace/span-mapping.js';
import {
  FilterSyntaxError,
  parseFilter,
  rootOf,
  traceMatchesFilter,
  latencyNanos,
} from './cloudtrace-filter-match.js';
import { v2ToV1, type SpanV2 } from './cloudtrace-v2-to-v1.js';

const require = createRequire(import.meta.url);
// The exporter's own proto and loader, resolved from its package so they are the ones it uses.
const exporterDir = require.resolve('@google-cloud/opentelemetry-cloud-trace-exporter');
const exporterRequire = createRequire(exporterDir);
const protoLoader = exporterRequire('@grpc/proto-loader') as typeof import('@grpc/proto-loader');
export const EXPORTER_PROTOS: object = exporterRequire('../protos/protos.json');

/** Cloud Trace's page size when the request sets none (the reference leaves it to the server). */
const DEFAULT_PAGE_SIZE = 100;

export type Interceptor = (request: IncomingMessage, url: URL, response: ServerResponse) => boolean | void;

export interface CloudTraceStandIn {
  /** http://127.0.0.1:PORT, the REST root URL. */
  restUrl: string;
  /** 127.0.0.1:PORT, the gRPC target for BatchWriteSpans. */
  grpcTarget: string;
  projectId: string;
  /** Every REST request's path and query, in order. */
  requests: URL[];
  /** Answers a request before the stand-in does when it returns true. */
  intercept: Interceptor | undefined;
  /** Stores v1-shaped traces directly (for failure and paging tests). */
  put(traces: TraceV1[]): void;
  close(): Promise<void>;
}

export async function startCloudTraceStandIn(projectId = 'otel-mcp-stand-in'): Promise<CloudTraceStandIn> {
  const traces = new Map<string, TraceV1>();
  const store = (traceId: string, span: TraceSpanV1) => {
    const trace = traces.get(traceId) ?? { projectId, traceId, spans: [] };
    trace.spans = trace.spans.filter((each) => each.spanId !== span.spanId).concat(span);
    traces.set(traceId, trace);
  };

  const grpcServer = new grpc.Server();
  const definition = protoLoader.fromJSON(EXPORTER_PROTOS, { longs: String, enums: String, oneofs: true });
  const loaded = grpc.loadPackageDefinition(definition) as unknown as {
    google: { devtools: { cloudtrace: { v2: { TraceService: grpc.ServiceClientConstructor } } } };
  };
  grpcServer.addService(loaded.google.devtools.cloudtrace.v2.TraceService.service, {
    BatchWriteSpans(
      call: grpc.ServerUnaryCall<{ name: string; spans: SpanV2[] }, object>,
      callback: grpc.sendUnaryData<object>,
    ) {
      if (call.request.name !== `projects/${projectId}`) {
        callback({ code: grpc.status.PERMISSION_DENIED, details: `no project ${call.request.name}` });
        return;
      }
      try {
        for (const span of call.request.spans) {
          const converted = v2ToV1(span);
          store(converted.traceId, converted.span);
        }
        callback(null, {});
      } catch (error) {
        callback({ code: grpc.status.INVALID_ARGUMENT, details: String(error) });
      }
    },
  });
  const grpcPort = await new Promise<number>((resolve, reject) =>
    grpcServer.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) =>
      error ? reject(error) : resolve(port),
    ),
  );

  const requests: URL[] = [];
  const standIn: CloudTraceStandIn = {
    restUrl: '',
    grpcTarget: `127.0.0.1:${grpcPort}`,
    projectId,
    requests,
    intercept: undefined,
    put(list) {
      for (const trace of list) for (const span of trace.spans) store(trace.traceId, span);
    },
    async close() {
      await new Promise((resolve) => http.close(resolve));
      grpcServer.forceShutdown();
    },
  };

  const http: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://stand-in');
    requests.push(url);
    if (standIn.intercept?.(request, url, response)) return;
    if (!/^Bearer \S+/.test(request.headers.authorization ?? '')) {
      googleError(response, 401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.');
      return;
    }
    const match = /^\/v1\/projects\/([^/]+)\/traces(?:\/([^/]+))?$/.exec(url.pathname);
    if (request.method !== 'GET' || !match) {
      googleError(response, 404, 'NOT_FOUND', `no such method: ${request.method} ${url.pathname}`);
      return;
    }
    if (decodeURIComponent(match[1]!) !== projectId) {
      googleError(response, 404, 'NOT_FOUND', `Project ${match[1]} not found.`);
      return;
    }
    if (match[2] !== undefined) {
      const trace = traces.get(match[2].toLowerCase());
      if (!trace) googleError(response, 404, 'NOT_FOUND', 'Trace not found.');
      else json(response, 200, { projectId, traceId: trace.traceId, spans: trace.spans });
      return;
    }
    try {
      json(response, 200, list([...traces.values()], url.searchParams));
    } catch (error) {
      if (!(error instanceof FilterSyntaxError)) throw error;
      googleError(response, 400, 'INVALID_ARGUMENT', error.message);
    }
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  standIn.restUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return standIn;
}

function list(all: TraceV1[], params: URLSearchParams): { traces: TraceV1[]; nextPageToken?: string } {
  const terms = parseFilter(params.get('filter') ?? '');
  const start = params.get('startTime');
  const end = params.get('endTime');
  const startNanos = start ? rfc3339ToNanos(start) : undefined;
  const endNanos = end ? rfc3339ToNanos(end) : undefined;
  const found = all.filter((trace) => {
    // Collected in the window: some span overlaps it.
    const inWindow = trace.spans.some((span) => {
      const s = rfc3339ToNanos(span.startTime!);
      const e = rfc3339ToNanos(span.endTime ?? span.startTime!);
      return (startNanos === undefined || e >= startNanos) && (endNanos === undefined || s <= endNanos);
    });
    return inWindow && traceMatchesFilter(trace.spans, terms);
  });
  sortTraces(found, params.get('orderBy') ?? '');
  const pageSize =
    Number(params.get('pageSize') ?? 0) > 0 ? Number(params.get('pageSize')) : DEFAULT_PAGE_SIZE;
  const offset = params.get('pageToken')
    ? Number(Buffer.from(params.get('pageToken')!, 'base64url').toString())
    : 0;
  if (!Number.isInteger(offset) || offset < 0) throw new FilterSyntaxError('invalid page token');
  const page = found.slice(offset, offset + pageSize);
  const view = params.get('view') ?? 'MINIMAL';
  const traces = page.map((trace) => {
    if (view === 'COMPLETE') return trace;
    if (view === 'ROOTSPAN') return { ...trace, spans: [rootOf(trace.spans)!] };
    return { projectId: trace.projectId, traceId: trace.traceId } as TraceV1;
  });
  const next =
    offset + pageSize < found.length
      ? Buffer.from(String(offset + pageSize)).toString('base64url')
      : undefined;
  return next === undefined ? { traces } : { traces, nextPageToken: next };
}

/** `orderBy`: trace_id, name (root span's), duration (root span's), start (root span's); `desc` reverses. */
function sortTraces(traces: TraceV1[], orderBy: string): void {
  const [field = '', direction] = orderBy.trim().split(/\s+/);
  if (field === '') return;
  const key = (trace: TraceV1): bigint | string => {
    const root = rootOf(trace.spans);
    if (field === 'trace_id') return trace.traceId;
    if (field === 'name') return root?.name ?? '';
    if (field === 'duration') return root ? latencyNanos([root]) : 0n;
    if (field === 'start') return root?.startTime ? rfc3339ToNanos(root.startTime) : 0n;
    throw new FilterSyntaxError(`cannot order by ${field}`);
  };
  traces.sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    const order = x < y ? -1 : x > y ? 1 : 0;
    return direction === 'desc' ? -order : order;
  });
}

export function googleError(response: ServerResponse, code: number, status: string, message: string): void {
  json(response, code, { error: { code, message, status } });
}

export function json(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...headers });
  response.end(JSON.stringify(body));
}
