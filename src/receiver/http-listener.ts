/**
 * OTLP/HTTP (default :4318): POST /v1/traces, /v1/logs, /v1/metrics with application/x-protobuf or
 * application/json bodies, optionally gzipped; the reply is in the request's content type. Every
 * failure is answered with a status and a google.rpc.Status body; none reaches the process.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errorMessage, OtelMcpError } from '../model/index.js';
import type { ExportHandler } from './export-handler.js';
import { encodeStatus, type WireFormat } from './export-response.js';
import { endpointUrl, listenFailure, type ListenerStatus } from './listener-status.js';
import { SIGNALS, type OtlpSignal } from './otlp-signals.js';
import { ClientGone, decodeContent, discardBody, readBody } from './request-body.js';
import type { OriginPolicy } from './origin-policy.js';
import type { HeaderCheck } from './required-headers.js';
import { wireStatus } from './wire-status.js';

export interface HttpListenerOptions {
  host: string;
  port: number;
  maxBodyBytes: number;
  headerCheck: HeaderCheck;
  origins: OriginPolicy;
  handler: ExportHandler;
  log: (line: string) => void;
  /** A request must arrive whole within this (default 30 s); see REQUEST_TIMEOUT_MS. */
  requestTimeoutMs?: number;
}

/**
 * 30 s for a whole request, 10 s for its headers: every OTLP exporter gives up after 10 s, and a
 * 32 MiB body crosses even a slow link in seconds. Node's own 300 s let a client that announced a
 * larger body than it sent hold a connection for five minutes.
 */
const REQUEST_TIMEOUT_MS = 30_000;
const HEADERS_TIMEOUT_MS = 10_000;

export interface Listener {
  start(): Promise<ListenerStatus>;
  close(): Promise<void>;
}

const CONTENT_TYPES: Record<string, WireFormat> = {
  'application/x-protobuf': 'protobuf',
  'application/protobuf': 'protobuf',
  'application/json': 'json',
};
const RESPONSE_TYPE: Record<WireFormat, string> = {
  protobuf: 'application/x-protobuf',
  json: 'application/json',
};
/** google.rpc.Code PERMISSION_DENIED, for the Status body of a 403. */
const GRPC_PERMISSION_DENIED = 7;
const ROUTES = new Map<string, OtlpSignal>(SIGNALS.map((signal) => [signal.httpPath, signal]));
const PATHS = SIGNALS.map((signal) => signal.httpPath).join(', ');

