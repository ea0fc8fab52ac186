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
import type { XraySegmentDocument } from '../src/backends/xray/segment-document.js';
import { spansFromSegments } from '../src/backends/xray/segment-mapping.js';
import { toXrayTraceId } from '../src/backends/xray/xray-trace-id.js';
import { spansFromZipkin } from '../src/backends/zipkin/zipkin-mapping.js';
import type { ZipkinSpan } from '../src/backends/zipkin/zipkin-span.js';
import type { Span } from '../src/model/index.js';
import { toXraySegments } from '../test/backends/support/xray-export.js';
import { toZipkinSpan } from '../test/backends/support/zipkin-export.js';
import { assembleModel, buildBenchTrace, median, timeRuns } from './support/mapping-bench.js';

const spanCount = Number(process.argv[2] ?? 1000);
const iterations = Number(process.argv[3] ?? 60);

// Segments nest subsegments and cross services; the failures carry exceptions, as X-Ray records them.
const { traceId, spans } = buildBenchTrace(spanCount, {
  services: 'nested',
  errors: 'exception',
  attributes: (i, count) => ({
    'db.system.name': 'postgresql',
    'db.query.text': `SELECT * FROM orders WHERE id = $${i % 9}`,
    'app.index': i,
    'app.ratio': i / count,
    'app.cached': i % 2 === 0,
  }),
});
const toModel = (decoded: Span[]) => assembleModel(traceId, decoded);
const measure = (run: () => Span[]) => median(timeRuns(run, spanCount, iterations));
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
