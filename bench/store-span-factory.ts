/**
 * Realistic spans for the store benchmarks: 5 services with SDK-sized resources, traces of 1 to 40
 * spans (20 on average), ~10 attributes per span with the cardinalities real ones have (a handful
 * of methods and status codes, dozens of routes, thousands of user ids, unique request ids, long SQL
 * statements) and one event per span. Deterministic (a seeded generator), so runs compare.
 */
import type { Attributes, InstrumentationScope, Resource, Span, SpanKind } from '../src/model/index.js';

export const SERVICES = ['frontend', 'checkout', 'payment', 'inventory', 'shipping'] as const;
const ROUTES = Array.from({ length: 40 }, (_, index) => `/api/v1/resource-${index}/{id}`);
const STATUS_CODES = [200, 200, 200, 200, 200, 200, 200, 200, 200, 201, 204, 400, 404, 500];
const STATEMENTS = Array.from(
  { length: 30 },
  (_, index) =>
    `SELECT o.id, o.customer_id, o.total, o.created_at, l.sku, l.quantity FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE o.customer_id = $1 AND o.region = ${index}`,
);

/** Mulberry32: tiny, fast, seeded. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function resourceOf(service: string, runId?: string): Resource {
  const attributes: Attributes = {
    'service.name': service,
    'service.version': '1.4.2',
    'service.instance.id': `${service}-7d9f8c6b5-x2k4p`,
    'host.name': 'dev-machine-01',
    'process.pid': 41_230,
    'process.runtime.name': 'nodejs',
    'process.runtime.version': '20.20.2',
    'telemetry.sdk.name': 'opentelemetry',
    'telemetry.sdk.language': 'nodejs',
    'telemetry.sdk.version': '2.12.1',
  };
  if (runId !== undefined) attributes['otel_mcp.run_id'] = runId;
  return { attributes, droppedAttributesCount: 0 };
}

const RESOURCES = new Map<string, Resource>(SERVICES.map((service) => [service, resourceOf(service)]));
const SCOPES = new Map<string, InstrumentationScope>(
  SERVICES.map((service) => [
    service,
    {
      name: `@acme/${service}-instrumentation`,
      version: '0.52.0',
      attributes: {},
      droppedAttributesCount: 0,
    },
  ]),
);

function hex(next: () => number, digits: number): string {
  let out = '';
  while (out.length < digits)
    out += Math.floor(next() * 0x100000000)
      .toString(16)
      .padStart(8, '0');
  return out.slice(0, digits);
}

export interface GeneratorOptions {
  seed?: number;
  /** Trace start of the first trace, ns; traces follow each other `gapMs` apart. */
  startNs?: bigint;
  gapMs?: number;
}

/**
 * An endless stream of traces, yielded span by span in batches of `batchSize`, with the spans of a
 * trace in reverse order half the time (children first), as exporters of several services deliver them.
 */
export class SpanFactory {
  private readonly next: () => number;
  private traceStartNs: bigint;
  private readonly gapNs: bigint;
  private pending: Span[] = [];
  traces = 0;
  /** A trace id of each size produced, for the queries to ask for. */
  readonly sampleTraceIds: string[] = [];

  constructor(options: GeneratorOptions = {}) {
    this.next = random(options.seed ?? 1);
    this.traceStartNs = options.startNs ?? 1_764_000_000_000_000_000n;
    this.gapNs = BigInt(Math.round((options.gapMs ?? 5) * 1e6));
  }

  batch(size: number): Span[] {
    while (this.pending.length < size) this.pending.push(...this.trace(1 + Math.floor(this.next() * 40)));
    const batch = this.pending.slice(0, size);
    this.pending = this.pending.slice(size);
    return batch;
  }

  /** One trace of `size` spans: a root server span, then children spread over the services. */
  trace(size: number, runId?: string): Span[] {
    const next = this.next;
    const traceId = hex(next, 32);
    const start = this.traceStartNs;
    this.traceStartNs += this.gapNs;
    this.traces += 1;
    if (this.sampleTraceIds.length < 100) this.sampleTraceIds.push(traceId);
    const spans: Span[] = [];
    const rootDurationNs = BigInt(Math.floor(20e6 + next() * 400e6));
    for (let index = 0; index < size; index += 1) {
      const service = SERVICES[index === 0 ? 0 : 1 + Math.floor(next() * (SERVICES.length - 1))] as string;
      const parent = index === 0 ? undefined : spans[Math.floor(next() * index)];
      const offset = parent ? parent.startTimeUnixNano - start + BigInt(Math.floor(next() * 5e6)) : 0n;
      const spanStart = start + offset;
      const durationNs =
        index === 0 ? rootDurationNs : BigInt(Math.floor(Math.pow(next(), 3) * 300e6 + 50e3));
      const status = STATUS_CODES[Math.floor(next() * STATUS_CODES.length)] as number;
      const kind: SpanKind = index === 0 ? 'server' : next() < 0.5 ? 'client' : 'internal';
      const isDb = kind === 'client' && next() < 0.4;
      const attributes: Attributes = isDb
        ? {
            'db.system': 'postgresql',
            'db.name': 'orders',
            'db.operation': 'SELECT',
            'db.statement': STATEMENTS[Math.floor(next() * STATEMENTS.length)] as string,
            'db.sql.table': 'orders',
            'server.address': 'db.internal',
            'server.port': 5432,
            'db.rows_affected': Math.floor(next() * 50),
            'thread.id': Math.floor(next() * 16),
            'request.id': hex(next, 16),
          }
        : {
            'http.request.method': next() < 0.7 ? 'GET' : 'POST',
            'http.route': ROUTES[Math.floor(next() * ROUTES.length)] as string,
            'http.response.status_code': status,
            'url.path': `/api/v1/resource/${Math.floor(next() * 100_000)}`,
            'server.address': `${service}.internal`,
            'server.port': 8080,
            'user.id': `user-${Math.floor(next() * 10_000)}`,
            'network.protocol.version': '1.1',
            'thread.id': Math.floor(next() * 16),
            'request.id': hex(next, 16),
          };
      const span: Span = {
        traceId,
        spanId: hex(next, 16),
        name: isDb
          ? 'SELECT orders'
          : `${kind === 'client' ? 'call' : 'handle'} ${(attributes['http.route'] as string) ?? ''}`,
        kind,
        serviceName: service,
        startTimeUnixNano: spanStart,
        endTimeUnixNano: spanStart + durationNs,
        status: status >= 500 ? { code: 'error', message: 'Internal Server Error' } : { code: 'unset' },
        attributes,
        droppedAttributesCount: 0,
        events: [
          {
            timeUnixNano: spanStart + durationNs / 2n,
            name: status >= 500 ? 'exception' : 'log',
            attributes:
              status >= 500
                ? { 'exception.type': 'UpstreamError', 'exception.message': 'upstream returned 503' }
                : { message: 'handled request', 'log.severity': 'INFO' },
            droppedAttributesCount: 0,
          },
        ],
        droppedEventsCount: 0,
        links: [],
        droppedLinksCount: 0,
        resource: runId === undefined ? (RESOURCES.get(service) as Resource) : resourceOf(service, runId),
        scope: SCOPES.get(service) as InstrumentationScope,
      };
      if (parent) span.parentSpanId = parent.spanId;
      spans.push(span);
    }
    return next() < 0.5 ? spans.reverse() : spans;
  }
}
