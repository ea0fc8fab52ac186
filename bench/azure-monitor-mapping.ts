/**
 * The Azure Monitor adapter's own cost for one 1,000-span trace: a Log Analytics query answer (the
 * `{tables: [{columns, rows}]}` JSON of the trace's AppRequests, AppDependencies, AppTraces and
 * AppExceptions rows) parsed, its datetime and dynamic cells converted as the query client does,
 * rows keyed by column, mapped to model spans with their events, sorted and summarized; against the
 * Zipkin adapter mapping the same SDK spans in the same process (printed as a ratio, so a busy
 * machine moves both). The rows are what Azure's own exporter sent to the test stand-in, read back
 * with the adapter's own query; server time is not measured. Target: < 20 ms.
 *
 *   node --import tsx bench/azure-monitor-mapping.ts [spans] [iterations]
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
import { MAX_TRACE_ROWS } from '../src/backends/azure-monitor/azure-monitor-backend.js';
import { traceRowsQuery } from '../src/backends/azure-monitor/kql-queries.js';
import { spansFromRows, type TelemetryRow } from '../src/backends/azure-monitor/telemetry-mapping.js';
import { WORKSPACE_SCHEMA } from '../src/backends/azure-monitor/telemetry-schema.js';
import { summarizeTrace, traceFromSpans } from '../src/backends/trace-assembly.js';
import { spansFromZipkin } from '../src/backends/zipkin/zipkin-mapping.js';
import type { ZipkinSpan } from '../src/backends/zipkin/zipkin-span.js';
import type { Span } from '../src/model/index.js';
import {
  exportWithAzureExporter,
  startAzureMonitorStandIn,
} from '../test/backends/support/azure-monitor-stand-in.js';
import { runKql, type ResultTable } from '../test/backends/support/kql-stand-in.js';
import { toZipkinSpan } from '../test/backends/support/zipkin-export.js';

const spanCount = Number(process.argv[2] ?? 1000);
const iterations = Number(process.argv[3] ?? 60);
const WARMUP = 10;

/** Five services, each span's parent a few spans back; HTTP, db and in-process spans, some failing. */
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
    serviceOf.push(i % 5 === 0 ? (serviceOf[parentIndex]! + 1) % tracers.length : serviceOf[parentIndex]!);
    const tracer = tracers[serviceOf[i]!]!;
    const span = tracer.startSpan(
      i % 3 === 0 ? 'SELECT orders' : `op-${i % 17}`,
      {
        kind: i % 5 === 0 ? SpanKind.SERVER : i % 3 === 0 ? SpanKind.CLIENT : SpanKind.INTERNAL,
        startTime: start + i,
        attributes: {
          ...(i % 3 === 0
            ? { 'db.system': 'postgresql', 'db.statement': `SELECT * FROM orders WHERE id = $${i % 9}` }
            : {}),
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

/** What @azure/monitor-query-logs does to a table before the adapter sees it (convertTable). */
function asQueryClientRows(table: ResultTable): TelemetryRow[] {
  const names = table.columns.map((column) => column.name);
  const dates = table.columns.flatMap((column, i) => (column.type === 'datetime' ? [i] : []));
  const dynamics = table.columns.flatMap((column, i) => (column.type === 'dynamic' ? [i] : []));
  return table.rows.map((original) => {
    const cells = [...original];
    for (const i of dates) if (typeof cells[i] === 'string') cells[i] = new Date(cells[i] as string);
    for (const i of dynamics) if (typeof cells[i] === 'string') cells[i] = JSON.parse(cells[i] as string);
    const row: TelemetryRow = {};
    names.forEach((name, i) => (row[name] = cells[i]));
    return row;
  });
}

const { traceId, spans } = buildTrace(spanCount);
const standIn = await startAzureMonitorStandIn();
await exportWithAzureExporter(standIn.connectionString, spans);
const answer = runKql(traceRowsQuery(WORKSPACE_SCHEMA, [traceId], MAX_TRACE_ROWS), standIn.tables, undefined);
await standIn.close();
const azureBody = JSON.stringify({ tables: [answer] });
const zipkinBody = JSON.stringify(spans.map(toZipkinSpan));
const toModel = (decoded: Span[]) => {
  const model = traceFromSpans(traceId, decoded);
  if (model) summarizeTrace(model);
  return model?.spans ?? [];
};

const azure = measure(() => {
  const parsed = JSON.parse(azureBody) as { tables: ResultTable[] };
  return toModel(spansFromRows(asQueryClientRows(parsed.tables[0]!), WORKSPACE_SCHEMA));
});
const zipkin = measure(() => toModel(spansFromZipkin(JSON.parse(zipkinBody) as ZipkinSpan[])));

console.log(
  `azure monitor adapter mapping, one ${spanCount}-span trace in ${answer.rows.length} rows (${(azureBody.length / 1024).toFixed(0)} KiB), ${iterations} iterations (load ${loadavg()[0]!.toFixed(1)}), target < 20 ms`,
);
console.log(`azure monitor (query JSON)   median ${azure.toFixed(2)} ms`);
console.log(`zipkin v2 (JSON), same trace median ${zipkin.toFixed(2)} ms`);
console.log(`ratio azure / zipkin         ${(azure / zipkin).toFixed(2)}×`);
