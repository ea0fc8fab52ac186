import type { Span, Trace } from '../model/index.js';
import { isTransactionKey } from '../model/transaction-keys.js';
import { clip, roundMs } from './capped.js';
import { spanFailure } from './span-failure.js';

/** How a trace came into the transaction. */
export type FoundBy = 'trace_id' | 'attribute' | 'link';

/** One trace of the transaction, as the gathering step found it. */
export interface TransactionMember {
  trace: Trace;
  /** The backend it was read from. */
  backend: string;
  foundBy: FoundBy;
}

/** A span link between two traces of the transaction: `from` carries the link, `to` is pointed at. */
export interface LinkConnection {
  from: { traceId: string; spanId: string };
  to: { traceId: string; spanId: string };
}

export interface SpanPoint {
  traceId: string;
  spanId: string;
  service: string;
  name: string;
  /** From the start of the transaction's earliest span. */
  offsetMs: number;
}

export interface TransactionPicture {
  startUnixNano: bigint;
  /** Earliest span start to latest span end, over every trace. */
  elapsedMs: number;
  traces: {
    traceId: string;
    backend: string;
    foundBy: FoundBy;
    rootService: string;
    rootName: string;
    offsetMs: number;
    durationMs: number;
    spanCount: number;
    errorCount: number;
    services: string[];
  }[];
  /** How the traces connect: span links, and the spans that carry the transaction's value. */
  connections: {
    kind: 'link' | 'attribute';
    from: SpanPoint;
    to: SpanPoint;
    /** For an attribute: `key=value`; for a link: the link direction in words. */
    detail: string;
  }[];
  /** Calls that cross from one service to another (a parent in one service, its child in another). */
  serviceHops: { from: string; to: string; count: number; firstOffsetMs: number }[];
  /** Every service in the order it first appears. */
  services: {
    service: string;
    firstOffsetMs: number;
    lastOffsetMs: number;
    spanCount: number;
    errorCount: number;
    traceCount: number;
  }[];
  /** Failed spans anywhere along the way, earliest first. */
  errors: (SpanPoint & { reason: string })[];
  /** Links that point at traces no backend returned (not sampled, expired, or never sent). */
  danglingLinks: (SpanPoint & { linkedTraceId: string; linkedSpanId: string })[];
}

/** The spans of one trace that carry the transaction's value, with the key they carry it under. */
export interface ValueCarrier {
  traceId: string;
  spanId: string;
  key: string;
}

/**
 * One connected picture of a business transaction from the traces that belong to it: when each
 * trace ran relative to the first, how they connect, which services took part in time order, and
 * where it failed. Pure: the gathering (searches, link following) happens at the edge.
 */
