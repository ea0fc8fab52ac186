/**
 * Attributes that describe where and how a span ran rather than what it did. An inferred spec
 * never requires them, even when every good trace agreed: the next run on another machine, another
 * port or another worker thread must still pass. Three kinds, each with the reason the answer gives:
 *
 * - **where it ran**: addresses, ports and host names of either end (`server.*`, `client.*`,
 *   `network.peer.*`, `net.*`, `http.host`, `http.server_name`, `peer.hostname`), the process,
 *   thread, host, container or cloud it ran in, the user agent, connection strings and database
 *   users; and for the application's own keys, a last word that names one (`upstream.host`,
 *   `worker_pid`, `cache.port`).
 * - **a measurement**: sizes and elapsed times (`http.request.body.size`, `*.duration`,
 *   `*_ms`): a single trace makes any of them "constant".
 * - **transport or instrumentation detail**: protocol versions and schemes, the URL's parts (the
 *   route, not the URL, says what was called), headers, code locations, the SDK's own keys.
 *
 * Values, whatever their key but a route, template, destination or method's: an IP address,
 * `host:port`, `localhost`, a URL (it names a host) or a file under a home, temporary or build
 * directory (a SQLite file, a checkout). Each shape is read narrowly, since a value taken for a
 * place is a behaviour the spec no longer checks: `1.0.0.0` is a version, `cafe::beef` a word,
 * `order:1234` a label, `/home/feed` a route.
 * Kept: method, route, status code, database system and operation, messaging system and
 * destination, rpc service and method, `peer.service` (the logical name of the callee), and the
 * application's own attributes.
 */
import type { AttributeValue } from '../../model/index.js';

export const WHERE_IT_RAN = 'where it ran (address, port, host, process, thread, agent), not what it did';
export const MEASUREMENT = 'a measured size or time: differs from run to run';
export const TRANSPORT_DETAIL = 'transport or instrumentation detail';
export const WHERE_IT_RAN_VALUE = 'value is an address, host:port, URL or local file path: where it ran';

const TRANSPORT_KEYS = new Set([
  'network.protocol.name',
  'network.protocol.version',
  'network.transport',
  'network.type',
  'net.transport',
  'net.protocol.name',
  'net.protocol.version',
  'http.flavor',
  'http.scheme',
  'http.url',
  'http.target',
  'http.resend_count',
  'messaging.message.id',
  'messaging.kafka.message.offset',
  'messaging.kafka.offset',
  'messaging.destination.partition.id',
]);
const TRANSPORT_PREFIXES = [
  'url.',
  'http.request.header.',
  'http.response.header.',
  'rpc.request.metadata.',
  'rpc.response.metadata.',
  'code.',
  'otel.',
  'telemetry.',
  'exception.',
  'otel_mcp.',
];
const MEASUREMENT_KEYS = new Set([
  'http.request_content_length',
  'http.response_content_length',
  'http.request_content_length_uncompressed',
  'http.response_content_length_uncompressed',
  'http.request.size',
  'http.response.size',
  'messaging.message.body.size',
  'messaging.message.payload_size_bytes',
]);
const MEASUREMENT_PREFIXES = ['http.request.body.', 'http.response.body.'];
/** `*.duration`, `elapsed_ms`, `query.latency`, `took`: the last word names a time it took. */
const MEASUREMENT_WORD =
  /(^|[._-])(duration|elapsed|latency|took|uptime)([._-]?(ms|us|ns|s|sec|seconds|millis|micros|nanos))?$|[._-](ms|us|ns|millis|micros|nanos)$/i;
