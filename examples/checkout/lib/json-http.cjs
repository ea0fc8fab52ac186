// JSON over Node's own http module, both ways, so that @opentelemetry/instrumentation-http traces
// every call and W3C traceparent travels with it.
'use strict';
const http = require('node:http');
const { context } = require('@opentelemetry/api');
const { getRPCMetadata, RPCType } = require('@opentelemetry/core');

// A checkout body is a few hundred bytes; 64 kB leaves room and refuses a runaway client.
const MAX_BODY_BYTES = 64 * 1024;

class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

function readJson(request) {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks = [];
    request.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) reject(new HttpError(413, `body over ${MAX_BODY_BYTES} bytes`));
      else chunks.push(chunk);
    });
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (text === '') return resolve({});
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(new HttpError(400, 'body is not JSON'));
      }
    });
    request.on('error', reject);
  });
}

function send(response, status, body) {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

/**
 * Starts a JSON server on 127.0.0.1:`port`. `routes` maps `METHOD /path` to `async (body) =>
 * ({ status, body })`. The route is recorded the way web frameworks do (RPC metadata), so the server
 * span is named `POST /orders` and carries http.route. GET /health answers 200 untraced.
 */
function serveJson(port, routes) {
  const server = http.createServer(async (request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method === 'GET' && path === '/health') return send(response, 200, { status: 'ok' });
    const route = `${request.method} ${path}`;
    const handler = routes[route];
    if (handler === undefined) {
      return send(response, 404, { error: `no route ${route}; routes: ${Object.keys(routes).join(', ')}` });
    }
    const metadata = getRPCMetadata(context.active());
    if (metadata?.type === RPCType.HTTP) metadata.route = path;
    try {
      const result = await handler(await readJson(request));
      send(response, result.status, result.body);
    } catch (error) {
      const status = error instanceof HttpError ? error.status : 500;
      send(response, status, { error: error.message });
    }
  });
  server.listen(port, '127.0.0.1');
  server.on('error', (error) => {
    console.error(`${process.env.OTEL_SERVICE_NAME}: cannot listen on 127.0.0.1:${port}: ${error.message}`);
    process.exit(1);
  });
  return server;
}

/** POSTs `body` as JSON to 127.0.0.1:`port``path`; resolves `{ status, body }` for any HTTP answer. */
function postJson(port, path, body) {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } },
      (response) => {
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed;
          try {
            parsed = text === '' ? {} : JSON.parse(text);
          } catch {
            parsed = { error: text };
          }
          resolve({ status: response.statusCode ?? 0, body: parsed });
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}

module.exports = { HttpError, serveJson, postJson };
