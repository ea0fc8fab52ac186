import type { Span } from './span.js';

/**
 * Where an outgoing call went, or '' for a span that is not a call (server, internal, consumer).
 * Two client spans both named `POST` (older HTTP instrumentations name a client span by its method
 * alone) to two services are two calls, not a repeat. The host and port, not the URL: the 50 calls
 * of an N+1 loop differ in their URLs and still share one destination. The tree view folds by it;
 * diff_traces, detect_regressions and the spec comparison's unexpected spans keep calls to
 * different destinations apart by it.
 */
export function callDestination(span: Span): string {
  const { kind, attributes } = span;
  if (kind !== 'client' && kind !== 'producer') return '';
  const peer = attributes['peer.service'];
  if (peer !== undefined) return String(peer);
  const host = attributes['server.address'] ?? attributes['net.peer.name'];
  const port = attributes['server.port'] ?? attributes['net.peer.port'];
  if (host !== undefined || port !== undefined) return `${String(host ?? '')}:${String(port ?? '')}`;
  // Older HTTP client instrumentations record only the URL: its origin is the destination.
  const url = attributes['url.full'] ?? attributes['http.url'];
  return typeof url === 'string' ? originOf(url) : '';
}

function originOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
}

/** A call and the spans directly beneath it. */
export interface CallWithChildren {
  readonly span: Span;
  readonly children: Iterable<Span>;
}

/**
 * How calls to one destination are named in answers (`→ notify-service`, without the arrow): the
 * services they called (their children in another service), which stay the same from run to run,
 * else the destination itself, else ''. Not the destination first: a local run's `127.0.0.1:45089`
 * changes its port every run, while `loans-service` does not.
 */
export function destinationName(destination: string, calls: Iterable<CallWithChildren>): string {
  const callees = new Set<string>();
  for (const call of calls)
    for (const child of call.children)
      if (child.serviceName !== call.span.serviceName) callees.add(child.serviceName);
  // Sorted: concurrent calls' children arrive in any order, and the name must not follow it.
  return callees.size > 0 ? [...callees].sort().join(', ') : destination;
}
