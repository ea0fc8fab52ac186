/**
 * The whole ingest path as a user runs it: the built `otel-mcp serve` (dist/cli/main.js) pinned to
 * one core with taskset, fed OTLP/HTTP protobuf batches of 512 real SDK spans from this process on
 * the other core, then queried through a real MCP client over stdio (get_trace_by_id on a
 * 1,000-span trace, search_traces by service, attribute and duration). Issue 2's targets: at least
 * 50,000 spans/s into the store on one core; each query under 50 ms; resident size under 300 MB
 * while 1,000,000 spans are ingested and queried.
 *
 * Prints spans/s by wall clock and per CPU-second of the server (the one-core figure, least
 * disturbed by other work), the server's peak resident size (VmHWM), and the query medians.
 *
 *   node --import tsx bench/ingest-pipeline.ts [spans, default 1000000] [in flight, default 4] [CLI, default dist/cli/main.js] [--unpinned]
 *
 * A third argument runs another checkout's build (a before/after). --unpinned lets the server use
 * every core: since the store writes on its own thread (issue 20), pinning it to one core measures
 * the one-core cost, unpinned measures what a user sees (queries answered while the writer works).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { Agent } from 'node:http';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { context, SpanKind, trace } from '@opentelemetry/api';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import Database from 'better-sqlite3';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { freePort } from '../test/support/free-port.js';
import { postTraces } from './otlp-http-post.js';
import { freshBatch, templateBatch } from './fresh-batches.js';
import { BATCH_SPANS } from './sdk-checkout-batch.js';

const positional = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const CLI = resolve(positional[2] ?? 'dist/cli/main.js');
const TOTAL = Number(positional[0] ?? 1_000_000);
const IN_FLIGHT = Number(positional[1] ?? 4);
const UNPINNED = process.argv.includes('--unpinned');
const QUERY_RUNS = 20;

const PROTOBUF = { 'content-type': 'application/x-protobuf' };
const post = (agent: Agent, port: number, body: Buffer): Promise<void> =>
  postTraces(agent, port, body, PROTOBUF);

function procStatus(pid: number, field: string): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN) / 1024;
}

/** CPU seconds (user + system) the process has used so far. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? NaN;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

const rate = (spans: number, seconds: number) =>
  `${Math.round(spans / seconds).toLocaleString('en-US')} spans/s`;

if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
const cores = availableParallelism();
// The server gets core 0 to itself; this load generator takes the other one.
const pin = !UNPINNED && cores > 1 && spawnSync('taskset', ['-cp', '1', String(process.pid)]).status === 0;
const dataDir = mkdtempSync(join(tmpdir(), 'otel-mcp-pipeline-'));
const httpPort = await freePort();
const serverArgs = [
  CLI,
  'serve',
  '--data-dir',
  dataDir,
  '--otlp-http-port',
  String(httpPort),
  '--otlp-grpc-port',
  '0',
];
const transport = new StdioClientTransport({
  command: pin ? 'taskset' : process.execPath,
  args: pin ? ['-c', '0', process.execPath, ...serverArgs] : serverArgs,
  stderr: 'ignore',
  cwd: dataDir,
});
const client = new Client({ name: 'ingest-pipeline-bench', version: '1.0.0' });
await client.connect(transport);
const pid = transport.pid!;

const template = await templateBatch();
console.log(
  `load average ${loadavg()
    .map((load) => load.toFixed(1))
    .join(' ')} on ${cores} cores; server ${pin ? 'pinned to core 0' : 'not pinned'}; ` +
    `${TOTAL.toLocaleString('en-US')} spans in batches of ${BATCH_SPANS} (${template.bytes.length} B protobuf), ${IN_FLIGHT} in flight`,
);

// The 1,000-span trace the query figures read: one server span with 999 children, sent in two batches.
const bigTraceId = await (async () => {
  const copy = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'batch-job' }),
    spanProcessors: [new SimpleSpanProcessor(copy)],
  });
  const tracer = provider.getTracer('bench');
  const root = tracer.startSpan('nightly.export', { kind: SpanKind.SERVER });
  const parent = trace.setSpan(context.active(), root);
  for (let i = 0; i < 999; i++)
    tracer.startSpan('export.row', { attributes: { 'row.index': i } }, parent).end();
  root.end();
  await provider.forceFlush();
  const spans = copy.getFinishedSpans();
  await provider.shutdown();
  const agent = new Agent({ keepAlive: true });
  for (const part of [spans.slice(0, 500), spans.slice(500)])
    await post(agent, httpPort, Buffer.from(ProtobufTraceSerializer.serializeRequest(part)!));
  agent.destroy();
  return root.spanContext().traceId;
})();

const agent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
const batches = Math.ceil(TOTAL / BATCH_SPANS);
let sent = 0;
let peakRssMb = 0;
const cpuBefore = cpuSeconds(pid);
const started = performance.now();
let reported = started;
let reportedBatches = 0;
let reportedCpu = cpuBefore;
async function sender(): Promise<void> {
  while (sent < batches) {
    sent += 1;
    // 10 ms of traffic a batch (512 spans at ~50,000 spans/s), ending at the template's time (now).
    await post(agent, httpPort, freshBatch(template, -BigInt(batches - sent) * 10_000_000n));
    const now = performance.now();
    if (now - reported >= 5_000) {
      const cpu = cpuSeconds(pid);
      const spans = (sent - reportedBatches) * BATCH_SPANS;
      peakRssMb = Math.max(peakRssMb, procStatus(pid, 'VmRSS'));
      console.log(
        `  ${(sent * BATCH_SPANS).toLocaleString('en-US').padStart(10)} spans: ${rate(spans, (now - reported) / 1000)} wall, ` +
          `${rate(spans, cpu - reportedCpu)} per server CPU-second, rss ${procStatus(pid, 'VmRSS').toFixed(0)} MB`,
      );
      reported = now;
      reportedBatches = sent;
      reportedCpu = cpu;
    }
  }
}
type ToolAnswer = { structuredContent?: Record<string, unknown>; isError?: boolean };
// Issue 20: queries asked while the receiver takes its full load, through the same MCP client.
const underLoad: Record<string, number[]> = { get_trace_by_id: [], search_traces: [] };
let ingesting = true;
async function queriesDuringIngest(): Promise<void> {
  while (ingesting) {
    for (const [name, args] of [
      ['get_trace_by_id', { trace_id: bigTraceId, view: 'tree' }],
      ['search_traces', { query: { service_name: 'checkout', limit: 20 } }],
    ] as const) {
      const start = performance.now();
      const answer = (await client.callTool({ name, arguments: args })) as ToolAnswer;
      underLoad[name]!.push(performance.now() - start);
      if (answer.isError)
        throw new Error(`${name} failed under load: ${JSON.stringify(answer).slice(0, 400)}`);
    }
  }
}
const querying = queriesDuringIngest();
await Promise.all(Array.from({ length: IN_FLIGHT }, () => sender()));
ingesting = false;
await querying;
const seconds = (performance.now() - started) / 1000;
const cpu = cpuSeconds(pid) - cpuBefore;
agent.destroy();
const spans = batches * BATCH_SPANS;
console.log(
  `ingest: ${spans.toLocaleString('en-US')} spans in ${seconds.toFixed(1)} s = ${rate(spans, seconds)} wall; ` +
    `server CPU ${cpu.toFixed(1)} s = ${rate(spans, cpu)} per CPU-second (target 50,000 on one core: ${(spans / cpu / 50_000).toFixed(2)}×)`,
);

for (const [name, times] of Object.entries(underLoad)) {
  console.log(
    `  during ingest: ${name.padEnd(16)} ${times.length} calls, p50 ${quantile(times, 0.5).toFixed(1)} ms, ` +
      `p95 ${quantile(times, 0.95).toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms (target p95 < 100 ms)`,
  );
}

async function timed(
  name: string,
  args: Record<string, unknown>,
  check: (answer: ToolAnswer) => string,
): Promise<void> {
  const times: number[] = [];
  let summary = '';
  for (let i = 0; i < QUERY_RUNS; i++) {
    const start = performance.now();
    const answer = (await client.callTool({ name, arguments: args })) as ToolAnswer;
    times.push(performance.now() - start);
    if (answer.isError) throw new Error(`${name} failed: ${JSON.stringify(answer).slice(0, 400)}`);
    summary = check(answer);
  }
  peakRssMb = Math.max(peakRssMb, procStatus(pid, 'VmRSS'));
  console.log(
    `  ${`${name} ${JSON.stringify(args)}`.slice(0, 78).padEnd(78)} p50 ${median(times).toFixed(1).padStart(6)} ms, p95 ${quantile(times, 0.95).toFixed(1).padStart(6)} ms  → ${summary}`,
  );
}
const count = (key: string) => (answer: ToolAnswer) =>
  `${(answer.structuredContent?.[key] as unknown[] | undefined)?.length ?? 0} ${key}`;

console.log(`queries through MCP over stdio (${QUERY_RUNS} runs each, target < 50 ms):`);
await timed('get_trace_by_id', { trace_id: bigTraceId, view: 'summary' }, (a) =>
  JSON.stringify(a.structuredContent).slice(0, 40),
);
await timed('get_trace_by_id', { trace_id: bigTraceId, view: 'tree' }, () => 'tree');
await timed('search_traces', { query: { service_name: 'checkout', limit: 20 } }, count('traces'));
await timed(
  'search_traces',
  { query: { service_name: 'checkout', attributes: { 'http.response.status_code': 500 }, limit: 20 } },
  count('traces'),
);
await timed(
  'search_traces',
  {
    query: {
      operation_name: 'SELECT shop.orders',
      attributes: { 'app.shard': 'eu-2' },
      min_duration_ms: 0,
      limit: 20,
    },
  },
  count('traces'),
);
await timed(
  'search_traces',
  { query: { attributes: { 'url.path': '/api/orders/1042' }, limit: 20 } },
  count('traces'),
);
await timed(
  'search_traces',
  { query: { service_name: 'checkout', status: 'error', time_range: '1h', limit: 20 } },
  count('traces'),
);
// By duration: the SDK's spans last microseconds, so a floor of 50 µs still leaves some to find.
await timed(
  'search_traces',
  { query: { service_name: 'checkout', min_duration_ms: 0.05, limit: 20 } },
  count('traces'),
);
peakRssMb = Math.max(peakRssMb, procStatus(pid, 'VmHWM'));
// The database, its WAL and the span-body files (span-bodies/, one file a segment) together.
const bytesOf = (files: string[]) =>
  files.filter((file) => existsSync(file)).reduce((sum, file) => sum + statSync(file).size, 0);
const bodyDir = join(dataDir, 'span-bodies');
const parts = {
  database: bytesOf([join(dataDir, 'otel-mcp.sqlite')]),
  WAL: bytesOf([join(dataDir, 'otel-mcp.sqlite-wal')]),
  'span bodies': bytesOf(existsSync(bodyDir) ? readdirSync(bodyDir).map((file) => join(bodyDir, file)) : []),
};
const databaseBytes = Object.values(parts).reduce((sum, bytes) => sum + bytes, 0);
// Past max_spans retention deletes the oldest traces, so the size is divided by what is stored, not sent.
const database = new Database(join(dataDir, 'otel-mcp.sqlite'), { readonly: true, fileMustExist: true });
const stored = (database.prepare('SELECT count(*) AS n FROM spans').get() as { n: number }).n;
database.close();
console.log(
  `database: ${(databaseBytes / 1048576).toFixed(0)} MiB for ${stored.toLocaleString('en-US')} stored spans (${(spans + 1000).toLocaleString('en-US')} sent) = ${Math.round(databaseBytes / Math.max(1, stored))} B a span (${Object.entries(
    parts,
  )
    .map(([part, bytes]) => `${part} ${(bytes / 1048576).toFixed(0)} MiB`)
    .join(', ')})`,
);
console.log(`server resident size: peak ${peakRssMb.toFixed(0)} MB (VmHWM, target < 300 MB)`);
await client.close();
rmSync(dataDir, { recursive: true, force: true });
