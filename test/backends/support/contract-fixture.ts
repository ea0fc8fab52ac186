/**
 * The traces every backend's contract run stores and reads back, produced by the real OpenTelemetry
 * JS SDK (one tracer provider per service, so each span carries its service's resource). Names carry
 * a run id so that runs sharing a server never see each other's traces, and mixed case so that a
 * backend that lower-cases names (Zipkin) is caught declaring it.
 *
 * checkout (trace A, 6 spans, 3 services, one error):
 *   Frontend  SERVER   GET /checkout       120 ms   http attrs, contract.run, an event
 *   ├ Frontend CLIENT  POST /pay            60 ms   peer.service, server.address/port
 *   │ └ payments SERVER POST /pay           50 ms   status ERROR "card declined", exception event
 *   │   └ payments INTERNAL charge          30 ms   db.system
 *   └ Frontend PRODUCER orders publish      20 ms
 *     └ worker CONSUMER orders process      40 ms   a link (to the CLIENT span) with an attribute
 * health (trace B, 1 span, trace id with 8 leading zero digits):
 *   Frontend  SERVER   GET /health           5 ms
 */
import { randomBytes } from 'node:crypto';
import {
  SpanKind,
  SpanStatusCode,
  context,
  trace,
  type Attributes as OtelAttributes,
  type HrTime,
  type Span as OtelSpan,
} from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  RandomIdGenerator,
  SimpleSpanProcessor,
  type IdGenerator,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import type {
  AttributeValue,
  Attributes,
  Span,
  SpanKind as ModelKind,
  Trace,
} from '../../../src/model/index.js';

export interface ContractFixture {
  runId: string;
  services: { frontend: string; payments: string; worker: string };
  checkout: Trace;
  health: Trace;
  /** Every span as the SDK ended it, for `ingest`. */
  spans: ReadableSpan[];
}

class PresetIdGenerator implements IdGenerator {
  private readonly random = new RandomIdGenerator();
  nextTraceId: string | undefined;
  generateTraceId(): string {
    const preset = this.nextTraceId;
    this.nextTraceId = undefined;
    return preset ?? this.random.generateTraceId();
  }
  generateSpanId(): string {
    return this.random.generateSpanId();
  }
}

/** `nowMs` anchors the traces a few seconds in the past, inside every backend's default search window. */
export function buildContractFixture(nowMs: number): ContractFixture {
  const runId = randomBytes(4).toString('hex');
  const services = {
    frontend: `Contract-Frontend-${runId}`,
    payments: `contract-payments-${runId}`,
    worker: `contract-worker-${runId}`,
  };
  const exporter = new InMemorySpanExporter();
  const ids = new PresetIdGenerator();
  const tracerFor = (service: string) =>
    new BasicTracerProvider({
      resource: resourceFromAttributes({
        'service.name': service,
        'service.version': '1.4.2',
        'deployment.environment.name': 'contract',
      }),
      spanProcessors: [new SimpleSpanProcessor(exporter)],
      idGenerator: ids,
    }).getTracer('otel-mcp-contract', '0.9.1');
  const frontend = tracerFor(services.frontend);
  const payments = tracerFor(services.payments);
  const worker = tracerFor(services.worker);

  // Sub-microsecond digits (…456 ns) show what a backend keeps of nanoseconds.
  const base = BigInt(nowMs - 8_000) * 1_000_000n + 456n;
  const at = (ms: number): HrTime => {
    const nanos = base + BigInt(Math.round(ms * 1_000_000));
    return [Number(nanos / 1_000_000_000n), Number(nanos % 1_000_000_000n)];
  };
  const child = (parent: OtelSpan) => trace.setSpan(context.active(), parent);

  const root = frontend.startSpan(
    'GET /checkout',
    {
      kind: SpanKind.SERVER,
      startTime: at(0),
      attributes: {
        'http.request.method': 'GET',
        'http.route': '/checkout',
        'http.response.status_code': 200,
        'app.ratio': 0.5,
        'app.cached': true,
        'app.tags': ['blue', 'green'],
        'contract.run': runId,
      },
    },
    context.active(),
  );
  root.addEvent('cart.loaded', { 'cart.items': 3 }, at(2));
  const pay = frontend.startSpan(
    'POST /pay',
    {
      kind: SpanKind.CLIENT,
      startTime: at(10),
      attributes: {
        'peer.service': services.payments,
        'server.address': 'payments.internal',
        'server.port': 8443,
        'http.request.method': 'POST',
      },
    },
    child(root),
  );
  const payServer = payments.startSpan(
    'POST /pay',
    {
      kind: SpanKind.SERVER,
      startTime: at(15),
      attributes: { 'http.request.method': 'POST', 'http.route': '/pay' },
    },
    child(pay),
  );
  const charge = payments.startSpan(
    'charge',
    { kind: SpanKind.INTERNAL, startTime: at(20), attributes: { 'db.system': 'postgresql' } },
    child(payServer),
  );
  charge.end(at(50));
  payServer.addEvent(
    'exception',
    { 'exception.type': 'CardDeclinedError', 'exception.message': 'card declined' },
    at(60),
  );
  payServer.setStatus({ code: SpanStatusCode.ERROR, message: 'card declined' });
  payServer.end(at(65));
  pay.end(at(70));
  const publish = frontend.startSpan(
    'orders publish',
    { kind: SpanKind.PRODUCER, startTime: at(80), attributes: { 'messaging.system': 'kafka' } },
    child(root),
  );
  publish.end(at(100));
  const processed = worker.startSpan(
    'orders process',
    {
      kind: SpanKind.CONSUMER,
      startTime: at(105),
      attributes: { 'messaging.system': 'kafka' },
      links: [{ context: pay.spanContext(), attributes: { 'messaging.link': 'orders' } }],
    },
    child(publish),
  );
  processed.end(at(145));
  root.end(at(120));

  ids.nextTraceId = `00000000${randomBytes(12).toString('hex')}`;
  const health = frontend.startSpan(
    'GET /health',
    {
      kind: SpanKind.SERVER,
      startTime: at(1_000),
      attributes: { 'http.route': '/health', 'contract.run': runId },
    },
    context.active(),
  );
  health.end(at(1_005));

  const spans = exporter.getFinishedSpans();
  const checkoutId = root.spanContext().traceId;
  const healthId = health.spanContext().traceId;
  return {
    runId,
    services,
    checkout: asTrace(checkoutId, spans),
    health: asTrace(healthId, spans),
    spans,
  };
}

