/**
 * Attributes from App Insights rows, the reverse of what Azure's OpenTelemetry exporter
 * (@azure/monitor-opentelemetry-exporter, spanUtils.ts) writes. The exporter keeps most attributes
 * as custom dimensions (`Properties`), as text; it leaves out the HTTP, network, database and RPC
 * conventions it folds into the typed columns (`Url`, `ResultCode`, `DependencyType`, `Target`,
 * `Data`) or into names, and only some of them can be read back from those columns:
 * - a request's `Url` is `url.full`; a `ResultCode` from 100 to 599 is `http.response.status_code`;
 * - an HTTP dependency's `Data` is `url.full`; a database dependency (its type is the db system for
 *   postgresql, mysql, mongodb and redis; `SQL` for the other SQL systems) has the statement in
 *   `Data` (the operation when there was no statement); `GRPC` is `rpc.system` grpc with its status
 *   code in `ResultCode`.
 * Typed columns with no single convention keep their App Insights name under `app_insights.`:
 * `Target` (peer.service, a host, a URL or a db, whichever the exporter found first) and the type.
 */
import type { AttributeFilter } from '../../model/query.js';
import type { Attributes, AttributeValue } from '../../model/span.js';

/** Keys the exporter does not keep as custom dimensions (its httpSemanticValues and legacySemanticValues). */
export const KEYS_NOT_KEPT: readonly string[] = [
  'http.request.method',
  'http.response.status_code',
  'http.route',
  'url.full',
  'url.path',
  'url.query',
  'url.scheme',
  'server.address',
  'server.port',
  'client.address',
  'client.port',
  'user_agent.original',
  'error.type',
  'network.local.address',
  'network.local.port',
  'network.peer.address',
  'network.peer.port',
  'network.protocol.name',
  'network.protocol.version',
  'network.transport',
  'peer.service',
  'http.method',
  'http.url',
  'http.status_code',
  'http.status_text',
  'http.target',
  'http.host',
  'http.scheme',
  'http.flavor',
  'http.user_agent',
  'http.client_ip',
  'net.peer.ip',
  'net.peer.name',
  'net.peer.port',
  'net.host.ip',
  'net.host.name',
  'net.host.port',
  'net.transport',
  'db.system',
  'db.statement',
  'db.operation',
  'db.name',
  'rpc.system',
  'rpc.grpc.status_code',
  'enduser.id',
  'enduser.pseudo.id',
  'user_agent.synthetic.type',
  'exception.type',
  'exception.message',
  'exception.stacktrace',
];

/** Of KEYS_NOT_KEPT, those read back from typed columns (for some rows): filters on them are checked here. */
const DERIVED = new Set([
  'url.full',
  'http.response.status_code',
  'db.system',
  'db.statement',
  'rpc.system',
  'rpc.grpc.status_code',
]);
const NOT_KEPT = new Set(KEYS_NOT_KEPT);

/** The attribute is read from a typed column, not a custom dimension. */
export function isDerivedAttribute(key: string): boolean {
  return DERIVED.has(key) || key.startsWith('app_insights.');
}

/** The dependency types the exporter writes for these db.system values (the others become `SQL` or stay as they are). */
const DB_TYPES = new Set(['postgresql', 'mysql', 'mongodb', 'redis']);
const RPC_SYSTEMS = new Set(['grpc', 'wcf']);

/**
 * Why a search by this filter cannot be answered from App Insights, or undefined when it can: the
 * key is never kept, or only some of its values come back (db.system for four systems, rpc.system
 * for two), so an empty answer would be wrong rather than empty.
 */
export function unanswerableFilter(filter: AttributeFilter): string | undefined {
  const { key, value } = filter;
  if (NOT_KEPT.has(key) && !DERIVED.has(key))
    return "Azure's exporter does not keep it in App Insights (it goes into a request's name or a dependency's target, type or data)";
  const partial = key === 'db.system' ? DB_TYPES : key === 'rpc.system' ? RPC_SYSTEMS : undefined;
  if (partial && (value === undefined || !partial.has(String(value)))) {
    return `App Insights keeps it only as a dependency type, which tells only ${[...partial].join(', ')}${value === undefined ? '' : ` (not ${String(value)})`}; filter by app_insights.dependency.type instead`;
  }
  return undefined;
}

export interface RequestColumns {
  url?: string;
  resultCode?: string;
}

export interface DependencyColumns {
  type?: string;
  target?: string;
  data?: string;
  resultCode?: string;
}

/** Custom dimensions as attributes; the `_MS.` keys are App Insights' own bookkeeping (links, metrics). */
export function propertyAttributes(properties: unknown): Attributes {
  const attributes: Attributes = {};
  if (typeof properties !== 'object' || properties === null || Array.isArray(properties)) return attributes;
  for (const [key, value] of Object.entries(properties as Record<string, unknown>)) {
    if (key.startsWith('_MS.') || value === undefined) continue;
    attributes[key] = value as AttributeValue;
  }
  return attributes;
}

export function requestAttributes(columns: RequestColumns, into: Attributes): void {
  if (columns.url) into['url.full'] = columns.url;
  const status = httpStatus(columns.resultCode);
  if (status !== undefined) into['http.response.status_code'] = status;
  else if (columns.resultCode && columns.resultCode !== '0')
    into['app_insights.result_code'] = columns.resultCode;
}

export function dependencyAttributes(columns: DependencyColumns, into: Attributes): void {
  const type = columns.type ?? '';
  if (type) into['app_insights.dependency.type'] = type;
  if (columns.target) into['app_insights.dependency.target'] = columns.target;
  const code = columns.resultCode && columns.resultCode !== '0' ? columns.resultCode : undefined;
  if (type === 'Http') {
    if (columns.data) into['url.full'] = columns.data;
    const status = httpStatus(code);
    if (status !== undefined) into['http.response.status_code'] = status;
    else if (code) into['app_insights.result_code'] = code;
    return;
  }
  if (DB_TYPES.has(type) || type === 'SQL') {
    if (DB_TYPES.has(type)) into['db.system'] = type;
    if (columns.data) into['db.statement'] = columns.data;
    return;
  }
  if (type === 'GRPC' || type === 'WCF Service') {
    into['rpc.system'] = type === 'GRPC' ? 'grpc' : 'wcf';
    if (code && /^\d+$/.test(code)) into['rpc.grpc.status_code'] = Number(code);
    return;
  }
  if (columns.data) into['app_insights.dependency.data'] = columns.data;
  if (code) into['app_insights.result_code'] = code;
}

function httpStatus(code: string | undefined): number | undefined {
  if (!code || !/^\d{3}$/.test(code)) return undefined;
  const status = Number(code);
  return status >= 100 && status <= 599 ? status : undefined;
}
