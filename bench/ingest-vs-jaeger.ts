/**
 * Issue 20's comparison in one run: the same load — 200 OTLP/HTTP protobuf batches of 512 real-SDK
 * spans (sdk-checkout-batch.ts, fresh trace ids per batch), 4 posts in flight — against the built
 * `otel-mcp serve` (persisted in SQLite), Jaeger v2 with its in-memory store and Jaeger v2 with
 * Badger (persisted), each started fresh per round from the project's own Jaeger build
 * (scripts/backends/install-jaeger.sh). Prints spans/s per server and round, each server's CPU
 * seconds, and otel-mcp's ratio to each Jaeger within the round (the machine's load moves absolute
 * figures between rounds; ratios inside a round share it).
 *
 * Jaeger's OTLP receiver answers once its batch processor has the spans, not once they are stored;
 * otel-mcp answers after its commit. The issue compares them as they are.
 *
 * Where otel-mcp's time went (node --cpu-prof of `serve`, 600 such batches, 2026-12-05, before the
 * group-commit queue): of the busy time, writeSpans ~57% (SQLite statements ~23%, the commit ~14%,
 * JSON encoding of span bodies ~9%, postings ~4%), protobuf decoding ~13%, HTTP ~5%, the rest
 * start-up and GC. Decoding off the main thread alone would lift the ceiling to the writer's
 * ~70k spans/s on this machine; reaching Jaeger's in-memory figure needs a cheaper write as well.
 *
 * With the writer thread (2026-12-06, against main's build as the baseline, 2 cores shared with
 * other work): 0.86–1.03×, 1.00–1.63× and, with one group in flight, 0.73–0.89× of main's spans/s
 * over three runs of three rounds: no throughput gain. Per 4,096 spans, cloning them to the worker
 * costs ~14 ms here and ~25 ms there against ~30 ms decoding and ~80 ms writing, so the worker's
 * deserialise + write is about what decode + write was on one thread. What it buys is the main
 * thread: ingest-pipeline.ts --unpinned at 1 M spans answered get_trace_by_id / search_traces at
 * p95 17.5 / 9.1 ms during ingest (1,819 calls each) against main's 44.8 / 61.1 ms (486 calls), at
 * ~100 MB more resident size (319 against 215 MB). A throughput gain needs the worker to receive
 * something cheaper to clone (encoded rows, or the raw request to decode there) and a cheaper write.
 *
 * Measured again before changing it (2026-12-06, cpu-prof of serve under 400 such batches, and CPU
 * time per span of each step in one thread; 2 cores shared with other work): the writer thread was
 * busy all the time and the main thread about half. Per span: HTTP ~1 µs, protobuf decode ~5.5 µs,
 * structured clone of span objects ~2.2 µs to serialize (main) and ~4.5 µs to rebuild (writer), then
 * the write ~10 µs: the span insert with its four indexes ~4.5 (the three secondary ones ~1.4
 * together), the trace row ~0.5, BEGIN/COMMIT with its WAL writes and checkpoints ~2.6, JSON of span
 * bodies ~2, attribute postings ~1.5, validation ~0.4, rollups and operation counts under 0.1.
 * Decoding in the worker would have moved 5.5 µs onto the busy thread to save 6.7 µs of cloning split
 * across both: no gain. Instead the main thread now checks and encodes each group into columns
 * (encoded-spans.ts: JSON bodies, index entries, resources and operations once per batch; ~4.6 µs a
 * span, 512 spans a turn so MCP calls run between slices) that clone for ~1 + ~1–2 µs, and the writer
 * only stores. Same run, against this branch before the change (3 rounds each): 1.22–1.27× its spans/s
 * on a quiet machine (88,574–89,689 against 70,516–72,494; Jaeger in memory 315,055–328,292, Badger
 * 26,679–27,189: 0.27–0.28× and 3.26–3.36×), 0.98–1.12× at load average ~11 where every thread waits
 * for a core; server CPU per span −16% (ingest-pipeline.ts, 1 M spans: 28.0–28.9 s against 33.8–35.1 s).
 * With index values listed once per batch too, two more runs while the load average fell from 10 to 4:
 * 0.77–1.81× (four of six rounds 1.18–1.24×), 0.16–0.31× Jaeger in memory, 1.39–3.50× Badger; the
 * server's CPU for the 102,400 spans 1.7–2.0 s against 2.0–2.3 s in every round.
 * Queries during ingest-pipeline.ts --unpinned at 1 M spans stayed where they were: get_trace_by_id /
 * search_traces p95 23.3 / 13.4 ms against 21.2 / 12.4 ms, peak resident size 375 against 327 MB.
 * The writer is still the busier thread (SQLite statements ~47% of it, the commit ~20%); Jaeger's
 * in-memory store spends ~5 µs of CPU a span to our ~16, so 0.6× of it needs a cheaper store, not a
 * better split of this one's work between two cores.
 *
 * 8 KiB pages and postings grouped on the decoding thread (2026-12-06, 6 rounds against main's build
 * before them, shared VM): median 76,200 against 68,000 spans/s (single rounds 0.81–1.40×, their
 * median 1.06×), server CPU ~1.9 against ~2.2 s per 102,400 spans; Jaeger in memory median ~235,000
 * here (0.32×). Five more rounds while the VM was slower all round: medians 1.10× main, 0.30× Jaeger
 * in memory, 3.57× Badger.
 * A span's server CPU (~19–21 µs) now goes: HTTP ~1, decode ~4.5, encode ~5.5 (JSON of bodies ~2),
 * cloning to the writer ~0.5, then on the writer the row insert with its four index entries ~5, the
 * commit ~3–4 (WAL checkpoints ~1/5 of the writer's time), postings, trace rows and rollups ~2. The
 * insert and commit of a ~550 B row with four index entries cost ~9 µs in SQLite alone (measured
 * without the rest), more than Jaeger's whole ~7 µs a span, and the machine is CPU-bound (load
 * generator, decoding thread and writer share two cores). Bytes weigh as much as rows: in SQLite
 * alone, one row per span with four index entries cost 4.2 µs with no body and 6.1 µs with 450 B,
 * one row per trace and export (8 spans' bodies) with a slim per-span index row 2.1 and 5.8 µs. So
 * 0.6× needs both fewer rows and fewer bytes a span (attribute keys stored once, not in every
 * span's JSON: ~55% of its bytes here), not faster code around these rows.
 * Tried and dropped: checkpoints on a third thread (the copying costs the same CPU: no gain over
 * three alternating runs), a 128 MiB checkpoint threshold (the same bytes are copied), multi-row
 * INSERTs (~0.2 µs a span), packed strings for the writer (cloning is ~0.5 µs a span in all), 16 KiB
 * pages (no better than 8 KiB at 200,000 spans, and each random trace-id insert dirties twice the bytes).
 *
 * Two experiments against that conclusion (2026-12-07, quiet machine, 400 batches, alternating runs
 * of main's build and a hacked copy; median here 0.29× Jaeger in memory, 3.64× Badger):
 * - span bodies out of SQLite (each batch's JSON appended to a plain file, the row holding `{}`):
 *   write bytes 2,470 → 1,950 a span, spans/s +7–10%;
 * - no index on traces.trace_id at all (known traces kept in a Map): write bytes 2,470 → 1,800 a
 *   span, spans/s −4 to +4%.
 * So bytes are not what limits. The machine is CPU-bound: cpu-prof gives ~14 µs a span busy on the
 * decoding thread (GC 2.4, JSON of bodies 1.7, encodeSpans 1.4, protobuf decode ~2.5, postMessage
 * 0.8) and ~12 µs on the writer (statements 5.9, commit 3.8, postings 0.9), ~20 µs of it CPU by
 * rusage, and the load generator takes the rest of two cores. Whatever thread a µs is saved on, it
 * counts: 0.6× of Jaeger in memory (~7 µs of CPU a span) needs ~11 µs a span in all, so decoding
 * into the writer's columns without span objects, bodies kept as the span's own protobuf bytes
 * instead of JSON, and a row with fewer bound columns, together rather than one of them.
 *
 * Span bodies as OTLP Span messages (2026-12-07; span-body-schema.ts): a span from a protobuf export
 * is stored in the bytes it arrived in, one BLOB bound instead of eleven columns, no JSON of bodies,
 * and the bodies reach the writer in one transferred buffer. Against main's build before it, 8 rounds
 * in two runs: median 1.02× (0.99–1.12) and 1.17× (0.89–1.32) its spans/s, the server's CPU for the
 * 102,400 spans median 2.3 s against 2.7 s (−15%); 0.35× Jaeger in memory (0.32–0.40), 3.40× Badger.
 *
 * Protobuf exports decoded straight into columns (otlp/span-columns.ts; same day): no span, attribute
 * or event objects on the decoding thread. cpu-prof of serve under 400 batches: that thread's busy
 * time ~45% lower, the writer's the same, now busy ~86% of the run (idle 0.5 of 3.5 s): ingest is the
 * writer's. Against the build before it, 4 rounds: median 1.04× (0.96–1.27) its spans/s; 0.38× Jaeger
 * in memory (0.28–0.40), 4.28× Badger. The writer alone (in-process, 400 batches, 1,024 spans a
 * commit): ~11 µs a span, the span row's insert with its four index entries ~6.5, the commit ~2.3;
 * synchronous=OFF made it ~7.5–10.5 (the checkpoints' fsyncs), which power loss could corrupt, so not
 * taken. 0.6× needs a writer near 6 µs a span: fewer rows (a row per trace and export with the
 * spans' bodies, per-bucket postings for operations, durations and resources) rather than faster code.
 *
 * At scale (ingest-pipeline.ts --unpinned, 10 M spans sent, retention keeping 5 M; same day): this
 * stop's build 26,182 spans/s, main's before it 25,982. The new build runs 38–40k up to ~2 M stored
 * spans (main 28–30k), then both fall. With a 256 MiB cache (64 MiB here) the build held 30–35k up
 * to 4.7 M and fell to 21–22k from 5 M on, where retention starts deleting: at steady state
 * retention's per-span deletes (a row with four index entries, postings, trace rows) cost the writer
 * about as much as the inserts. Rows per trace and export, or spans kept in one table per range of
 * buckets that retention drops whole, would cut both.
 *
 * Span rows without an index of their own (2026-12-07; span-field-postings.ts, trace-span-runs-
 * schema.ts): operations, durations and resources in the bucket postings, a trace's spans as runs of
 * ids. The writer alone, in process at 1 M spans: ~6.7 µs of CPU a span against ~9.3. Here, 8 rounds
 * against main's build before it: median 1.04× (0.99–1.15) its spans/s, 0.40× Jaeger in memory
 * (0.36–0.45; Jaeger ~225,000 spans/s that day), 4.45× Badger. With the writer thread's writes
 * skipped (a throwaway build) the same load reached ~165,000 spans/s at ~6.9 µs of server CPU a span
 * against ~90,000 and ~15 µs: the writer still limits, and 0.6× needs it near 5.5 µs a span while the
 * decoding thread and the load generator share the cores. Of its ~8 µs in the server: the commit
 * ~3.3 (its WAL and checkpoint writes; 4 KiB pages wrote ~20% fewer bytes for the same CPU, mmap
 * changed nothing), the statements ~3.0, writing a closed bucket's postings ~0.7. The random
 * trace-id index (traces.trace_id) is ~1 µs of it at 400,000 spans (sequential trace ids wrote 670 B
 * a span less) and grows with the store, since each new trace dirties its own page once the index
 * outgrows a commit's inserts: what ingest-pipeline.ts sees fall from ~53,000 to ~37,000 spans/s
 * between 1 M and 4.5 M stored spans, before retention starts.
 * At scale (ingest-pipeline.ts --unpinned, both builds the same day): 10 M sent, 5 M kept: 36,279
 * against 26,838 spans/s (1.35×), server CPU 350 against 454 s, 739 against 794 B a span; 1 M:
 * 52,399 against 49,206 spans/s, server CPU 25.6 against 29.0 s. Retention now deletes rowid ranges
 * with no index entries to remove.
 *
 * Traces found through their generation (trace-generations-schema.ts, 2026-12-07): no random
 * trace-id index to dirty a page per new trace. At 10 M sent, 5 M kept, in one run against the build
 * before it: 42,964 against 36,407 spans/s, server CPU 322 against 377 s; in process, 1,772 against
 * ~2,670 bytes written a span. Postings split so no row spills to an overflow page (posting-parts.ts):
 * they took 112 B a span on disk, 80 of it in overflow pages two thirds empty, and now ~66; seeks
 * no longer read whole overflowing dividers, so attribute searches at 1 M spans ran 1.4–5× faster
 * (store-queries.ts). Against the last build before this day's changes (502c866), 5 rounds: median
 * 1.10× (1.01–1.11) its spans/s, 0.41× Jaeger in memory (0.33–0.44; Jaeger ~178,000 spans/s and
 * ~8 µs of server CPU a span against otel-mcp's ~18–19), 4.23× Badger. 10 M sent: 46,540 spans/s,
 * 696 B a span. The same micro-benchmark in SQLite alone (8 KiB pages, WAL, 2,048 rows a commit) says
 * where the rest is: a ~560 B span row costs ~3 µs of CPU with its commit, one row per 8 spans with
 * the same bytes ~1.3–2.5, and the cost follows the bytes (rows of 300/600/900 B body: 2.7/3.5/5.9 µs)
 * since each byte is written to the WAL and again by the checkpoint (~40% of that CPU in the
 * kernel's write path). Attribute keys are ~144 of a body's ~480 B. So the next step is fewer bytes a
 * span (keys once per store, not in every body) and fewer rows (a row per trace and export), together.
 *
 * Group commit on the writer's side (merged-writes.ts, 2026-12-07): per-thread scheduler figures of
 * serve under 1,000 batches showed the writer thread idle ~20% of the run and the decoding thread ~50%:
 * with four posts in flight and groups of up to 4,096 spans formed on the decoding thread, answers
 * came in bursts and the writer waited for the next group (gaps p90 ~6 ms; ~30 ms with 16 in flight).
 * Now each SDK batch is handed over as it is decoded (up to 8 writes, two groups' worth of spans) and
 * the writer stores what waits for it in one transaction of up to 4,096 spans. Against the build
 * before it: 1,000 batches, 3 rounds: median 1.25× (1.11–1.28) its spans/s, 0.58× Jaeger in memory
 * (0.54–0.62), 7.99× Badger; 200 batches, 5 rounds: 1.06× (1.01–1.15), 0.43× Jaeger in memory
 * (0.39–0.72), 4.87× Badger. The 200-batch figure is lower because otel-mcp's first ~50 batches run
 * at about half its steady rate: JIT warm-up, which Jaeger's Go code has none of (in process, the
 * writer's first 25 batches took ~14 µs a span with its code cold and ~8 with it already optimized;
 * --min-semi-space-size=16 changed nothing). Tried and dropped on the way:
 * more groups in flight without merging (1.0–1.1×, within noise), a separate checkpoint thread
 * (+2%: it spent ~1 s of CPU to save the writer ~0.1 s), 16–64 KiB pages (no gain), 1,024-span
 * transactions (slower at 4 in flight). Still to gain: the writer's ~6.7 µs a span is the span row
 * (rows, not bytes: cutting 211 B off every body wrote 26% fewer bytes for ~5% less CPU, a row per
 * trace and export ~22% less CPU in a throwaway build).
 *
 * Cheaper encoding and row inserts (2026-12-07, later): the encoder copied every body through a
 * view of its own and built a key string a span to find its operation; bodies lying one after the
 * other are now copied as one region, operations are looked up by service, kind and name, and the
 * columns decoder gives the spans of a trace one trace-id string. Decode and encode together: ~3.5
 * against ~4.0 µs a span in process. On the writer, span rows go to SQLite 32 to a statement (SQLite
 * alone: ~2.4 against ~2.8 µs a row with its commit; the writer in process ~5.9 against ~6.25 µs a
 * span). Against d99383b: 200 batches, 5 rounds: median 1.04× (0.95–1.14) its spans/s, 0.46× Jaeger
 * in memory (0.41–0.49), 5.22× Badger; 1,000 batches, 3 rounds: 1.09× (1.01–1.09), 0.55× Jaeger in
 * memory (0.54–0.57; Jaeger ran at ~243,000 spans/s), 8.20× Badger. Measured and not done: a row per
 * trace and export. In SQLite alone with the same bytes, rows of 2–4 spans cost ~3.1–3.3 µs a span
 * against ~3.6 for a row each, and rows of 8 spans ~4.1–4.5 (a 3.8 KB row leaves half of an 8 KiB
 * page empty); a slim row a span with the bodies in such rows ~3.9–4.2. At best ~12% of SQLite's
 * share, far from the ~22% the throwaway build suggested, for a change to every reader of `spans`.
 * The V8 helper threads' ~0.5 s of CPU in a 1,000-batch run is mostly TurboFan compiling (warm-up),
 * not GC: --single-threaded-gc, --no-parallel-scavenge and --v8-pool-size=1 changed nothing
 * measurable, and a run has one mark-compact. Posting rows inserted in key order: no change.
 * Then an attribute's posting group found in two lookups instead of three, a number's index text
 * made once a batch (~0.1 µs a span of decoding). Later runs of this benchmark swung ±20% within
 * minutes as the machine slowed (Jaeger in memory from ~3.9 to ~5.4 s of CPU a round, Badger from
 * ~17,000 to ~11,000 spans/s): in-process A/B runs in alternating order still gave the writer
 * 6.5–7.2 against 7.8–8.8 µs a span. Left: a 32 MiB checkpoint costs ~40 ms of CPU and ~75 ms of
 * wall time (fsync under synchronous=NORMAL), during which the writer stalls and the four posts in
 * flight wait; a checkpoint on another connection never catches up under continuous writes (the
 * WAL then never restarts), which is why the checkpoint thread above gained ~2%.
 *
 *   node --import tsx bench/ingest-vs-jaeger.ts [rounds, default 3] [batches, default 200] [in flight, default 4] [baseline CLI]
 *
 * With a fourth argument, the built CLI of another checkout (its dist/cli/main.js) runs in each round
 * too, as `otel-mcp-baseline`: a before/after of a change under the same load.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../test/support/free-port.js';
import { freshBatch, templateBatch } from './fresh-batches.js';
import { postTraces } from './otlp-http-post.js';
import { BATCH_SPANS } from './sdk-checkout-batch.js';

const ROUNDS = Number(process.argv[2] ?? 3);
const BATCHES = Number(process.argv[3] ?? 200);
const IN_FLIGHT = Number(process.argv[4] ?? 4);
const WARM_UP_BATCHES = 8;
const CLI = resolve('dist/cli/main.js');
const BASELINE_CLI = process.argv[5] === undefined ? undefined : resolve(process.argv[5]);
const PROTOBUF = { 'content-type': 'application/x-protobuf' };

type ServerName = 'otel-mcp' | 'otel-mcp-baseline' | 'jaeger-memory' | 'jaeger-badger';
interface Running {
  port: number;
  process: ChildProcess;
  stop(): Promise<void>;
}

function jaegerBinary(): string {
  const script = `source "${resolve('scripts/backends/lib.sh')}"; jaeger_bin`;
  return execFileSync('bash', ['-c', script], { encoding: 'utf8' }).trim();
}

/** The shape of scripts/backends/start-jaeger.sh's config, with Badger in place of memory when asked. */
function jaegerConfig(storage: 'memory' | 'badger', dir: string, ports: number[]): string {
  const [otlpHttp, otlpGrpc, queryHttp, queryGrpc] = ports;
  const backend =
    storage === 'memory'
      ? `memory:\n          max_traces: 100000`
      : `badger:\n          directories:\n            keys: ${dir}/keys\n            values: ${dir}/values\n          ephemeral: false`;
  return `service:
  extensions: [jaeger_storage, jaeger_query]
  pipelines:
    traces:
      receivers: [otlp]
      processors: [batch]
      exporters: [jaeger_storage_exporter]
  telemetry:
    logs:
      level: warn
    metrics:
      level: none
extensions:
  jaeger_query:
    storage:
      traces: store
    http:
      endpoint: 127.0.0.1:${queryHttp}
    grpc:
      endpoint: 127.0.0.1:${queryGrpc}
  jaeger_storage:
    backends:
      store:
        ${backend}
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: 127.0.0.1:${otlpGrpc}
      http:
        endpoint: 127.0.0.1:${otlpHttp}
processors:
  batch:
    timeout: 100ms
exporters:
  jaeger_storage_exporter:
    trace_storage: store
`;
}

