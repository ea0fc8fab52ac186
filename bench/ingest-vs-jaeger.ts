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
 * What each change to the ingest path measured here, and what was tried and dropped, is in
 * ingest-vs-jaeger.md.
 *
 *   node --import tsx bench/ingest-vs-jaeger.ts [rounds, default 3] [batches, default 200] [in flight, default 4] [baseline CLI]
 *
 * With a fourth argument, the built CLI of another checkout (its dist/cli/main.js) runs in each round
 * too, as `otel-mcp-baseline`: a before/after of a change under the same load.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../test/support/free-port.js';
import { freshBatch, templateBatch } from './fresh-batches.js';
import { BATCH_SPANS } from './sdk-checkout-batch.js';
import {
  cpuSeconds,
  sendBatches,
  spawnServe,
  spread,
  startServer,
  type RunningServer,
} from './support/ingest-load.js';

const ROUNDS = Number(process.argv[2] ?? 3);
const BATCHES = Number(process.argv[3] ?? 200);
const IN_FLIGHT = Number(process.argv[4] ?? 4);
const WARM_UP_BATCHES = 8;
const CLI = resolve('dist/cli/main.js');
const BASELINE_CLI = process.argv[5] === undefined ? undefined : resolve(process.argv[5]);

type ServerName = 'otel-mcp' | 'otel-mcp-baseline' | 'jaeger-memory' | 'jaeger-badger';
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

function start(name: ServerName): Promise<RunningServer> {
  return startServer(name, async (port, dir) => {
    if (name === 'otel-mcp' || name === 'otel-mcp-baseline')
      return spawnServe(name === 'otel-mcp' ? CLI : BASELINE_CLI!, port, dir);
    const ports = [port, await freePort(), await freePort(), await freePort()];
    const config = join(dir, 'config.yaml');
    writeFileSync(config, jaegerConfig(name === 'jaeger-memory' ? 'memory' : 'badger', dir, ports));
    return spawn(jaegerBinary(), ['--config', config], { stdio: ['ignore', 'ignore', 'ignore'] });
  });
}

interface Result {
  spansPerSecond: number;
  cpu: number;
}

async function measure(name: ServerName, warmUp: Buffer[], bodies: Buffer[]): Promise<Result> {
  const server = await start(name);
  try {
    await sendBatches(server.port, warmUp, IN_FLIGHT);
    const cpuBefore = cpuSeconds(server.process.pid!);
    const started = performance.now();
    await sendBatches(server.port, bodies, IN_FLIGHT);
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
console.log('summary over rounds, median (min–max):');
for (const name of SERVERS) console.log(`  ${name.padEnd(14)} median ${spread(rates[name], 0)} spans/s`);
for (const [other, values] of Object.entries(ratios).filter(([, values]) => values.length > 0))
  console.log(`  otel-mcp / ${other}: median ${spread(values, 2)}×`);