export function buildTransactionPicture(
  members: readonly TransactionMember[],
  links: readonly LinkConnection[],
  carriers: readonly ValueCarrier[],
  value: string,
): TransactionPicture {
  const spans = new Map<string, Span>();
  let start: bigint | undefined;
  let end: bigint | undefined;
  for (const { trace } of members) {
    for (const span of trace.spans) {
      spans.set(spanKey(span.traceId, span.spanId), span);
      if (start === undefined || span.startTimeUnixNano < start) start = span.startTimeUnixNano;
      if (end === undefined || span.endTimeUnixNano > end) end = span.endTimeUnixNano;
    }
  }
  const origin = start ?? 0n;
  const offset = (ns: bigint): number => roundMs(Number(ns - origin) / 1e6);
  const point = (span: Span): SpanPoint => ({
    traceId: span.traceId,
    spanId: span.spanId,
    service: span.serviceName,
    name: span.name,
    offsetMs: offset(span.startTimeUnixNano),
  });

  const traces = members
    .map(({ trace, backend, foundBy }) => traceLine(trace, backend, foundBy, offset))
    .sort((a, b) => a.offsetMs - b.offsetMs);

  const connections: TransactionPicture['connections'] = [];
  const danglingLinks: TransactionPicture['danglingLinks'] = [];
  const memberIds = new Set(members.map((member) => member.trace.traceId));
  for (const link of links) {
    const from = spans.get(spanKey(link.from.traceId, link.from.spanId));
    if (!from) continue;
    const to = spans.get(spanKey(link.to.traceId, link.to.spanId));
    if (to)
      connections.push({
        kind: 'link',
        from: point(from),
        to: point(to),
        detail: `${from.name} links to ${to.name}`,
      });
    else if (!memberIds.has(link.to.traceId))
      danglingLinks.push({ ...point(from), linkedTraceId: link.to.traceId, linkedSpanId: link.to.spanId });
  }
  connections.push(...attributeConnections(carriers, spans, point, value));

  return {
    startUnixNano: origin,
    elapsedMs: start === undefined || end === undefined ? 0 : roundMs(Number(end - start) / 1e6),
    traces,
    connections,
    serviceHops: serviceHops(members, offset),
    services: serviceTimeline(members, offset),
    errors: [...spans.values()]
      .flatMap((span) => {
        const failure = spanFailure(span);
        return failure ? [{ ...point(span), reason: clip(failure.label) }] : [];
      })
      .sort((a, b) => a.offsetMs - b.offsetMs),
    danglingLinks,
  };
}

function spanKey(traceId: string, spanId: string): string {
  return `${traceId}/${spanId}`;
}

function traceLine(
  trace: Trace,
  backend: string,
  foundBy: FoundBy,
  offset: (ns: bigint) => number,
): TransactionPicture['traces'][number] {
  const ids = new Set(trace.spans.map((span) => span.spanId));
  const roots = trace.spans.filter((span) => span.parentSpanId === undefined || !ids.has(span.parentSpanId));
  const root = roots[0] ?? trace.spans[0];
  let start = root?.startTimeUnixNano ?? 0n;
  let end = root?.endTimeUnixNano ?? 0n;
  for (const span of trace.spans) {
    if (span.startTimeUnixNano < start) start = span.startTimeUnixNano;
    if (span.endTimeUnixNano > end) end = span.endTimeUnixNano;
  }
  return {
    traceId: trace.traceId,
    backend,
    foundBy,
    rootService: root?.serviceName ?? '',
    rootName: root?.name ?? '',
    offsetMs: offset(start),
    durationMs: roundMs(Number(end - start) / 1e6),
    spanCount: trace.spans.length,
    errorCount: trace.spans.filter((span) => spanFailure(span) !== undefined).length,
    services: [...new Set(trace.spans.map((span) => span.serviceName))].sort(),
  };
}

/**
 * The carriers as a chain in time order, one connection between consecutive carriers in different
 * traces: n carriers give n − 1 lines instead of every pair, and the chain still shows each trace's
 * place in the transaction.
 */
function attributeConnections(
  carriers: readonly ValueCarrier[],
  spans: ReadonlyMap<string, Span>,
  point: (span: Span) => SpanPoint,
  value: string,
): TransactionPicture['connections'] {
  const firstPerTrace = new Map<string, { span: Span; key: string }>();
  for (const carrier of carriers) {
    const span = spans.get(spanKey(carrier.traceId, carrier.spanId));
    if (!span) continue;
    const known = firstPerTrace.get(span.traceId);
    if (!known || span.startTimeUnixNano < known.span.startTimeUnixNano)
      firstPerTrace.set(span.traceId, { span, key: carrier.key });
  }
  const ordered = [...firstPerTrace.values()].sort((a, b) =>
    a.span.startTimeUnixNano < b.span.startTimeUnixNano ? -1 : 1,
  );
  const connections: TransactionPicture['connections'] = [];
  for (let index = 1; index < ordered.length; index += 1) {
    const before = ordered[index - 1] as { span: Span; key: string };
    const after = ordered[index] as { span: Span; key: string };
    const detail =
      before.key === after.key ? `${after.key}=${value}` : `${before.key}=${value} / ${after.key}=${value}`;
    connections.push({ kind: 'attribute', from: point(before.span), to: point(after.span), detail });
  }
  return connections;
}