function asTrace(traceId: string, spans: ReadableSpan[]): Trace {
  return {
    traceId,
    spans: spans
      .filter((span) => span.spanContext().traceId === traceId)
      .map(expectedSpan)
      .sort((a, b) => (a.startTimeUnixNano < b.startTimeUnixNano ? -1 : 1)),
  };
}

const KINDS: Record<number, ModelKind> = {
  [SpanKind.INTERNAL]: 'internal',
  [SpanKind.SERVER]: 'server',
  [SpanKind.CLIENT]: 'client',
  [SpanKind.PRODUCER]: 'producer',
  [SpanKind.CONSUMER]: 'consumer',
};

export function hrToNanos(time: HrTime): bigint {
  return BigInt(time[0]) * 1_000_000_000n + BigInt(time[1]);
}

function attributesOf(attributes: OtelAttributes): Attributes {
  const result: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (value !== undefined) result[key] = value as AttributeValue;
  }
  return result;
}

/** What a backend that keeps everything must give back for one SDK span. */
export function expectedSpan(span: ReadableSpan): Span {
  const context = span.spanContext();
  const status =
    span.status.code === SpanStatusCode.ERROR
      ? 'error'
      : span.status.code === SpanStatusCode.OK
        ? 'ok'
        : 'unset';
  const model: Span = {
    traceId: context.traceId,
    spanId: context.spanId,
    parentSpanId: span.parentSpanContext?.spanId,
    name: span.name,
    kind: KINDS[span.kind] ?? 'unspecified',
    serviceName: String(span.resource.attributes['service.name']),
    startTimeUnixNano: hrToNanos(span.startTime),
    endTimeUnixNano: hrToNanos(span.endTime),
    status: span.status.message ? { code: status, message: span.status.message } : { code: status },
    attributes: attributesOf(span.attributes),
    droppedAttributesCount: 0,
    events: span.events.map((event) => ({
      timeUnixNano: hrToNanos(event.time),
      name: event.name,
      attributes: attributesOf(event.attributes ?? {}),
      droppedAttributesCount: 0,
    })),
    droppedEventsCount: 0,
    links: span.links.map((link) => ({
      traceId: link.context.traceId,
      spanId: link.context.spanId,
      attributes: attributesOf(link.attributes ?? {}),
      droppedAttributesCount: 0,
    })),
    droppedLinksCount: 0,
    resource: { attributes: attributesOf(span.resource.attributes), droppedAttributesCount: 0 },
    scope: {
      name: span.instrumentationScope.name,
      version: span.instrumentationScope.version,
      attributes: {},
      droppedAttributesCount: 0,
    },
  };
  if (model.parentSpanId === undefined) delete model.parentSpanId;
  return model;
}
