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
import { spansFromTraces } from '../src/backends/cloudtrace/span-mapping.js';
import { invalidTrace, type TraceV1 } from '../src/backends/cloudtrace/trace-v1.js';
import { spansFromZipkin } from '../src/backends/zipkin/zipkin-mapping.js';
import type { ZipkinSpan } from '../src/backends/zipkin/zipkin-span.js';
import type { Span } from '../src/model/index.js';
import { exportWithGoogleExporter } from '../test/backends/support/cloudtrace-export.js';
import { startCloudTraceStandIn } from '../test/backends/support/cloudtrace-stand-in.js';
import { toZipkinSpan } from '../test/backends/support/zipkin-export.js';
import { assembleModel, buildBenchTrace, median, timeRuns } from './support/mapping-bench.js';

const spanCount = Number(process.argv[2] ?? 1000);
const iterations = Number(process.argv[3] ?? 60);

// HTTP and database attributes, some errors: the label families the mapping turns into conventions.
const { traceId, spans } = buildBenchTrace(spanCount, {
  services: 'nested',
  errors: 'status',
  resource: () => ({ 'service.version': '1.0.0' }),
  attributes: (i) => ({
    'db.system.name': 'postgresql',
    'db.query.text': `SELECT * FROM orders WHERE id = $${i % 9}`,
    'http.route': '/orders/{id}',
    'app.index': i,
    'app.cached': i % 2 === 0,
  }),
});
const measure = (run: () => Span[]) => median(timeRuns(run, spanCount, iterations));
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
const toModel = (decoded: Span[]) => assembleModel(traceId, decoded);

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
