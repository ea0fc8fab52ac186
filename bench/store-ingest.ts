/**
 * Write throughput of the embedded store: realistic spans (~10 attributes, 1 event, 5 services) in
 * batches of 512, one writeSpans call (one transaction) per batch, into a fresh data dir.
 *
 * Prints, per fifth of the run (index inserts get dearer as the store grows), spans/s from the
 * median batch time, by wall clock and by this process's CPU time, and the overall mean. The
 * median is the figure to read on a shared machine: a batch that lost the CPU to another process
 * shows up in the mean and p95, not in the median.
 *
 *   node --import tsx bench/store-ingest.ts [total spans, default 300000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTraceStore, type Durability } from '../src/store/index.js';
import { SpanFactory } from './store-span-factory.js';

const BATCH = 512;
const total = Number(process.argv[2] ?? 300_000);
const SEGMENTS = 5;

function run(durability: Durability, spans: number): void {
  const dir = mkdtempSync(join(tmpdir(), 'otel-mcp-ingest-'));
  const store = openTraceStore({
    dataDir: dir,
    retention: { maxSpans: 100_000_000, maxAgeMs: Number.POSITIVE_INFINITY },
    log: (line) => console.error(line),
    durability,
  });
  const factory = new SpanFactory({ seed: 7 });
  const batches = Math.ceil(spans / BATCH);
  const perSegment = Math.ceil(batches / SEGMENTS);
  const wall: number[] = [];
  const cpu: number[] = [];
  let peakRss = 0;
  console.log(`durability=${durability}: ${batches * BATCH} spans in ${batches} batches of ${BATCH}`);
  for (let index = 1; index <= batches; index += 1) {
    const batch = factory.batch(BATCH);
    const cpuStart = process.cpuUsage();
    const started = performance.now();
    store.writeSpans(batch);
    wall.push(performance.now() - started);
    const used = process.cpuUsage(cpuStart);
    cpu.push((used.user + used.system) / 1000);
    if (index % perSegment === 0 || index === batches) {
      const rss = process.memoryUsage().rss;
      peakRss = Math.max(peakRss, rss);
      const from = Math.floor((index - 1) / perSegment) * perSegment;
      const w = wall.slice(from);
      const c = cpu.slice(from);
      console.log(
        `  up to ${String(index * BATCH).padStart(8)} spans: median batch ${median(w).toFixed(2)} ms wall ` +
          `= ${rate(median(w))} spans/s (CPU ${rate(median(c))}), p95 ${quantile(w, 0.95).toFixed(1)} ms, ` +
          `mean ${rate(mean(w))} spans/s, rss ${mb(rss)}`,
      );
    }
  }
  const stats = store.stats();
  console.log(
    `  whole run: median ${rate(median(wall))} spans/s wall, ${rate(median(cpu))} spans/s CPU; mean ${rate(mean(wall))} spans/s wall; ` +
      `${stats.traceCount} traces, ${mb(stats.sizeBytes)} on disk incl. WAL (${Math.round(stats.sizeBytes / stats.spanCount)} B/span), peak rss ${mb(peakRss)}`,
  );
  store.close();
  rmSync(dir, { recursive: true, force: true });
}

function median(values: number[]): number {
  return quantile(values, 0.5);
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

function mean(values: number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

function rate(batchMs: number): string {
  return Math.round(BATCH / (batchMs / 1000))
    .toLocaleString('en-US')
    .padStart(8);
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MB`;
}

console.log(
  `load average ${(await import('node:os'))
    .loadavg()
    .map((load) => load.toFixed(1))
    .join(' ')} on ${(await import('node:os')).cpus().length} cores`,
);
run('normal', total);
run('full', Math.min(total, 25_600));