function serviceHops(
  members: readonly TransactionMember[],
  offset: (ns: bigint) => number,
): TransactionPicture['serviceHops'] {
  const hops = new Map<string, TransactionPicture['serviceHops'][number]>();
  for (const { trace } of members) {
    const byId = new Map(trace.spans.map((span) => [span.spanId, span]));
    for (const span of trace.spans) {
      const parent = span.parentSpanId === undefined ? undefined : byId.get(span.parentSpanId);
      if (!parent || parent.serviceName === span.serviceName) continue;
      const key = `${parent.serviceName}\u0000${span.serviceName}`;
      const at = offset(span.startTimeUnixNano);
      const hop = hops.get(key);
      if (!hop)
        hops.set(key, { from: parent.serviceName, to: span.serviceName, count: 1, firstOffsetMs: at });
      else {
        hop.count += 1;
        hop.firstOffsetMs = Math.min(hop.firstOffsetMs, at);
      }
    }
  }
  return [...hops.values()].sort((a, b) => a.firstOffsetMs - b.firstOffsetMs);
}

function serviceTimeline(
  members: readonly TransactionMember[],
  offset: (ns: bigint) => number,
): TransactionPicture['services'] {
  const services = new Map<string, TransactionPicture['services'][number] & { traces: Set<string> }>();
  for (const { trace } of members) {
    for (const span of trace.spans) {
      const first = offset(span.startTimeUnixNano);
      const last = offset(span.endTimeUnixNano);
      const failed = spanFailure(span) !== undefined ? 1 : 0;
      const known = services.get(span.serviceName);
      if (!known) {
        services.set(span.serviceName, {
          service: span.serviceName,
          firstOffsetMs: first,
          lastOffsetMs: last,
          spanCount: 1,
          errorCount: failed,
          traceCount: 0,
          traces: new Set([trace.traceId]),
        });
        continue;
      }
      known.firstOffsetMs = Math.min(known.firstOffsetMs, first);
      known.lastOffsetMs = Math.max(known.lastOffsetMs, last);
      known.spanCount += 1;
      known.errorCount += failed;
      known.traces.add(trace.traceId);
    }
  }
  return [...services.values()]
    .map(({ traces, ...service }) => ({ ...service, traceCount: traces.size }))
    .sort((a, b) => a.firstOffsetMs - b.firstOffsetMs || a.service.localeCompare(b.service));
}

/**
 * The spans of a trace whose attribute equals `value` under one of `keys`, or under any
 * identifier-like key when none are named. Compared as text, so the integer 424242 an SDK recorded
 * meets the "424242" an agent typed.
 */
export function valueCarriers(trace: Trace, value: string, keys?: readonly string[]): ValueCarrier[] {
  const carriers: ValueCarrier[] = [];
  for (const span of trace.spans) {
    for (const key of keys ?? Object.keys(span.attributes)) {
      if (keys === undefined && !isTransactionKey(key)) continue;
      const attribute = span.attributes[key];
      if (
        (typeof attribute === 'string' || typeof attribute === 'number' || typeof attribute === 'boolean') &&
        String(attribute) === value
      ) {
        carriers.push({ traceId: trace.traceId, spanId: span.spanId, key });
      }
    }
  }
  return carriers;
}

/** The span links of a trace that point outside it. */
export function outgoingLinks(trace: Trace): LinkConnection[] {
  return trace.spans.flatMap((span) =>
    span.links
      .filter((link) => link.traceId !== trace.traceId)
      .map((link) => ({
        from: { traceId: trace.traceId, spanId: span.spanId },
        to: { traceId: link.traceId, spanId: link.spanId },
      })),
  );
}
