/**
 * Query latency of the embedded store at 1,000,000 spans: builds the store in a temp dir from
 * realistic traces (store-span-factory.ts, ~50,000 traces plus one of 1,000 spans), then prints the
 * median and p95 of getTrace on the 1,000-span trace and of findTraces with service, attribute and
 * duration filters, with the plan each search took, and the RSS while ingesting and querying.
 *
 *   node --import tsx bench/store-queries.ts [spans, default 1000000] [--keep DIR]
 *
 * With --keep DIR the store is built in DIR once and reused by later runs (delete DIR to rebuild).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TraceQuery } from '../src/model/index.js';
import { openTraceStore, type TraceStore } from '../src/store/index.js';
import { SpanFactory } from './store-span-factory.js';

const BATCH = 512;
const RUNS = 30;
const args = process.argv.slice(2);
const keepAt = args.indexOf('--keep');
const keepDir = keepAt >= 0 ? args[keepAt + 1] : undefined;
const total = Number(
  args.find((arg, index) => /^\d+$/.test(arg) && (keepAt < 0 || index !== keepAt + 1)) ?? 1_000_000,
);
const BIG_TRACE_ID = 'b16'.padEnd(32, '0');
const BIG_TRACE_SPANS = 1_000;

const dataDir = keepDir ?? mkdtempSync(join(tmpdir(), 'otel-mcp-queries-'));
const reuse = keepDir !== undefined && existsSync(join(keepDir, 'otel-mcp.sqlite'));
const open = (): TraceStore =>
  openTraceStore({
    dataDir,
    retention: { maxSpans: 100_000_000, maxAgeMs: Number.POSITIVE_INFINITY },
    log: (line) => console.error(line),
  });

console.log(
  `load average ${loadavg()
    .map((load) => load.toFixed(1))
    .join(' ')} on ${cpus().length} cores`,
);
let store = open();
if (!reuse) build(store);
// Queries run on a fresh connection: nothing of the build is left in its page cache.
store.close();
store = open();
query(store);
store.close();
if (!keepDir) rmSync(dataDir, { recursive: true, force: true });

function build(target: TraceStore): void {
  const factory = new SpanFactory({ seed: 11 });
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  let written = 0;
  let nextReport = 100_000;
  let peakRss = 0;
  while (written < total) {
    const batch = factory.batch(BATCH);
    if (written <= total / 2 && written + batch.length > total / 2) {
      // Halfway: the 1,000-span trace, in batches like any other.
      const big = factory.trace(BIG_TRACE_SPANS).map((span) => ({ ...span, traceId: BIG_TRACE_ID }));
      for (let index = 0; index < big.length; index += BATCH)
        target.writeSpans(big.slice(index, index + BATCH));
      written += big.length;
    }
    target.writeSpans(batch);
    written += batch.length;
    if (written >= nextReport) {
      const rss = process.memoryUsage().rss;
      peakRss = Math.max(peakRss, rss);
      const seconds = (performance.now() - started) / 1000;
      console.log(
        `  ingested ${written.toLocaleString('en-US')} spans in ${seconds.toFixed(0)} s (${Math.round(written / seconds).toLocaleString('en-US')} spans/s), rss ${mb(rss)}`,
      );
      nextReport += 100_000;
    }
  }
  const used = process.cpuUsage(cpuStart);
  const seconds = (performance.now() - started) / 1000;
  const stats = target.stats();
  console.log(
    `built ${stats.spanCount.toLocaleString('en-US')} spans, ${stats.traceCount.toLocaleString('en-US')} traces in ${seconds.toFixed(0)} s ` +
      `(${Math.round(written / seconds).toLocaleString('en-US')} spans/s wall, ${Math.round(written / ((used.user + used.system) / 1e6)).toLocaleString('en-US')} spans/s CPU), ` +
      `${mb(stats.sizeBytes)} on disk, peak rss ${mb(peakRss)}`,
  );
}

function query(target: TraceStore): void {
  const stats = target.stats();
  const newest = target.findTraces({ limit: 1 })[0]?.startTimeUnixNano ?? 0n;
  console.log(
    `querying ${stats.spanCount.toLocaleString('en-US')} spans (${mb(stats.sizeBytes)} on disk), ${RUNS} runs each, limit 20`,
  );
  measure(`getTrace (${BIG_TRACE_SPANS} spans)`, () => target.getTrace(BIG_TRACE_ID)?.spans.length ?? 0);
  const searches: [string, Omit<TraceQuery, 'limit'>][] = [
    ['recent traces, no filter', {}],
    ['service', { serviceName: 'payment' }],
    [
      'service + attribute (common: status 500)',
      { serviceName: 'payment', attributes: [{ key: 'http.response.status_code', value: 500 }] },
    ],
    [
      'service + attribute (rare: one user)',
      { serviceName: 'checkout', attributes: [{ key: 'user.id', value: 'user-42' }] },
    ],
    [
      'attribute, unique value (a request id)',
      { attributes: [{ key: 'request.id', value: 'ffffffffffffffff' }] },
    ],
    [
      'service + two attributes',
      {
        serviceName: 'frontend',
        attributes: [
          { key: 'http.request.method', value: 'POST' },
          { key: 'http.route', value: '/api/v1/resource-7/{id}' },
        ],
      },
    ],
    ['attribute presence', { attributes: [{ key: 'db.statement' }] }],
    ['resource attribute', { attributes: [{ key: 'service.version', value: '1.4.2' }] }],
    ['duration ≥ 250 ms', { minDurationMs: 250 }],
    ['service + duration ≥ 295 ms (rare)', { serviceName: 'inventory', minDurationMs: 295 }],
    ['duration 1–2 ms', { minDurationMs: 1, maxDurationMs: 2 }],
    ['status error', { status: 'error' }],
    [
      'service + status error, last 10 min',
      {
        serviceName: 'shipping',
        status: 'error',
        window: { startUnixNano: newest - 600_000_000_000n, endUnixNano: newest },
      },
    ],
  ];
  for (const [name, search] of searches) {
    measure(
      `findTraces: ${name}`,
      () => target.findTraces({ limit: 20, ...search }).length,
      () => {
        const plan = target.lastSearchPlan();
        return `${plan.strategy}${plan.driver ? ` by ${plan.driver}` : ''}${plan.estimate !== undefined ? ` (${plan.estimate} candidates)` : ''}`;
      },
    );
  }
  console.log(`rss after queries ${mb(process.memoryUsage().rss)}`);
}

function measure(name: string, run: () => number, describe?: () => string): void {
  const times: number[] = [];
  let results = 0;
  let first = 0;
  for (let index = 0; index < RUNS; index += 1) {
    const started = performance.now();
    results = run();
    const elapsed = performance.now() - started;
    if (index === 0) first = elapsed;
    times.push(elapsed);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)] as number;
  const p95 = times[Math.min(times.length - 1, Math.floor(times.length * 0.95))] as number;
  console.log(
    `  ${name.padEnd(52)} median ${median.toFixed(2).padStart(7)} ms  p95 ${p95.toFixed(2).padStart(7)} ms  first ${first.toFixed(1).padStart(6)} ms  → ${results}${describe ? `  [${describe()}]` : ''}`,
  );
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MB`;
}
