/**
 * Where a fresh `otel-mcp serve` spends its CPU while it ingests, per thread: the main thread
 * (receiving, decoding, encoding, handing over), the writer thread (SQLite, postings, rollups, body
 * log), and the rest (V8's GC and compiler threads, libuv's pool), as µs of CPU a span, with spans/s.
 * The load is ingest-vs-jaeger.ts's: real-SDK batches of 512 spans (sdk-checkout-batch.ts), fresh
 * trace ids per batch, 4 posts in flight.
 *
 * Spans/s moves ±20% between runs of one build on a shared 2-core machine, which hides a change of a
 * few percent; CPU a span moves less. With a baseline CLI (another checkout's dist/cli/main.js) each
 * pair runs both builds one after the other, alternating which goes first, and the summary gives the
 * median of the per-pair ratios.
 *
 *   node --import tsx bench/ingest-cpu.ts [pairs, default 8] [batches, default 400] [in flight, default 4] [baseline CLI]
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { freshBatch, templateBatch } from './fresh-batches.js';
import { BATCH_SPANS } from './sdk-checkout-batch.js';
import { sendBatches, spawnServe, spread, startServer, threadCpuSeconds } from './support/ingest-load.js';

const PAIRS = Number(process.argv[2] ?? 8);
const BATCHES = Number(process.argv[3] ?? 400);
const IN_FLIGHT = Number(process.argv[4] ?? 4);
const WARM_UP_BATCHES = 8;
const CLI = resolve('dist/cli/main.js');
const BASELINE_CLI = process.argv[5] === undefined ? undefined : resolve(process.argv[5]);

interface Run {
  spansPerSecond: number;
  /** µs of CPU a span. */
  main: number;
  writer: number;
  others: number;
  total: number;
}

async function measure(cli: string, bodies: Buffer[], warmUp: Buffer[]): Promise<Run> {
  const server = await startServer('cpu', (port, dir) => spawnServe(cli, port, dir));
  try {
    await sendBatches(server.port, warmUp, IN_FLIGHT);
    const pid = server.process.pid!;
    const before = threadCpuSeconds(pid);
    const started = performance.now();
    await sendBatches(server.port, bodies, IN_FLIGHT);
    const seconds = (performance.now() - started) / 1000;
    const used = [...threadCpuSeconds(pid)].map(([tid, cpu]) => ({ tid, cpu: cpu - (before.get(tid) ?? 0) }));
    const spans = bodies.length * BATCH_SPANS;
    const perSpan = (cpu: number) => (cpu * 1e6) / spans;
    const main = used.find((thread) => thread.tid === pid)?.cpu ?? 0;
    // Worker threads are not named apart from V8's: the writer is the busiest thread after the main one.
    const writer = Math.max(0, ...used.filter((thread) => thread.tid !== pid).map((thread) => thread.cpu));
    const total = used.reduce((sum, thread) => sum + thread.cpu, 0);
    return {
      spansPerSecond: spans / seconds,
      main: perSpan(main),
      writer: perSpan(writer),
      others: perSpan(total - main - writer),
      total: perSpan(total),
    };
  } finally {
    await server.stop();
  }
}

const line = (run: Run) =>
  `${Math.round(run.spansPerSecond).toLocaleString('en-US').padStart(8)} spans/s   µs a span: main ${run.main.toFixed(2)}, writer ${run.writer.toFixed(2)}, others ${run.others.toFixed(2)}, total ${run.total.toFixed(2)}`;

for (const cli of [CLI, BASELINE_CLI]) {
  if (cli !== undefined && !existsSync(cli)) throw new Error(`${cli} is missing: build that checkout first`);
}
const template = await templateBatch();
const builds = BASELINE_CLI ? { current: CLI, baseline: BASELINE_CLI } : { current: CLI };
const runs: Record<string, Run[]> = { current: [], baseline: [] };
console.log(
  `${BATCHES} batches × ${BATCH_SPANS} spans, ${IN_FLIGHT} in flight, ${PAIRS} ${BASELINE_CLI ? 'pairs' : 'runs'}`,
);
for (let pair = 0; pair < PAIRS; pair += 1) {
  const names = Object.keys(builds) as (keyof typeof builds)[];
  // Alternate which build goes first, so neither always meets the machine as the other left it.
  if (pair % 2 === 1) names.reverse();
  for (const name of names) {
    const warmUp = Array.from({ length: WARM_UP_BATCHES }, () => freshBatch(template, -10_000_000_000n));
    const bodies = Array.from({ length: BATCHES }, (_, index) =>
      freshBatch(template, -BigInt(BATCHES - index) * 10_000_000n),
    );
    const run = await measure(builds[name]!, bodies, warmUp);
    runs[name]!.push(run);
    console.log(`  ${String(pair + 1).padStart(2)} ${name.padEnd(8)} ${line(run)}`);
  }
}
const PARTS = ['main', 'writer', 'others', 'total'] as const;
const rateOf = (run: Run) => run.spansPerSecond;

/** Each figure of the runs (or of the pairs' ratios) as median (min–max). */
function summary(values: (pick: (run: Run) => number) => number[], digits: number, rateDigits: number) {
  const parts = PARTS.map((part) => {
    const ofPart = (run: Run) => run[part];
    return `${part} ${spread(values(ofPart), digits)}`;
  });
  return `spans/s ${spread(values(rateOf), rateDigits)}; CPU a span: ${parts.join(', ')}`;
}

console.log('summary, median (min–max); CPU in µs a span:');
for (const [name, list] of Object.entries(runs).filter(([, list]) => list.length > 0))
  console.log(`  ${name.padEnd(8)} ${summary((pick) => list.map(pick), 2, 0)}`);
if (BASELINE_CLI) {
  // Ratios inside each pair: both builds met the same moment of the machine.
  const ratios = (pick: (run: Run) => number) =>
    runs.current!.map((run, index) => pick(run) / pick(runs.baseline![index]!));
  console.log(`  current / baseline, per pair: ${summary(ratios, 3, 3)}`);
}
