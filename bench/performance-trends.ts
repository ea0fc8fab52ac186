/**
 * analyze_performance_trends on the embedded store: writes 1,000,000 spans of one service (20
 * operations, 10-span traces spread evenly over the last 7 days; one operation slows down from day
 * 5, one starts failing) plus 100,000 spans of a second service, then times, for the service and 7
 * days, the rollup query plus the pure trend reading from minute rows only and with the hourly level
 * (and the rollup rows each reads, which no machine changes), and the whole MCP tool handler (median
 * of 7 runs each), with the answer's size against the default budget. Also prints ingest throughput
 * with rollups, and what the rollup step itself costs per batch with minute rows only and with the
 * hourly level too (measured apart, same batches, same process, interleaved).
 *
 *   node --import tsx bench/performance-trends.ts [spans of the service, default 1000000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { chooseBucketMs, readTrends } from '../src/analysis/index.js';
import { createEmbeddedBackend } from '../src/backends/embedded/embedded-backend.js';
import { createBackendSelection } from '../src/mcp/backend-selection.js';
import { budgetFromTokens } from '../src/mcp/output-budget.js';
import { answerToolCall } from '../src/mcp/response/answer-tool-call.js';
import type { ToolDeps } from '../src/mcp/tool-deps.js';
import { analyzePerformanceTrendsTool } from '../src/mcp/tools/advanced/analyze-performance-trends.js';
import type { Resource, Span } from '../src/model/index.js';
import { migrateHourlyRollups } from '../src/store/schema/hourly-rollup-schema.js';
import { planRollupRead } from '../src/store/rollups/rollup-read-plan.js';
import { RollupReader, type RollupLevel } from '../src/store/rollups/rollup-reader.js';
import { migrateOperationRollups } from '../src/store/schema/rollup-schema.js';
import { RollupBatch, RollupWriter } from '../src/store/rollups/rollup-writer.js';
import { openTraceStore } from '../src/store/index.js';
import { random } from './store-span-factory.js';

const total = Number(process.argv[2] ?? 1_000_000);
const BATCH = 512;
const TRACE_SPANS = 10;
const OPERATIONS = Array.from({ length: 20 }, (_, index) =>
  index === 0 ? 'GET /orders' : index === 1 ? 'POST /pay' : `op-${index}`,
);
const RUNS = 7;
const DAY = 86_400_000;
const nowMs = Math.floor(Date.now() / 60_000) * 60_000;
const startMs = nowMs - 7 * DAY;

const load = () =>
  loadavg()
    .map((value) => value.toFixed(1))
    .join(' ');
console.log(`load average ${load()} on ${cpus().length} cores`);

const resourceOf = (service: string): Resource => ({
  attributes: { 'service.name': service, 'service.version': '1.0.0' },
  droppedAttributesCount: 0,
});
const scope = { name: 'bench', attributes: {}, droppedAttributesCount: 0 };
const next = random(3);
const hex = (digits: number): string => {
  let out = '';
  while (out.length < digits)
    out += Math.floor(next() * 0x100000000)
      .toString(16)
      .padStart(8, '0');
  return out.slice(0, digits);
};

/** Traces of `service`, evenly over the 7 days; span i of a trace is operation (trace + i) mod 20. */
function* batches(service: string, spans: number): Generator<Span[]> {
  const resource = resourceOf(service);
  const traces = Math.ceil(spans / TRACE_SPANS);
  const gapNs = BigInt(Math.floor(((7 * DAY) / traces) * 1e6));
  let batch: Span[] = [];
  for (let trace = 0; trace < traces; trace += 1) {
    const traceId = hex(32);
    const traceStart = BigInt(startMs) * 1_000_000n + BigInt(trace) * gapNs;
    const day = (trace / traces) * 7;
    let parent: string | undefined;
    for (let index = 0; index < TRACE_SPANS; index += 1) {
      const operation = OPERATIONS[(trace + index) % OPERATIONS.length] as string;
      const level = operation === 'GET /orders' && day >= 5 ? 180 : 100;
      const durationNs = BigInt(Math.floor(level * (0.7 + next() * 0.6) * 1e6));
      const failing = operation === 'POST /pay' && day >= 5 ? next() < 0.15 : next() < 0.01;
      const spanId = hex(16);
      const start = traceStart + BigInt(index * 1000);
      batch.push({
        traceId,
        spanId,
        ...(parent ? { parentSpanId: parent } : {}),
        name: operation,
        kind: index === 0 ? 'server' : 'internal',
        serviceName: service,
        startTimeUnixNano: start,
        endTimeUnixNano: start + durationNs,
        status: { code: failing ? 'error' : 'ok' },
        attributes: { 'http.route': operation },
        droppedAttributesCount: 0,
        events: [],
        droppedEventsCount: 0,
        links: [],
        droppedLinksCount: 0,
        resource,
        scope,
      });
      parent ??= spanId;
      if (batch.length === BATCH) {
        yield batch;
        batch = [];
      }
    }
  }
  if (batch.length > 0) yield batch;
}

