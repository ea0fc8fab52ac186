/**
 * Gathering the traces of one business transaction across the configured backends: the traces whose
 * spans carry its value, then every trace reached by following span links both ways (forward from
 * the links a span carries; backward through the backends that index links, as the embedded store
 * does), up to a cap.
 */
import {
  outgoingLinks,
  valueCarriers,
  type FoundBy,
  type LinkConnection,
  type TransactionMember,
  type ValueCarrier,
} from '../../../analysis/index.js';
import type { TraceBackend } from '../../../backends/trace-backend.js';
import { errorMessage } from '../../../model/errors.js';
import { isValidTraceId, normalizeHexId } from '../../../model/ids.js';
import type { TimeWindow } from '../../../model/query.js';

/**
 * Keys tried on backends that cannot list their keys (Jaeger, Zipkin, Tempo, X-Ray, Cloud Trace, Azure Monitor)
 * when the caller names none, besides those that matched in the embedded store: the common spellings
 * of order, request, correlation and message ids.
 */
export const WELL_KNOWN_TRANSACTION_KEYS = [
  'transaction.id',
  'order.id',
  'order_id',
  'request.id',
  'request_id',
  'correlation.id',
  'correlation_id',
  'messaging.message.id',
];
/** Searches per external backend: keys × services. 40 keep a correlation to a few seconds of calls. */
const MAX_SEARCHES_PER_BACKEND = 40;
/** Spans of the value read from the embedded index: enough for any one transaction. */
const MAX_VALUE_SPANS = 1000;
/** Reverse links read per trace: a fan-out wider than this is listed as not followed. */
const MAX_LINKS_INTO = 100;

export interface GatherRequest {
  value: string;
  /** Named by the caller; absent: identifier-like keys (embedded) and the well-known keys (others). */
  keys?: string[];
  window: TimeWindow;
  backends: TraceBackend[];
  maxTraces: number;
}

export interface Gathered {
  members: TransactionMember[];
  links: LinkConnection[];
  carriers: ValueCarrier[];
  keysSearched: string[];
  keysNotSearched: number;
  /** Traces reached (by a search or a link) but not read, past maxTraces. */
  notFollowed: string[];
  problems: { backend: string; error: string }[];
  limitations: string[];
}

interface Pending {
  traceId: string;
  foundBy: FoundBy;
  backend?: string;
}

export async function gatherTransaction(request: GatherRequest): Promise<Gathered> {
  const gathered: Gathered = {
    members: [],
    links: [],
    carriers: [],
    keysSearched: [],
    keysNotSearched: 0,
    notFollowed: [],
    problems: [],
    limitations: [],
  };
  const queue: Pending[] = [];
  if (isValidTraceId(normalizeHexId(request.value)))
    queue.push({ traceId: normalizeHexId(request.value), foundBy: 'trace_id' });

  const matchedKeys = new Set<string>();
  for (const backend of request.backends) {
    try {
      if (backend.capabilities.valueLookup && backend.findAttributeValue)
        await searchByValue(request, backend, queue, matchedKeys, gathered);
      else await searchBackend(request, backend, queue, matchedKeys, gathered);
    } catch (error) {
      gathered.problems.push({ backend: backend.name, error: errorMessage(error) });
    }
  }

  // Backends that index span links answer "which spans link into this trace" (consumers of a producer).
  const linkIndexes = request.backends.filter(
    (backend) => backend.capabilities.reverseLinks && backend.findLinksInto,
  );
  const queued = new Set<string>();
  const seen = new Set<string>();
  const enqueue = (pending: Pending): void => {
    if (queued.has(pending.traceId)) return;
    queued.add(pending.traceId);
    queue.push(pending);
  };
  for (const pending of queue.splice(0)) enqueue(pending);
  while (queue.length > 0) {
    const pending = queue.shift() as Pending;
    if (seen.has(pending.traceId)) continue;
    if (gathered.members.length >= request.maxTraces) {
      gathered.notFollowed.push(pending.traceId);
      continue;
    }
    seen.add(pending.traceId);
    const found = await readTrace(pending, request.backends, gathered);
    if (found) {
      gathered.members.push({ trace: found.trace, backend: found.backend, foundBy: pending.foundBy });
      gathered.carriers.push(...valueCarriers(found.trace, request.value, request.keys));
      for (const link of outgoingLinks(found.trace)) {
        gathered.links.push(link);
        enqueue({ traceId: link.to.traceId, foundBy: 'link', backend: found.backend });
      }
    }
    // Asked also for a trace no backend returned: its consumers may still be stored.
    if (found || pending.foundBy === 'trace_id') {
      for (const backend of linkIndexes) {
        const intos = await (backend.findLinksInto as NonNullable<TraceBackend['findLinksInto']>)(
          pending.traceId,
          MAX_LINKS_INTO,
        );
        for (const into of intos) {
          gathered.links.push({
            from: { traceId: into.traceId, spanId: into.spanId },
            to: { traceId: pending.traceId, spanId: into.linkedSpanId },
          });
          enqueue({ traceId: into.traceId, foundBy: 'link', backend: backend.name });
        }
      }
    }
  }
  gathered.problems = dedupe(gathered.problems, (problem) => `${problem.backend}\u0000${problem.error}`);
  // A link read forward from the consumer and backward from the producer is one link.
  gathered.links = dedupe(
    gathered.links,
    (link) => `${link.from.traceId}/${link.from.spanId}>${link.to.traceId}/${link.to.spanId}`,
  );
  return gathered;
}

