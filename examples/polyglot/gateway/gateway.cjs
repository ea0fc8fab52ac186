// gateway: the library's public API. POST /loans records the loan with loans-service, then has
// notify-service tell the member; answers 201 { loan_id, fee_cents }.
'use strict';
const http = require('node:http');
const path = require('node:path');
const { context } = require('@opentelemetry/api');
const { getRPCMetadata, RPCType } = require('@opentelemetry/core');

const DEFECTS = ['missing-span', 'wrong-tag', 'n-plus-one', 'wrong-parent', 'crash', 'no-export'];
// A loan request is a few hundred bytes; 64 kB leaves room and refuses a runaway client.
const MAX_BODY_BYTES = 64 * 1024;
// A peer that takes longer than this is down; the loan fails with 504 instead of hanging.
const PEER_TIMEOUT_MS = 10_000;

function fail(message) {
  console.error(`${process.env.OTEL_SERVICE_NAME || path.basename(process.argv[1] ?? 'gateway', '.cjs')}: ${message}`);
  process.exit(2);
}

/** A TCP port from `name`, e.g. LOANS_PORT=7202. */
function portFromEnv(name) {
  const text = process.env[name];
  if (text === undefined || text === '') fail(`${name} is not set: give the port as a number from 1 to 65535`);
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 1 || port > 65535) fail(`${name}=${text} is not a port: give a number from 1 to 65535`);
  return port;
}

/** The defects switched on by LOANS_DEFECTS (comma list, or `all`); empty for the correct behaviour. */
function activeDefects(text = process.env.LOANS_DEFECTS ?? '') {
  const names = text.split(',').map((name) => name.trim()).filter((name) => name !== '');
  const unknown = names.filter((name) => name !== 'all' && !DEFECTS.includes(name));
  if (unknown.length > 0) fail(`LOANS_DEFECTS has unknown defect(s) ${unknown.join(', ')}: use a comma list of ${DEFECTS.join(', ')}, or all`);
  return new Set(names.includes('all') ? DEFECTS : names);
}

const defects = activeDefects();
const GATEWAY_PORT = portFromEnv('GATEWAY_PORT');
const LOANS_PORT = portFromEnv('LOANS_PORT');
const NOTIFY_PORT = portFromEnv('NOTIFY_PORT');

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
      try {
        resolve(text === '' ? {} : JSON.parse(text));
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
 * Calls a peer on 127.0.0.1 with JSON; resolves `{ status, body }` for any HTTP answer. A 2xx body
 * goes through `decode` first, as the answer arrives.
 */
function callPeer(peer, port, method, urlPath, body, decode = (answer) => answer) {
  const payload = body === undefined ? '' : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: '127.0.0.1',
        port,
        path: urlPath,
        method,
        timeout: PEER_TIMEOUT_MS,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      (response) => {
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('end', () => {
          const status = response.statusCode ?? 0;
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed;
          try {
            parsed = text === '' ? {} : JSON.parse(text);
          } catch {
            return resolve({ status, body: { error: text.slice(0, 200) } });
          }
          // Not guarded: a decode that throws here escapes the promise as an uncaught exception.
          resolve({ status, body: status >= 200 && status < 300 ? decode(parsed) : parsed });
        });
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new HttpError(504, `${peer} did not answer within ${PEER_TIMEOUT_MS} ms`)));
    request.on('error', (error) => reject(error instanceof HttpError ? error : new HttpError(502, `${peer} on port ${port}: ${error.message}`)));
    request.end(payload);
  });
}

function decodeLoan(answer) {
  // Defect crash: the gateway reads the fee where a newer loans API would put it (answer.pricing),
  // a field this loans-service never sends: TypeError, in a response callback, so the process dies.
  if (defects.has('crash')) return { loan_id: answer.loan_id, fee_cents: answer.pricing.fee_cents };
  return { loan_id: answer.loan_id, fee_cents: answer.fee_cents };
}

async function createLoan(body) {
  const member = body.member;
  const books = body.books;
  if (typeof member !== 'string' || !Array.isArray(books) || books.length === 0) {
    throw new HttpError(400, 'expected { member: "M-100", books: ["B-1", ...] }');
  }
  const request = { member, books };
  if (defects.has('wrong-parent')) {
    // Defect wrong-parent: the gateway checks the member itself first and hands loans-service the
    // id, so the member query runs under GET /members/<code> instead of under loan.create.
    const found = await callPeer('loans-service', LOANS_PORT, 'GET', `/members/${encodeURIComponent(member)}`);
    if (found.status !== 200) throw new HttpError(found.status === 404 ? 404 : 502, `member check failed: ${found.body.error ?? found.status}`);
    request.member_id = found.body.id;
  }
  const loan = await callPeer('loans-service', LOANS_PORT, 'POST', '/loans', request, decodeLoan);
  if (loan.status !== 201) {
    const status = [400, 403, 404, 409].includes(loan.status) ? loan.status : 502;
    throw new HttpError(status, `loan refused: loans-service answered ${loan.status} ${loan.body.error ?? ''}`.trim());
  }
  const notice = await callPeer('notify-service', NOTIFY_PORT, 'POST', '/notify', { member, loan_id: loan.body.loan_id });
  if (notice.status < 200 || notice.status >= 300) {
    throw new HttpError(502, `loan ${loan.body.loan_id} made, but notify-service answered ${notice.status} ${notice.body.error ?? ''}`.trim());
  }
  return { status: 201, body: { loan_id: loan.body.loan_id, fee_cents: loan.body.fee_cents } };
}

const routes = { 'POST /loans': createLoan };

const server = http.createServer((request, response) => {
  const urlPath = (request.url ?? '/').split('?')[0];
  if (request.method === 'GET' && urlPath === '/health') return send(response, 200, { status: 'ok' });
  const route = `${request.method} ${urlPath}`;
  const handler = routes[route];
  if (handler === undefined) return send(response, 404, { error: `no route ${route}; routes: ${Object.keys(routes).join(', ')}` });
  // Record the route the way web frameworks do (RPC metadata): the server span becomes `POST /loans`
  // with http.route.
  const metadata = getRPCMetadata(context.active());
  if (metadata?.type === RPCType.HTTP) metadata.route = urlPath;
  readJson(request)
    .then(handler)
    .then(
      (result) => send(response, result.status, result.body),
      (error) => send(response, error instanceof HttpError ? error.status : 500, { error: error.message }),
    );
});
server.on('error', (error) => fail(`cannot listen on 127.0.0.1:${GATEWAY_PORT}: ${error.message}`));
server.listen(GATEWAY_PORT, '127.0.0.1');
