/**
 * Who may talk to MCP over HTTP. Over HTTP anyone who reaches the port can call
 * execute_and_capture and run commands as this server's user, so every request must carry the
 * bearer token (mcp.auth_token, or one generated and kept in the data dir), and Host and Origin must
 * name this very listener — host and port — so a web page cannot reach it through DNS rebinding.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { OtelMcpError } from '../../model/errors.js';

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
  options: { port: number; bindHost: string; token: string },
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
 * Checks that Host and Origin name the listener on `port` (and nothing else), so a web page cannot
 * reach it through DNS rebinding: MCP over HTTP and the serve --ui pages share this one check.
 */
export function checkHostAndOrigin(
  req: IncomingMessage,
  options: { port: number; bindHost: string },
): RequestVerdict {
  const allowedHosts = new Set(
    (isLoopbackHost(options.bindHost)
      ? ['localhost', '127.0.0.1', '[::1]']
      : [hostForUrl(options.bindHost)]
    ).flatMap(
      // A client leaves out the port only when it is HTTP's default.
      (name) => [
        `${name}:${options.port}`.toLowerCase(),
        ...(options.port === 80 ? [name.toLowerCase()] : []),
      ],
    ),
  );
  const host = req.headers.host;
  if (host === undefined) return { ok: false, status: 400, message: 'the request has no Host header' };
  const authority = parseAuthority(host);
  if (authority === undefined)
    return { ok: false, status: 400, message: 'the Host header is not a host and port' };
  if (!allowedHosts.has(authority))
    return {
      ok: false,
      status: 403,
      message: `Host ${clip(host)} is not this server (expected ${[...allowedHosts].join(' or ')})`,
    };

  const origin = req.headers.origin;
  if (origin !== undefined && origin !== 'null') {
    let parsed: URL;
    try {
      parsed = new URL(origin);
    } catch {
      return { ok: false, status: 400, message: 'the Origin header is not a URL' };
    }
    if (parsed.protocol !== 'http:' || !allowedHosts.has(parsed.host.toLowerCase()))
      return { ok: false, status: 403, message: `Origin ${clip(origin)} may not call this server` };
  } else if (origin === 'null') {
    return { ok: false, status: 403, message: 'an opaque Origin (null) may not call this server' };
  }

  return { ok: true };
}

/** host:port in lower case, or undefined for anything else (user info, paths, spaces, no port). */
function parseAuthority(host: string): string | undefined {
  if (!/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/.test(host)) return undefined;
  return host.toLowerCase();
}

function hostForUrl(host: string): string {
  return isIP(host) === 6 ? `[${host}]` : host;
}

/** Constant-time comparison of two secrets of any length (hashed first, so lengths leak nothing). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function clip(text: string): string {
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
}
