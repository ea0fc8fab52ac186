/**
 * Who may talk to MCP over HTTP. Over HTTP anyone who reaches the port can call
 * execute_and_capture and run commands as this server's user, so every request must carry the
 * bearer token (mcp.auth_token, or one generated and kept in the data dir).
 *
 * Host and Origin: on a loopback bind they must name this very listener — host and port — so a web
 * page cannot reach it through DNS rebinding. A non-loopback bind is reached under names we cannot
 * know (a LAN name, an address, a proxy's name), so there any Host is accepted, as the MCP SDKs do
 * for such binds: the token is the guard (a rebinding page cannot know it), and mcp.allowed_hosts
 * narrows the names when the operator knows them.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { OtelMcpError } from '../../model/errors.js';
import { checkPrivateFile } from './private-file.js';

/** Where a generated token is kept, so a client's configuration survives restarts. */
export const TOKEN_FILE = 'mcp-http-token';

export interface HttpToken {
  token: string;
  /** Set when the token was generated or read from the data dir rather than configured. */
  file?: string;
}

export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost' || bare === '::1') return true;
  return isIP(bare) === 4 && bare.startsWith('127.');
}

/**
 * The token requests must carry: the configured one, or — on loopback only — one generated once and
 * kept (mode 0600) in the data dir. A non-loopback address without a configured token refuses to start.
 */
export function resolveHttpToken(configured: string | null, host: string, dataDir: string): HttpToken {
  if (configured !== null) return { token: configured };
  if (!isLoopbackHost(host))
    throw new OtelMcpError(
      'INVALID_ARGUMENT',
      `mcp.host ${host} is not a loopback address, and MCP over HTTP runs commands for whoever calls it`,
      'set mcp.auth_token (or OTEL_MCP_AUTH_TOKEN) to a long random secret that clients send as "Authorization: Bearer <token>", or keep mcp.host on 127.0.0.1',
    );
  const file = join(dataDir, TOKEN_FILE);
  if (existsSync(file)) {
    checkPrivateFile(file, 'the MCP HTTP token file');
    const kept = readFileSync(file, 'utf8').trim();
    if (kept.length >= 32) return { token: kept, file };
  }
  const token = randomBytes(32).toString('base64url');
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return { token, file };
}

export type RequestVerdict = { ok: true } | { ok: false; status: 400 | 401 | 403; message: string };

/** Checks Host, Origin and the bearer token of one request to the listener on `port`. */
export function checkHttpRequest(
  req: IncomingMessage,
  options: { port: number; bindHost: string; token: string; allowedHosts?: readonly string[] },
): RequestVerdict {
  const place = checkHostAndOrigin(req, options);
  if (!place.ok) return place;
  const authorization = req.headers.authorization ?? '';
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!match || !sameSecret(match[1] as string, options.token))
    return {
      ok: false,
      status: 401,
      message: match
        ? 'the bearer token is wrong'
        : 'MCP over HTTP needs "Authorization: Bearer <token>" (mcp.auth_token, or the token file in the data dir)',
    };
  return { ok: true };
}

/**
 * Checks that Host and Origin name the listener on `port`, so a web page cannot reach it through DNS
 * rebinding: MCP over HTTP and the serve --ui pages share this one check. On a loopback bind only
 * the loopback names with this port pass; `allowedHosts` (host names, any port) pass on every bind;
 * on a non-loopback bind with no `allowedHosts`, any well-formed Host passes (see the file comment).
 */
export function checkHostAndOrigin(
  req: IncomingMessage,
  options: { port: number; bindHost: string; allowedHosts?: readonly string[] },
): RequestVerdict {
  const named = new Set((options.allowedHosts ?? []).map((name) => name.toLowerCase()));
  const loopback = isLoopbackHost(options.bindHost);
  const loopbackHosts = new Set(
    (loopback ? ['localhost', '127.0.0.1', '[::1]'] : []).flatMap(
      // A client leaves out the port only when it is HTTP's default.
      (name) => [`${name}:${options.port}`, ...(options.port === 80 ? [name] : [])],
    ),
  );
  const anyHost = !loopback && named.size === 0;
  const allowed = (authority: string) =>
    anyHost || named.has(hostnameOf(authority)) || loopbackHosts.has(authority);
  const expected = () => [...loopbackHosts, ...[...named].map((name) => `${name}[:port]`)].join(' or ');

  const host = req.headers.host;
  if (host === undefined) return { ok: false, status: 400, message: 'the request has no Host header' };
  const authority = parseAuthority(host);
  if (authority === undefined)
    return { ok: false, status: 400, message: 'the Host header is not a host and port' };
  if (!allowed(authority))
    return {
      ok: false,
      status: 403,
      message: `Host ${clip(host)} is not this server (expected ${expected()}; mcp.allowed_hosts adds names)`,
    };

  const origin = req.headers.origin;
  if (origin === 'null')
    return { ok: false, status: 403, message: 'an opaque Origin (null) may not call this server' };
  if (origin !== undefined) {
    let parsed: URL;
    try {
      parsed = new URL(origin);
    } catch {
      return { ok: false, status: 400, message: 'the Origin header is not a URL' };
    }
    const page = parsed.host.toLowerCase();
    // A page may call only its own server: the names above, or — where any Host passes — the Host it sent.
    const sameServer = anyHost ? page === authority : allowed(page);
    const scheme = parsed.protocol === 'http:' || (parsed.protocol === 'https:' && !loopbackHosts.has(page));
    if (!scheme || !sameServer)
      return { ok: false, status: 403, message: `Origin ${clip(origin)} may not call this server` };
  }

  return { ok: true };
}

/** The host name of a host[:port] authority (brackets kept for IPv6). */
function hostnameOf(authority: string): string {
  return authority.replace(/:\d+$/, '');
}

/** host:port in lower case, or undefined for anything else (user info, paths, spaces, no port). */
function parseAuthority(host: string): string | undefined {
  if (!/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/.test(host)) return undefined;
  return host.toLowerCase();
}

/** Constant-time comparison of two secrets of any length (hashed first, so lengths leak nothing). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function clip(text: string): string {
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
}
