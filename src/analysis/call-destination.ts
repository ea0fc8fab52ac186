import type { Span } from '../model/index.js';

/**
 * Where an outgoing call went, or '' for a span that is not a call (server, internal, consumer).
 * Two client spans both named `POST` (older HTTP instrumentations name a client span by its method
 * alone) to two services are two calls, not a repeat. The host and port, not the URL: the 50 calls
 * of an N+1 loop differ in their URLs and still share one destination. The tree view folds by it,
 * and diff_traces keeps calls to different destinations apart by it.
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