async function start(name: ServerName): Promise<Running> {
  const dir = mkdtempSync(join(tmpdir(), `ingest-vs-jaeger-${name}-`));
  const port = await freePort();
  let child: ChildProcess;
  if (name === 'otel-mcp' || name === 'otel-mcp-baseline') {
    child = spawn(
      process.execPath,
      [
        name === 'otel-mcp' ? CLI : BASELINE_CLI!,
        'serve',
        '--data-dir',
        dir,
        '--otlp-http-port',
        String(port),
        '--otlp-grpc-port',
        '0',
      ],
      { stdio: ['pipe', 'ignore', 'ignore'], cwd: dir },
    );
  } else {
    const ports = [port, await freePort(), await freePort(), await freePort()];
    const config = join(dir, 'config.yaml');
    writeFileSync(config, jaegerConfig(name === 'jaeger-memory' ? 'memory' : 'badger', dir, ports));
    child = spawn(jaegerBinary(), ['--config', config], { stdio: ['ignore', 'ignore', 'ignore'] });
  }
  const agent = new Agent();
  for (let attempt = 0; ; attempt += 1) {
    try {
      await postTraces(agent, port, new Uint8Array(), PROTOBUF);
      break;
    } catch (error) {
      if (attempt > 300 || child.exitCode !== null)
        throw new Error(`${name} did not start`, { cause: error });
      await new Promise((done) => setTimeout(done, 100));
    }
  }
  agent.destroy();
  return {
    port,
    process: child,
    async stop() {
      const exited = new Promise((done) => child.once('exit', done));
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** CPU seconds (user + system) a process has used so far. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function send(port: number, bodies: Buffer[]): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
  let next = 0;
  const sender = async () => {
    while (next < bodies.length) await postTraces(agent, port, bodies[next++]!, PROTOBUF);
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, sender));
  agent.destroy();
}

interface Result {
  spansPerSecond: number;
  cpu: number;
}

async function measure(name: ServerName, warmUp: Buffer[], bodies: Buffer[]): Promise<Result> {
  const server = await start(name);
  try {
    await send(server.port, warmUp);
    const cpuBefore = cpuSeconds(server.process.pid!);
    const started = performance.now();
    await send(server.port, bodies);
    const seconds = (performance.now() - started) / 1000;
    return {
      spansPerSecond: (bodies.length * BATCH_SPANS) / seconds,
      cpu: cpuSeconds(server.process.pid!) - cpuBefore,
    };
  } finally {
    await server.stop();
  }
}

if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
if (!existsSync(jaegerBinary()))
  throw new Error('jaeger is not installed: run scripts/backends/install-jaeger.sh');
const template = await templateBatch();
const round = (): Buffer[] =>
  Array.from({ length: BATCHES }, (_, index) => freshBatch(template, -BigInt(BATCHES - index) * 10_000_000n));
const format = (value: number) => Math.round(value).toLocaleString('en-US');
const SERVERS: ServerName[] = [
  'otel-mcp',
  ...(BASELINE_CLI ? (['otel-mcp-baseline'] as const) : []),
  'jaeger-memory',
  'jaeger-badger',
];
const ratios: Record<string, number[]> = {
  'otel-mcp-baseline': [],
  'jaeger-memory': [],
  'jaeger-badger': [],
};
const rates: Record<ServerName, number[]> = {
  'otel-mcp': [],
  'otel-mcp-baseline': [],
  'jaeger-memory': [],
  'jaeger-badger': [],
};
console.log(
  `${BATCHES} batches × ${BATCH_SPANS} spans (${template.bytes.length} B protobuf each), ${IN_FLIGHT} in flight, ${ROUNDS} rounds`,
);
for (let index = 0; index < ROUNDS; index += 1) {
  console.log(
    `round ${index + 1}: load average ${loadavg()
      .map((load) => load.toFixed(2))
      .join(' ')}`,
  );
  const results = new Map<ServerName, Result>();
  // Rotate the order so no server always runs first (or last) in a round.
  for (let offset = 0; offset < SERVERS.length; offset += 1) {
    const name = SERVERS[(index + offset) % SERVERS.length]!;
    const warmUp = Array.from({ length: WARM_UP_BATCHES }, () => freshBatch(template, -10_000_000_000n));
    const result = await measure(name, warmUp, round());
    results.set(name, result);
    rates[name].push(result.spansPerSecond);
    console.log(
      `  ${name.padEnd(14)} ${format(result.spansPerSecond).padStart(8)} spans/s  (server CPU ${result.cpu.toFixed(1)} s)`,
    );
  }
  const ours = results.get('otel-mcp')!.spansPerSecond;
  for (const other of ['otel-mcp-baseline', 'jaeger-memory', 'jaeger-badger'] as const) {
    const theirs = results.get(other)?.spansPerSecond;
    if (theirs === undefined) continue;
    const ratio = ours / theirs;
    ratios[other]!.push(ratio);
    console.log(`  otel-mcp / ${other}: ${ratio.toFixed(2)}×`);
  }
}
// The median is the figure to compare: on a shared machine one round in a few loses its core to
// other work, and the min–max then spans more than the change being measured.
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const spread = (values: number[], digits: number) =>
  `median ${median(values).toFixed(digits)} (${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)})`;
console.log('summary over rounds, median (min–max):');
for (const name of SERVERS) console.log(`  ${name.padEnd(14)} ${spread(rates[name], 0)} spans/s`);
for (const [other, values] of Object.entries(ratios).filter(([, values]) => values.length > 0))
  console.log(`  otel-mcp / ${other}: ${spread(values, 2)}×`);
