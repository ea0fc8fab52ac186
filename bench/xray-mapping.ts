/**
 * The X-Ray adapter's own cost for one 1,000-span trace: a BatchGetTraces answer (each segment's
 * document a JSON string inside the JSON) parsed, mapped to model spans, grouped, sorted and
 * summarized, against the Zipkin adapter mapping the same SDK spans in the same process (printed as
 * a ratio, so a busy machine moves both). Bodies are built from the SDK spans by the test
 * converters (test/backends/support); server time is not measured. Target: < 20 ms.
 *
 *   node --import tsx bench/xray-mapping.ts [spans] [iterations]
 */
import { loadavg } from 'node:os';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { summarizeTrace, traceFromSpans } from '../src/backends/trace-assembly.js';
import type { XraySegmentDocument } from '../src/backends/xray/segment-document.js';
import { spansFromSegments } from '../src/backends/xray/segment-mapping.js';
import { toXrayTraceId } from '../src/backends/xray/xray-trace-id.js';
import { spansFromZipkin } from '../src/backends/zipkin/zipkin-mapping.js';
import type { ZipkinSpan } from '../src/backends/zipkin/zipkin-span.js';
import type { Span } from '../src/model/index.js';
import { toXraySegments } from '../test/backends/support/xray-export.js';
import { toZipkinSpan } from '../test/backends/support/zipkin-export.js';

const spanCount = Number(process.argv[2] ?? 1000);
const iterations = Number(process.argv[3] ?? 60);
const WARMUP = 10;

/** Five services, each span's parent a few spans back, so segments nest subsegments and cross services. */
function buildTrace(count: number): { traceId: string; spans: ReadableSpan[] } {
  const exporter = new InMemorySpanExporter();
  const services = ['gateway', 'orders', 'payments', 'inventory', 'notifications'];
  const tracers = services.map((service) =>
    new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': service }),
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
    const parent = parents[parentIndex] ?? root;
    // Mostly the parent's own service (a subsegment), every fifth span another service (a segment).
    serviceOf.push(i % 5 === 0 ? (serviceOf[parentIndex]! + 1) % tracers.length : serviceOf[parentIndex]!);
    const tracer = tracers[serviceOf[i]!]!;
    const span = tracer.startSpan(
      i % 3 === 0 ? 'SELECT orders' : `op-${i % 17}`,
      {
        kind: i % 5 === 0 ? SpanKind.SERVER : i % 3 === 0 ? SpanKind.CLIENT : SpanKind.INTERNAL,
        startTime: start + i,
        attributes: {
          'db.system.name': 'postgresql',
          'db.query.text': `SELECT * FROM orders WHERE id = $${i % 9}`,
          'app.index': i,
          'app.ratio': i / count,
          'app.cached': i % 2 === 0,
        },
      },
      trace.setSpan(context.active(), parent),
    );
    if (i % 50 === 0) {
      span.addEvent('exception', { 'exception.type': 'TimeoutError', 'exception.message': 'timeout' });
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'timeout' });
    }
    span.end(start + i + 2 + (i % 7));
    parents.push(span);
  }
  root.end(start + count + 20);
  return { traceId: root.spanContext().traceId, spans: exporter.getFinishedSpans() };
}

function measure(run: () => Span[]): number {
  const spans = run();
  if (spans.length !== spanCount) throw new Error(`mapped ${spans.length} spans, expected ${spanCount}`);
  for (let i = 0; i < WARMUP; i++) run();
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const started = performance.now();
    run();
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
}

const { traceId, spans } = buildTrace(spanCount);
const toModel = (decoded: Span[]) => {
  const model = traceFromSpans(traceId, decoded);
  if (model) summarizeTrace(model);
  return model?.spans ?? [];
};
const segments = toXraySegments(spans);
const xrayBody = JSON.stringify({
  Traces: [
    {
      Id: toXrayTraceId(traceId),
      Segments: segments.map((segment) => ({ Id: segment.id, Document: JSON.stringify(segment) })),
    },
  ],
});
const zipkinBody = JSON.stringify(spans.map(toZipkinSpan));

const xray = measure(() => {
  const answer = JSON.parse(xrayBody) as { Traces: { Segments: { Document: string }[] }[] };
  const documents = answer.Traces.flatMap((each) =>
    each.Segments.map((segment) => JSON.parse(segment.Document) as XraySegmentDocument),
  );
  return toModel(spansFromSegments(documents));
});
const zipkin = measure(() => toModel(spansFromZipkin(JSON.parse(zipkinBody) as ZipkinSpan[])));

console.log(
  `x-ray adapter mapping, one ${spanCount}-span trace in ${segments.length} segment documents, ${iterations} iterations (load ${loadavg()[0]!.toFixed(1)}), target < 20 ms`,
);
console.log(`x-ray (BatchGetTraces JSON)  median ${xray.toFixed(2)} ms`);
console.log(`zipkin v2 (JSON), same trace median ${zipkin.toFixed(2)} ms`);
console.log(`ratio x-ray / zipkin         ${(xray / zipkin).toFixed(2)}×`);