const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

const dataDir = mkdtempSync(join(tmpdir(), 'otel-mcp-trends-'));
try {
  const store = openTraceStore({
    dataDir,
    retention: { maxSpans: 100_000_000, maxAgeMs: Number.POSITIVE_INFINITY },
    log: (line) => console.error(line),
  });

  // Ingest, and the rollup step alone on the same batches (scratch databases with just the rollup
  // tables): minute rows only, as before migration 6, and minute plus hourly rows, as ingest now does.
  const scratch = (withHours: boolean) => {
    const db = new Database(':memory:');
    db.exec(
      'CREATE TABLE spans (id INTEGER PRIMARY KEY, operation_id, start_ns, end_ns, status_code); CREATE TABLE operations (id INTEGER PRIMARY KEY)',
    );
    migrateOperationRollups(db);
    migrateHourlyRollups(db);
    return { db, writer: new RollupWriter(db, withHours) };
  };
  const minuteScratch = scratch(false);
  const bothScratch = scratch(true);
  const writeMs: number[] = [];
  const rollupMs: number[] = [];
  const bothMs: number[] = [];
  let batchNumber = 0;
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  let written = 0;
  for (const [service, spans] of [
    ['shop', total],
    ['other', total / 10],
  ] as const) {
    for (const batch of batches(service, spans)) {
      let started = performance.now();
      store.writeSpans(batch);
      writeMs.push(performance.now() - started);
      written += batch.length;
      // Alternate which level goes first, so neither always finds the caches warmer.
      batchNumber += 1;
      for (const target of batchNumber % 2 === 0
        ? [minuteScratch, bothScratch]
        : [bothScratch, minuteScratch]) {
        started = performance.now();
        const rollups = new RollupBatch();
        for (const span of batch)
          rollups.add(
            OPERATIONS.indexOf(span.name) + (service === 'shop' ? 0 : 100),
            span.startTimeUnixNano,
            span.endTimeUnixNano,
            span.status.code === 'error' ? 2 : 1,
          );
        target.db.transaction(() => target.writer.write(rollups))();
        (target === bothScratch ? bothMs : rollupMs).push(performance.now() - started);
      }
    }
  }
  const wallS = (performance.now() - wallStart) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const ingestRate = Math.round(written / wallS);
  console.log(
    `ingest: ${written.toLocaleString('en-US')} spans in ${wallS.toFixed(1)} s wall (incl. the separate rollup measurement), ` +
      `median batch of ${BATCH}: ${median(writeMs).toFixed(2)} ms = ${Math.round(BATCH / (median(writeMs) / 1000)).toLocaleString('en-US')} spans/s; ` +
      `CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s; overall ${ingestRate.toLocaleString('en-US')} spans/s`,
  );
  console.log(
    `rollup step alone (RollupBatch + RollupWriter.write, per batch): minute rows only median ${median(rollupMs).toFixed(3)} ms = ` +
      `${((median(rollupMs) / median(writeMs)) * 100).toFixed(1)}% of the median writeSpans batch; with hourly rows too ${median(bothMs).toFixed(3)} ms = ` +
      `${((median(bothMs) / median(writeMs)) * 100).toFixed(1)}% (+${(((median(bothMs) - median(rollupMs)) / median(writeMs)) * 100).toFixed(1)}% of a batch for the hourly level)`,
  );
  const db = store.connection();
  const count = (table: string) =>
    (db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number).toLocaleString('en-US');
  console.log(
    `rollup rows: ${count('operation_rollups')} by minute, ${count('operation_hourly_rollups')} by hour (${store.stats().spanCount.toLocaleString('en-US')} spans stored)`,
  );

  // Rollup rows a read of the service takes, by the reader's own plan: machine-independent.
  const rowsIn = (table: string, key: string, [from, to]: readonly [number, number]) =>
    db
      .prepare(
        `SELECT count(*) FROM ${table} r JOIN operations o ON o.id = r.operation_id WHERE o.service = 'shop' AND ${key} >= ? AND ${key} < ?`,
      )
      .pluck()
      .get(from, to) as number;
  const rowsRead = (bucketMinutes: number, level: RollupLevel): number => {
    const [from, to] = [Math.floor(startMs / 60_000), Math.ceil(nowMs / 60_000)];
    if (level === 'minute') return rowsIn('operation_rollups', 'minute', [from, to]);
    const plan = planRollupRead(from, to, bucketMinutes);
    const edges =
      rowsIn('operation_rollups', 'minute', plan.head) + rowsIn('operation_rollups', 'minute', plan.tail);
    return edges + (plan.hours ? rowsIn('operation_hourly_rollups', 'hour', plan.hours) : 0);
  };

  // The query and the pure reading, for the service and 7 days in 6-hour buckets (and in 1-hour ones),
  // from minute rows only and with the hourly level, alternating run by run.
  const reader = new RollupReader(db);
  for (const bucketMs of [chooseBucketMs(7 * DAY), 3_600_000]) {
    const times: Record<RollupLevel, number[]> = { minute: [], auto: [] };
    let operations = 0;
    for (let run = 0; run < RUNS; run += 1) {
      for (const level of run % 2 === 0 ? (['minute', 'auto'] as const) : (['auto', 'minute'] as const)) {
        const started = performance.now();
        const rows = reader.read(
          { serviceName: 'shop', startMs, endMs: nowMs, bucketMinutes: bucketMs / 60_000 },
          level,
        );
        operations = readTrends(rows, { startMs, endMs: nowMs, bucketMs }).length;
        times[level].push(performance.now() - started);
      }
    }
    const line = (level: RollupLevel) =>
      `median ${median(times[level]).toFixed(1)} ms (min ${Math.min(...times[level]).toFixed(1)}, max ${Math.max(...times[level]).toFixed(1)}), ${rowsRead(bucketMs / 60_000, level).toLocaleString('en-US')} rollup rows read`;
    console.log(
      `query + trend reading, 7 days in ${bucketMs / 3_600_000} h buckets, ${operations} operations:`,
    );
    console.log(`  minute rows only: ${line('minute')}`);
    console.log(
      `  hourly level:     ${line('auto')}; ${(median(times.minute) / median(times.auto)).toFixed(1)}× faster`,
    );
  }

  // The whole tool handler, as an MCP call runs it (minus the transport).
  const deps = {
    now: () => new Date(nowMs),
    backends: createBackendSelection([createEmbeddedBackend(store)]),
  } as Partial<ToolDeps> as ToolDeps;
  const budget = budgetFromTokens(8000);
  const times: number[] = [];
  let answer: Awaited<ReturnType<typeof answerToolCall>> | undefined;
  for (let run = 0; run < RUNS; run += 1) {
    const started = performance.now();
    answer = await answerToolCall(
      analyzePerformanceTrendsTool,
      { service_name: 'shop', time_period: '7d' },
      { deps, budget },
    );
    times.push(performance.now() - started);
  }
  const out = answer!.structured as any; // eslint-disable-line @typescript-eslint/no-explicit-any
  console.log(
    `tool handler (hourly level), 7 days: median ${median(times).toFixed(1)} ms (min ${Math.min(...times).toFixed(1)}, max ${Math.max(...times).toFixed(1)})`,
  );
  console.log(
    `answer: ${JSON.stringify(out).length} chars structured + ${answer!.text.length} text (budget ${budget.chars} chars); ${out.operations.length}/${out.operations_total} operations, ` +
      `${out.buckets.length} bucket rows, cut for size ${JSON.stringify(out.truncated ?? {})}`,
  );
  console.log(answer!.text.split('\n').slice(0, 4).join('\n'));
  console.log(`load average ${load()}`);
  minuteScratch.db.close();
  bothScratch.db.close();
  store.close();
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