function dedupe<T>(items: readonly T[], keyOf: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = keyOf(item);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** A backend that finds spans by one value under any identifier-like key (the embedded store's index). */
async function searchByValue(
  request: GatherRequest,
  backend: TraceBackend,
  queue: Pending[],
  matchedKeys: Set<string>,
  gathered: Gathered,
): Promise<void> {
  const found = await (backend.findAttributeValue as NonNullable<TraceBackend['findAttributeValue']>)({
    value: request.value,
    ...(request.keys ? { keys: request.keys } : {}),
    startNs: request.window.startUnixNano,
    endNs: request.window.endUnixNano,
    limit: MAX_VALUE_SPANS,
  });
  addKeys(gathered, found.keysSearched);
  gathered.keysNotSearched += found.keysNotSearched;
  for (const match of found.matches) {
    matchedKeys.add(match.key);
    queue.push({ traceId: match.traceId, foundBy: 'attribute', backend: backend.name });
  }
}

async function searchBackend(
  request: GatherRequest,
  backend: TraceBackend,
  queue: Pending[],
  matchedKeys: Set<string>,
  gathered: Gathered,
): Promise<void> {
  gathered.limitations.push(
    `${backend.name}: a trace whose span links into another is found by its value or through a backend that indexes links (the embedded store) only (${backend.kind} cannot be asked which spans link into a trace); links a span carries are followed everywhere`,
  );
  if (!backend.capabilities.attributeFilters) {
    gathered.limitations.push(
      `${backend.name} cannot search by attribute: only traces reached by a trace id or a link were read from it`,
    );
    return;
  }
  const keys = request.keys ?? [...new Set([...matchedKeys, ...WELL_KNOWN_TRANSACTION_KEYS])];
  let services: (string | undefined)[] = [undefined];
  if (!backend.capabilities.searchWithoutService) {
    services = await backend.listServices();
    if (services.length === 0) return;
  }
  const searches = keys.flatMap((key) => services.map((service) => ({ key, service })));
  if (searches.length > MAX_SEARCHES_PER_BACKEND) {
    gathered.limitations.push(
      `${backend.name}: ${searches.length} searches needed (keys × services), ${MAX_SEARCHES_PER_BACKEND} made: name attribute_key to search that key in every service`,
    );
  }
  addKeys(gathered, keys);
  for (const { key, service } of searches.slice(0, MAX_SEARCHES_PER_BACKEND)) {
    const summaries = await backend.findTraces({
      ...(service !== undefined ? { serviceName: service } : {}),
      attributes: [{ key, value: request.value }],
      window: request.window,
      limit: request.maxTraces,
    });
    for (const summary of summaries)
      queue.push({ traceId: summary.traceId, foundBy: 'attribute', backend: backend.name });
  }
}

/** The trace from the backend that found it, else from the others in order; undefined when none has it. */
async function readTrace(
  pending: Pending,
  backends: TraceBackend[],
  gathered: Gathered,
): Promise<{ trace: TransactionMember['trace']; backend: string } | undefined> {
  const ordered = [...backends].sort(
    (a, b) => Number(b.name === pending.backend) - Number(a.name === pending.backend),
  );
  for (const backend of ordered) {
    try {
      const trace = await backend.getTrace(pending.traceId);
      if (trace) return { trace, backend: backend.name };
    } catch (error) {
      gathered.problems.push({ backend: backend.name, error: errorMessage(error) });
    }
  }
  return undefined;
}

function addKeys(gathered: Gathered, keys: readonly string[]): void {
  for (const key of keys) if (!gathered.keysSearched.includes(key)) gathered.keysSearched.push(key);
}
