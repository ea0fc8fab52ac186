/**
 * What the adapter mapping benchmarks share: one SDK-made trace shaped like a real request fanning
 * out over five services, the adapters' common last step (group, sort, summarize), and a median
 * timer. Each benchmark keeps only what its vendor's format needs (attributes, errors, events).
 */
import { SpanKind, SpanStatusCode, context, trace, type Attributes } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { summarizeTrace, traceFromSpans } from '../../src/backends/trace-assembly.js';
import type { Span } from '../../src/model/index.js';

export interface BenchTraceShape {
  /** Resource attributes beside `service.name`. */
  resource?: (service: string) => Attributes;
  /** The attributes of span `i` (the root has HTTP server attributes of its own). */
  attributes: (i: number, count: number) => Attributes;
  /**
   * `nested`: a span stays in its parent's service, every fifth moves to the next (X-Ray subsegments
   * within segments); `round-robin`: span `i` belongs to service `i % 5`.
   */
  services: 'nested' | 'round-robin';
  /** Every 50th span fails; with `exception`, it also records an exception event. */
  errors: 'status' | 'exception';
  /** Every 10th span gets a `retry` event. */
  retryEvents?: boolean;
}

const SERVICES = ['gateway', 'orders', 'payments', 'inventory', 'notifications'];

/** A `count`-span trace from the OpenTelemetry SDK: each span's parent a few spans back. */
export function buildBenchTrace(
  count: number,
  shape: BenchTraceShape,
): { traceId: string; spans: ReadableSpan[] } {
  const exporter = new InMemorySpanExporter();
  const tracers = SERVICES.map((service) =>
    new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': service, ...shape.resource?.(service) }),
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    }).getTracer('bench-instrumentation', '1.0.0'),
  );
  const start = Date.now() - 5_000;
  const root = tracers[0]!.startSpan('GET /orders/{id}', {
    kind: SpanKind.SERVER,
    startTime: start,
    attributes: {
      'http.request.method': 'GET',
      'http.route': '/orders/{id}',
      'http.response.status_code': 200,
    },
  });
  const parents = [root];
  const serviceOf = [0];
  for (let i = 1; i < count; i++) {
    const parentIndex = Math.floor(i / 4);
    const parentService = serviceOf[parentIndex]!;
    const nestedService = i % 5 === 0 ? (parentService + 1) % SERVICES.length : parentService;
    serviceOf.push(shape.services === 'nested' ? nestedService : i % SERVICES.length);
    const crossesService = shape.services === 'nested' && i % 5 === 0;
    const span = tracers[serviceOf[i]!]!.startSpan(
      i % 3 === 0 ? 'SELECT orders' : `op-${i % 17}`,
      {
        kind: crossesService ? SpanKind.SERVER : i % 3 === 0 ? SpanKind.CLIENT : SpanKind.INTERNAL,
        startTime: start + i,
        attributes: shape.attributes(i, count),
      },
      trace.setSpan(context.active(), parents[parentIndex] ?? root),
    );
    if (shape.retryEvents && i % 10 === 0) span.addEvent('retry', { attempt: i % 3 }, start + i + 0.5);
    if (i % 50 === 0) {
      if (shape.errors === 'exception')
        span.addEvent('exception', { 'exception.type': 'TimeoutError', 'exception.message': 'timeout' });
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'timeout' });
    }
    span.end(start + i + 2 + (i % 7));
    parents.push(span);
  }
  root.end(start + count + 20);
  return { traceId: root.spanContext().traceId, spans: exporter.getFinishedSpans() };
}

/** Every adapter's last step: the decoded spans grouped into a model trace, sorted and summarized. */
export function assembleModel(traceId: string, decoded: Span[]): Span[] {
  const model = traceFromSpans(traceId, decoded);
  if (model) summarizeTrace(model);
  return model?.spans ?? [];
}

const WARMUP = 10;

/** Sorted run times in ms after a warm-up; the first run must map exactly `spanCount` spans. */
export function timeRuns(
  run: () => Span[],
  spanCount: number,
  iterations: number,
  label = 'mapping',
): number[] {
  const mapped = run().length;
  if (mapped !== spanCount) throw new Error(`${label}: mapped ${mapped} spans, expected ${spanCount}`);
  for (let i = 0; i < WARMUP; i++) run();
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const started = performance.now();
    run();
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b);
}

/** The median of sorted times. */
export function median(sortedTimes: readonly number[]): number {
  return sortedTimes[Math.floor(sortedTimes.length / 2)]!;
}