const WHERE_KEYS = new Set([
  'http.host',
  'http.server_name',
  'http.client_ip',
  'http.user_agent',
  'db.connection_string',
  'db.user',
  'peer.hostname',
  'peer.address',
  'peer.ipv4',
  'peer.ipv6',
  'peer.port',
  'messaging.url',
]);
const WHERE_PREFIXES = [
  'server.',
  'client.',
  'source.',
  'destination.',
  'network.',
  'net.',
  'user_agent.',
  'host.',
  'process.',
  'thread.',
  'container.',
  'k8s.',
  'cloud.',
  'os.',
  'device.',
  'service.instance.',
];
/** An application's own key whose last word names a place or a process: `upstream.host`, `worker_pid`. */
const WHERE_WORD = /(^|[._-])(host|hostname|host_name|address|addr|ip|ipv4|ipv6|port|pid|tid)$/i;

/** Why `key` never becomes a required tag, or undefined when its values decide. */
export function runSpecificKeyReason(key: string): string | undefined {
  // `url.template` is the one URL part that is a route: `/users/{id}` for a client call.
  if (
    TRANSPORT_KEYS.has(key) ||
    (key !== 'url.template' && TRANSPORT_PREFIXES.some((prefix) => key.startsWith(prefix)))
  )
    return TRANSPORT_DETAIL;
  if (
    MEASUREMENT_KEYS.has(key) ||
    MEASUREMENT_PREFIXES.some((prefix) => key.startsWith(prefix)) ||
    MEASUREMENT_WORD.test(key)
  )
    return MEASUREMENT;
  if (WHERE_KEYS.has(key) || WHERE_PREFIXES.some((prefix) => key.startsWith(prefix)) || WHERE_WORD.test(key))
    return WHERE_IT_RAN;
  return undefined;
}

/**
 * Keys whose value names what was called, a route or template (`/users/{id}`, `/home/feed`),
 * a destination or a method: the value rule below does not apply to them, since a route that
 * begins like a home directory or a queue named `jobs:5000` still says what the request did.
 */
const NAMING_KEYS = new Set([
  'http.route',
  'url.template',
  'rpc.system',
  'rpc.service',
  'rpc.method',
  'db.operation',
  'db.operation.name',
  'db.query.summary',
  'db.collection.name',
  'db.sql.table',
  'db.mongodb.collection',
  'graphql.operation.name',
  'graphql.operation.type',
  'faas.trigger',
]);
const NAMING_PREFIXES = ['messaging.destination', 'messaging.operation'];

/** Whether the value rule (`isRunSpecificValue`) applies to `key`: not to routes, templates, destinations, methods. */
export function isValueRuleKey(key: string): boolean {
  return !NAMING_KEYS.has(key) && !NAMING_PREFIXES.some((prefix) => key.startsWith(prefix));
}

const OCTET = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
/**
 * Four octets of 0–255 without leading zeros, optionally with a port. Not a version: one that
 * ends in 0 (`1.0.0.0`, `4.0.0.0`) is a network's address, not a host's, so it is read as a
 * version; nor one that begins with 0, but for `0.0.0.0`, the address a server listens on.
 */
const IPV4 = new RegExp(`^${OCTET}\\.${OCTET}\\.${OCTET}\\.${OCTET}(:\\d{1,5})?$`);
const IPV4_PLAIN = new RegExp(`^${OCTET}(\\.${OCTET}){3}$`);
function isIpv4(text: string): boolean {
  const match = IPV4.exec(text);
  if (match === null) return false;
  return (match[1] !== '0' && match[4] !== '0') || /^0\.0\.0\.0(:|$)/.test(text);
}
/** `[fe80::1%eth0]:8080` → `fe80::1`. */
const BRACKETED = /^\[([^\]]+)\](:\d{1,5})?$/;

/**
 * `::` (where a server listens), or groups of 1–4 hex digits (the last may be an IPv4 address),
 * eight of them or fewer around a single `::`, with at least one decimal digit: every address in
 * practice has one (`::1`, `fe80::…`, `2001:db8::…`), words of a–f (`cafe::beef`) have none. Not
 * a time like `10:30:00` either: that has three groups and no `::`.
 */
