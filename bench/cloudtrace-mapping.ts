/**
 * The Cloud Trace adapter's own cost for one 1,000-span trace: a v1 `projects.traces.get` answer
 * parsed, checked, mapped to model spans (decimal ids to hex, RFC 3339 to nanoseconds, labels to
 * conventions and resource), grouped, sorted and summarized, against the Zipkin adapter mapping the
 * same SDK spans in the same process (printed as a ratio, so a busy machine moves both). The v1 body
 * is what the test stand-in answers after Google's OpenTelemetry exporter wrote the spans to it
 * (test/backends/support); server time is not measured. Target: < 20 ms.
 *
 *   node --import tsx bench/cloudtrace-mapping.ts [spans] [iterations]
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
import { spansFromTraces } from '../src/backends/cloudtrace/span-mapping.js';
import { invalidTrace, type TraceV1 } from '../src/backends/cloudtrace/trace-v1.js';
import { summarizeTrace, traceFromSpans } from '../src/backends/trace-assembly.js';
import { spansFromZipkin } from '../src/backends/zipkin/zipkin-mapping.js';
import type { ZipkinSpan } from '../src/backends/zipkin/zipkin-span.js';
import type { Span } from '../src/model/index.js';
import { exportWithGoogleExporter } from '../test/backends/support/cloudtrace-export.js';
import { startCloudTraceStandIn } from '../test/backends/support/cloudtrace-stand-in.js';
import { toZipkinSpan } from '../test/backends/support/zipkin-export.js';

const spanCount = Number(process.argv[2] ?? 1000);
const iterations = Number(process.argv[3] ?? 60);
const WARMUP = 10;

/** Five services, each span's parent a few spans back, HTTP and database attributes, some errors. */
function buildTrace(count: number): { traceId: string; spans: ReadableSpan[] } {
  const exporter = new InMemorySpanExporter();
  const services = ['gateway', 'orders', 'payments', 'inventory', 'notifications'];
  const tracers = services.map((service) =>
    new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': service, 'service.version': '1.0.0' }),
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
    serviceOf.push(i % 5 === 0 ? (serviceOf[parentIndex]! + 1) % tracers.length : serviceOf[parentIndex]!);
    const span = tracers[serviceOf[i]!]!.startSpan(
      i % 3 === 0 ? 'SELECT orders' : `op-${i % 17}`,
      {
        kind: i % 5 === 0 ? SpanKind.SERVER : i % 3 === 0 ? SpanKind.CLIENT : SpanKind.INTERNAL,
        startTime: start + i,
        attributes: {
          'db.system.name': 'postgresql',
          'db.query.text': `SELECT * FROM orders WHERE id = $${i % 9}`,
          'http.route': '/orders/{id}',
          'app.index': i,
          'app.cached': i % 2 === 0,
        },
      },
      trace.setSpan(context.active(), parent),
    );
    if (i % 50 === 0) span.setStatus({ code: SpanStatusCode.ERROR, message: 'timeout' });
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
const standIn = await startCloudTraceStandIn();
let cloudTraceBody: string;
try {
  await exportWithGoogleExporter(standIn, spans);
  const answer = await fetch(`${standIn.restUrl}/v1/projects/${standIn.projectId}/traces/${traceId}`, {
    headers: { authorization: 'Bearer bench' },
  });
  cloudTraceBody = await answer.text();
} finally {
  await standIn.close();
}
const zipkinBody = JSON.stringify(spans.map(toZipkinSpan));
const toModel = (decoded: Span[]) => {
  const model = traceFromSpans(traceId, decoded);
  if (model) summarizeTrace(model);
  return model?.spans ?? [];
};

const cloudTrace = measure(() => {
  const answer: unknown = JSON.parse(cloudTraceBody);
  const problem = invalidTrace(answer);
  if (problem) throw new Error(problem);
  return toModel(spansFromTraces([answer as TraceV1]));
});
const zipkin = measure(() => toModel(spansFromZipkin(JSON.parse(zipkinBody) as ZipkinSpan[])));

console.log(
  `cloud trace adapter mapping, one ${spanCount}-span trace (${(cloudTraceBody.length / 1024).toFixed(0)} KiB of v1 JSON), ${iterations} iterations (load ${loadavg()[0]!.toFixed(1)}), target < 20 ms`,
);
console.log(`cloud trace (v1 traces.get JSON) median ${cloudTrace.toFixed(2)} ms`);
console.log(`zipkin v2 (JSON), same trace     median ${zipkin.toFixed(2)} ms`);
console.log(`ratio cloud trace / zipkin       ${(cloudTrace / zipkin).toFixed(2)}×`);
