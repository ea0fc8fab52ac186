/**
 * What a call is aimed at, with its parameters taken out, so that repeated calls (an N+1 loop, a
 * retry) share one key: SQL with literals replaced, URLs with ids replaced by `{id}`.
 */
import type { Span } from '../../model/index.js';
import { clip } from '../capped.js';
import {
  dbStatement,
  dbSystem,
  HTTP_ROUTE_KEYS,
  httpMethod,
  isDbSpan,
  SERVER_ADDRESS_KEYS,
  stringAttribute,
  URL_FULL_KEYS,
  URL_PATH_KEYS,
  URL_TEMPLATE_KEYS,
} from '../semantic-conventions.js';

export interface CallTarget {
  key: string;
  /** Short text for a reader: `GET shop/items/{id}`, `SELECT * FROM items WHERE id = ?`. */
  label: string;
}

const SQL_PATTERNS: [RegExp, string][] = [
  [/'(?:[^']|'')*'/g, '?'], // string literals, '' escapes included
  [/\b0x[0-9a-f]+\b/gi, '?'],
  [/(?<![\w.$])-?\d+(?:\.\d+)?(?:e[+-]?\d+)?\b/gi, '?'], // numbers, not digits inside identifiers
  [/\$\d+|%s|(?<!:):[a-z_]\w*|@p\d+/gi, '?'], // driver placeholders: $1, %s, :name (not ::casts), @p1
  [/\b(?:true|false|null)\b/gi, '?'],
  [/\bIN\s*\(\s*\?(?:\s*,\s*\?)*\s*\)/gi, 'IN (?)'],
  [/\bVALUES\s*\(\s*\?(?:\s*,\s*\?)*\s*\)(?:\s*,\s*\(\s*\?(?:\s*,\s*\?)*\s*\))*/gi, 'VALUES (?)'],
  [/\s+/g, ' '],
];

/** The statement with literals, placeholders and IN / VALUES lists folded to `?`. */
export function normalizeStatement(statement: string): string {
  const trimmed = statement.trim();
  if (trimmed.startsWith('{')) {
    // A document query (MongoDB and the like): values after a key are the parameters.
    return trimmed
      .replace(/:\s*("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?|true|false|null)/g, ':?')
      .replace(/\s+/g, ' ');
  }
  let text = trimmed;
  for (const [pattern, replacement] of SQL_PATTERNS) text = text.replace(pattern, replacement);
  return text.trim();
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX_ID = /^(?=.*\d)[0-9a-f]{8,}$/i;
const NUMBER = /^-?\d+(?:\.\d+)?$/;
// Slugs with several digits (`ord-20240101`, `a1b2c3d4`), not `v1beta1` or `oauth2`.
const MIXED_ID = /^(?=(?:.*\d){2})[\w-]{8,}$/;

function isIdSegment(segment: string): boolean {
  return NUMBER.test(segment) || UUID.test(segment) || HEX_ID.test(segment) || MIXED_ID.test(segment);
}

/** A URL or path reduced to its path, with numbers, uuids and other id-like segments as `{id}`. */
export function normalizeUrlPath(url: string): string {
  let path = url.trim();
  const scheme = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(path);
  if (scheme !== null) path = path.slice(scheme[0].length);
  path = path.replace(/[?#].*$/, '');
  if (path === '') return '/';
  return path
    .split('/')
    .map((segment) => (isIdSegment(decodeSegment(segment)) ? '{id}' : segment))
    .join('/');
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function hostOf(span: Span): string {
  const address = stringAttribute(span, SERVER_ADDRESS_KEYS);
  if (address !== undefined) return address;
  const url = stringAttribute(span, URL_FULL_KEYS);
  const match = url === undefined ? null : /^[a-z][a-z0-9+.-]*:\/\/([^/?#:]*)/i.exec(url);
  return match?.[1] ?? '';
}

/** The route an HTTP call goes to: a declared template or route, else the parameterized URL path. */
export function httpRoutePattern(span: Span): string | undefined {
  const declared = stringAttribute(span, [...URL_TEMPLATE_KEYS, ...HTTP_ROUTE_KEYS]);
  if (declared !== undefined) return declared;
  const url = stringAttribute(span, [...URL_FULL_KEYS, ...URL_PATH_KEYS]);
  return url === undefined ? undefined : normalizeUrlPath(url);
}

/** The parameterized target of a call, for grouping repeats. */
export function callTarget(span: Span): CallTarget {
  if (isDbSpan(span)) {
    const statement = dbStatement(span);
    const text = statement === undefined ? span.name : normalizeStatement(statement);
    return { key: `db\u0000${dbSystem(span) ?? ''}\u0000${text}`, label: clip(text, 160) };
  }
  const method = httpMethod(span);
  const route = httpRoutePattern(span);
  if (method !== undefined && route !== undefined) {
    const host = hostOf(span);
    return {
      key: `http\u0000${method}\u0000${host}\u0000${route}`,
      label: clip(`${method} ${host}${route}`, 160),
    };
  }
  const rpcService = stringAttribute(span, ['rpc.service']);
  if (rpcService !== undefined) {
    const rpcMethod = stringAttribute(span, ['rpc.method']) ?? '';
    return {
      key: `rpc\u0000${rpcService}\u0000${rpcMethod}`,
      label: clip(`${rpcService}/${rpcMethod}`, 160),
    };
  }
  return {
    key: `span\u0000${span.serviceName}\u0000${span.kind}\u0000${span.name}`,
    label: clip(span.name, 160),
  };
}

/**
 * The exact target of a call, parameters included: a retry repeats the very same request, while
 * calls for different ids are a loop, not a retry.
 */
export function exactCallKey(span: Span): string {
  if (isDbSpan(span)) return `db\u0000${dbSystem(span) ?? ''}\u0000${dbStatement(span) ?? span.name}`;
  const method = httpMethod(span);
  const url = stringAttribute(span, [...URL_FULL_KEYS, ...URL_PATH_KEYS]);
  if (method !== undefined && url !== undefined)
    return `http\u0000${method}\u0000${hostOf(span)}\u0000${url}`;
  return callTarget(span).key;
}