function isIpv6(text: string): boolean {
  const address = (BRACKETED.exec(text)?.[1] ?? text).replace(/%[\w.-]+$/, '');
  if (address === '::') return true;
  if (!/^[0-9a-f:.]+$/i.test(address) || !/\d/.test(address)) return false;
  const halves = address.split('::');
  if (halves.length > 2) return false;
  const groups = halves.flatMap((half) => (half === '' ? [] : half.split(':')));
  const last = groups[groups.length - 1] ?? '';
  const tail = last.includes('.') ? (IPV4_PLAIN.test(last) ? 2 : -1) : 0;
  if (tail < 0) return false;
  const hexGroups = tail > 0 ? groups.slice(0, -1) : groups;
  if (!hexGroups.every((group) => /^[0-9a-f]{1,4}$/i.test(group))) return false;
  const width = hexGroups.length + tail;
  return halves.length === 2 ? width <= 7 : width === 8;
}

const HOST_PORT = /^(localhost|[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*):(\d{2,5})$/i;
/**
 * Ports of servers a bare host name (a compose service: `redis`, `db`, `kafka`) is written with.
 * A bare word with any other number is a label (`step:12`, `order:1234`); a dotted or hyphenated
 * name (`loans-service:5001`, `db.internal:5432`) is a host whatever its port.
 */
const SERVER_PORTS = new Set([
  1433, 1521, 2181, 2379, 3000, 3306, 4222, 4317, 4318, 5000, 5432, 5672, 5984, 6379, 7000, 7474, 8000, 8080,
  8081, 8086, 8443, 8500, 8888, 9000, 9042, 9090, 9092, 9200, 9300, 9411, 11211, 14250, 15672, 16686, 26257,
  27017,
]);
const URL_WITH_HOST = /^[a-z][a-z0-9+.-]*:\/\/[^/\s]/i;
/** A drive letter: a Windows path is never a route. */
const WINDOWS_PATH = /^[a-z]:\\/i;
/**
 * Where a checkout, a temporary directory or a build lives, case as the systems write it (`/Users`
 * on macOS, not a route's `/users`).
 */
const LOCAL_ROOT =
  /^\/(home|Users|root|tmp|var|private|opt|srv|mnt|run|workspaces?|builds?|runner|github)(\/[^/]+)+$/;
/** A route's parameter: `{id}`, `:id`, `<id>`, `*`. A file path has none. */
const ROUTE_PARAMETER = /[{}<>*]|\/:/;

/**
 * An absolute path under a home, temporary or build directory that names a file: a last part
 * with an extension (`/tmp/x.db`), or three levels under the root (`/home/ana/shop/data`). A
 * route may begin the same way (`/home/feed`, `/run/{job}`, `/builds/{id}`) but is shallower
 * and names no file.
 */
function isLocalPath(text: string): boolean {
  if (WINDOWS_PATH.test(text)) return true;
  if (!LOCAL_ROOT.test(text) || ROUTE_PARAMETER.test(text)) return false;
  const parts = text.split('/').filter((part) => part !== '');
  return /[^.]\.[a-z0-9]{1,8}$/i.test(parts[parts.length - 1] ?? '') || parts.length - 1 >= 3;
}

/**
 * True for a value that names a machine, an address or a local file. Not for every key: a route,
 * template, destination or method names what was called (`isValueRuleKey`).
 */
export function isRunSpecificValue(value: AttributeValue): boolean {
  if (typeof value !== 'string') return false;
  const text = value.trim();
  if (/^localhost$/i.test(text) || isIpv4(text) || isIpv6(text)) return true;
  const hostPort = HOST_PORT.exec(text);
  if (hostPort) {
    const port = Number(hostPort[5]);
    const name = hostPort[1] ?? '';
    if (port <= 65_535 && (/[.-]|^localhost$/i.test(name) || SERVER_PORTS.has(port))) return true;
  }
  return URL_WITH_HOST.test(text) || isLocalPath(text);
}
