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
 * Values, whatever their key: an IP address, `host:port`, `localhost`, a URL (it names a host) or
 * an absolute path under a home, temporary or build directory (a SQLite file, a checkout).
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
  if (TRANSPORT_KEYS.has(key) || TRANSPORT_PREFIXES.some((prefix) => key.startsWith(prefix)))
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

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}(:\d{1,5})?$/;
/** `[fe80::1%eth0]:8080` → `fe80::1`. */
const BRACKETED = /^\[([^\]]+)\](:\d{1,5})?$/;

/** Compressed (`::1`, `::ffff:127.0.0.1`) or all eight groups: not a time like `10:30:00`. */
function isIpv6(text: string): boolean {
  const address = (BRACKETED.exec(text)?.[1] ?? text).replace(/%[\w.-]+$/, '');
  if (!/^[0-9a-f:.]+$/i.test(address)) return false;
  return address.includes('::') || address.split(':').length === 8;
}

const HOST_PORT = /^(localhost|[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*):(\d{2,5})$/i;
const URL_WITH_HOST = /^[a-z][a-z0-9+.-]*:\/\/[^/\s]/i;
const LOCAL_PATH =
  /^(\/(home|Users|tmp|var|private|opt|root|srv|mnt|run|workspace|builds?|runner)\/|[a-z]:\\)/i;

/** True for a value that names a machine, an address or a local file, whatever its key. */
export function isRunSpecificValue(value: AttributeValue): boolean {
  if (typeof value !== 'string') return false;
  const text = value.trim();
  if (/^localhost$/i.test(text) || IPV4.test(text) || isIpv6(text)) return true;
  const hostPort = HOST_PORT.exec(text);
  // `step:12` is a label, `db:5432` and `loans-service:80` are places: a bare word needs a port past
  // the well-known range (1024) to count as a host.
  if (
    hostPort &&
    Number(hostPort[5]) <= 65_535 &&
    (/[.-]|^localhost$/i.test(hostPort[1] ?? '') || Number(hostPort[5]) >= 1024)
  )
    return true;
  return URL_WITH_HOST.test(text) || LOCAL_PATH.test(text);
}