export function createHttpListener(options: HttpListenerOptions): Listener {
  const requestTimeout = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  // Node checks the timeouts on this interval (30 s by default), so a short timeout needs a short one.
  const server = createServer(
    { connectionsCheckingInterval: Math.min(5_000, requestTimeout / 2) },
    (req, res) => {
      serve(req, res, options).catch((error: unknown) => {
        if (error instanceof ClientGone || req.destroyed) return;
        options.log(
          `otlp receiver: unexpected failure answering ${req.method} ${req.url}: ${errorMessage(error)}`,
        );
        if (!res.headersSent) reply(res, 'json', 500, 13, 'internal error in the OTLP receiver');
        else res.destroy();
      });
    },
  );
  server.requestTimeout = requestTimeout;
  server.headersTimeout = Math.min(HEADERS_TIMEOUT_MS, requestTimeout);
  // A client may send its request and half-close (HTTP/1.1 allows it; `nc` and some proxies do).
  // By default Node then ends the socket at once, and an export still being committed was closed
  // without an answer; with half-open allowed, Node ends it after the response instead. The switch
  // is http.Server's own (Node 20-24) but not in its typings; test/receiver/half-close.test.ts runs
  // on each Node version CI tests.
  (server as typeof server & { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true;
  let address: AddressInfo | undefined;
  return {
    start: () =>
      new Promise<ListenerStatus>((resolve) => {
        const onError = (error: Error) => {
          resolve({
            protocol: 'http',
            host: options.host,
            port: options.port,
            listening: false,
            error: listenFailure('http', options.host, options.port, error),
          });
        };
        server.once('error', onError);
        server.listen(options.port, options.host, () => {
          server.off('error', onError);
          server.on('error', (error) =>
            options.log(`otlp receiver: OTLP/HTTP server error: ${error.message}`),
          );
          address = server.address() as AddressInfo;
          resolve({
            protocol: 'http',
            host: options.host,
            port: address.port,
            listening: true,
            endpoint: endpointUrl(options.host, address.port),
          });
        });
      }),
    close: () =>
      new Promise<void>((resolve) => {
        if (!address) return resolve();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function serve(req: IncomingMessage, res: ServerResponse, options: HttpListenerOptions): Promise<void> {
  const path = (req.url ?? '/').split('?', 1)[0]!;
  const signal = ROUTES.get(path);
  const format = CONTENT_TYPES[(req.headers['content-type'] ?? '').split(';', 1)[0]!.trim().toLowerCase()];
  const replyFormat = format ?? 'json';
  const origin = req.headers.origin;
  const originRefusal = options.origins.refusal(origin);
  if (originRefusal !== undefined) {
    // Counted and logged like the other refusals; no error code maps to 403, so it is written here.
    options.handler.refused(new OtelMcpError('UNAUTHENTICATED', originRefusal));
    return reply(res, replyFormat, 403, GRPC_PERMISSION_DENIED, originRefusal);
  }
  if (origin !== undefined) {
    for (const [name, value] of Object.entries(options.origins.responseHeaders(origin)))
      res.setHeader(name, value);
  }
  if (!signal) {
    return reply(res, replyFormat, 404, 5, `no OTLP endpoint at ${path}: POST to ${PATHS}`);
  }
  if (req.method === 'OPTIONS' && origin !== undefined) {
    const requested = req.headers['access-control-request-headers'];
    res.writeHead(204, options.origins.preflightHeaders(requested));
    res.end();
    return;
  }
  if (req.method !== 'POST') {
    res.setHeader('Allow', 'POST');
    return reply(
      res,
      replyFormat,
      405,
      12,
      `method ${req.method} is not allowed on ${path}: OTLP exports use POST`,
    );
  }
  const authFailure = options.headerCheck.failure((name) => {
    const value = req.headers[name];
    return Array.isArray(value) ? value[0] : value;
  });
  if (authFailure !== undefined) {
    return fail(res, replyFormat, options.handler, new OtelMcpError('UNAUTHENTICATED', authFailure));
  }
  if (!format) {
    const given = req.headers['content-type'] ?? '(none)';
    return fail(
      res,
      'json',
      options.handler,
      new OtelMcpError(
        'UNSUPPORTED',
        `unsupported Content-Type ${given} on ${path}: accepted are application/x-protobuf and application/json`,
      ),
    );
  }
  const behind = options.handler.backPressure();
  if (behind && !behind.ok) {
    // The body is drained, never kept; answering before it is read would reset the exporter's
    // connection, and a reset reads as a network failure instead of the 503 that says when to retry.
    await discardBody(req);
    return writeError(res, format, behind.error);
  }
  let body: Buffer;
  try {
    body = await readBody(req, options.maxBodyBytes);
    body = await decodeContent(body, req.headers['content-encoding'], options.maxBodyBytes);
  } catch (error) {
    if (!(error instanceof OtelMcpError)) throw error;
    // The rest of an oversized upload is not worth reading: close the connection after the reply.
    if (error.code === 'RESOURCE_EXHAUSTED') res.setHeader('Connection', 'close');
    return fail(res, format, options.handler, error);
  }
  const outcome = await options.handler.handle(signal, format, body);
  if (outcome.ok) {
    res.writeHead(200, { 'Content-Type': RESPONSE_TYPE[format], 'Content-Length': outcome.body.length });
    res.end(outcome.body);
    return;
  }
  writeError(res, format, outcome.error);
}

function fail(res: ServerResponse, format: WireFormat, handler: ExportHandler, error: OtelMcpError): void {
  handler.refused(error);
  writeError(res, format, error);
}

function writeError(res: ServerResponse, format: WireFormat, error: OtelMcpError): void {
  const status = wireStatus(error.code);
  // 503 is retryable (OTLP spec): tell the SDK how soon.
  if (status.http === 503) res.setHeader('Retry-After', '1');
  const message = error.hint ? `${error.message} (${error.hint})` : error.message;
  reply(res, format, status.http, status.grpc, message);
}

function reply(
  res: ServerResponse,
  format: WireFormat,
  httpStatus: number,
  grpcCode: number,
  message: string,
): void {
  const body = encodeStatus(format, grpcCode, message);
  res.writeHead(httpStatus, { 'Content-Type': RESPONSE_TYPE[format], 'Content-Length': body.length });
  res.end(body);
}
