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
import { MAX_TRACE_ROWS } from '../src/backends/azure-monitor/azure-monitor-backend.js';
import { traceRowsQuery } from '../src/backends/azure-monitor/kql-queries.js';
import { spansFromRows, type TelemetryRow } from '../src/backends/azure-monitor/telemetry-mapping.js';
import { WORKSPACE_SCHEMA } from '../src/backends/azure-monitor/telemetry-schema.js';
import { spansFromZipkin } from '../src/backends/zipkin/zipkin-mapping.js';
import type { ZipkinSpan } from '../src/backends/zipkin/zipkin-span.js';
import type { Span } from '../src/model/index.js';
import {
  exportWithAzureExporter,
  startAzureMonitorStandIn,
} from '../test/backends/support/azure-monitor-stand-in.js';
import { runKql, type ResultTable } from '../test/backends/support/kql-stand-in.js';
import { toZipkinSpan } from '../test/backends/support/zipkin-export.js';
import { assembleModel, buildBenchTrace, median, timeRuns } from './support/mapping-bench.js';

const spanCount = Number(process.argv[2] ?? 1000);
const iterations = Number(process.argv[3] ?? 60);

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

// HTTP, database and in-process spans, some failing with exceptions (AppExceptions rows).
const { traceId, spans } = buildBenchTrace(spanCount, {
  services: 'nested',
  errors: 'exception',
  attributes: (i, count) => ({
    ...(i % 3 === 0
      ? { 'db.system': 'postgresql', 'db.statement': `SELECT * FROM orders WHERE id = $${i % 9}` }
      : {}),
    'app.index': i,
    'app.ratio': i / count,
    'app.cached': i % 2 === 0,
  }),
});
const measure = (run: () => Span[]) => median(timeRuns(run, spanCount, iterations));
const standIn = await startAzureMonitorStandIn();
await exportWithAzureExporter(standIn.connectionString, spans);
const answer = runKql(traceRowsQuery(WORKSPACE_SCHEMA, [traceId], MAX_TRACE_ROWS), standIn.tables, undefined);
await standIn.close();
const azureBody = JSON.stringify({ tables: [answer] });
const zipkinBody = JSON.stringify(spans.map(toZipkinSpan));
const toModel = (decoded: Span[]) => assembleModel(traceId, decoded);

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
