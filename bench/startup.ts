/**
 * Start-up of the built server to a ready MCP session: spawns `node dist/cli/main.js` (the bundle)
 * over stdio with a fresh data dir (and the embedded receiver on free ports), connects a real MCP
 * client, and times spawn → initialized and → first tools/list answer. Two baselines run in the
 * same process, interleaved so machine load hits all alike: a bare `node` start-up (spawn → exit),
 * and the same command unbundled (dist/cli/main-modules.js, loading ~500 module files).
 * Also prints the server's resident size once ready. Run `npm run build` first.
 *
 *   node --import tsx bench/startup.ts [runs, default 10]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { freePort } from '../test/support/free-port.js';

const BUNDLE = resolve('dist/cli/main.js');
const MODULES = resolve('dist/cli/main-modules.js');
const runs = Number(process.argv[2] ?? 10);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return Math.round(kb / 1024);
}

/** CPU time (user + system) the process has used so far: what start-up costs on an idle core. */
function cpuMs(pid: number): number {
  // Fields after the command name (which is in parentheses): utime and stime are the 12th and 13th.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

async function once(CLI: string): Promise<{ initialized: number; listed: number; rss: number; cpu: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'otel-mcp-startup-'));
  const args = [
    CLI,
    '--data-dir',
    dataDir,
    '--otlp-http-port',
    String(await freePort()),
    '--otlp-grpc-port',
    String(await freePort()),
  ];
  const started = performance.now();
  const transport = new StdioClientTransport({
    command: process.execPath,
    args,
    stderr: 'ignore',
    cwd: dataDir,
  });
  const client = new Client({ name: 'startup-bench', version: '1.0.0' });
  await client.connect(transport);
  const initialized = performance.now() - started;
  await client.listTools();
  const listed = performance.now() - started;
  const rss = transport.pid ? rssMb(transport.pid) : NaN;
  const cpu = transport.pid ? cpuMs(transport.pid) : NaN;
  await client.close();
  rmSync(dataDir, { recursive: true, force: true });
  return { initialized, listed, rss, cpu };
}

for (const cli of [BUNDLE, MODULES])
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build first`);
console.log(
  `load average ${loadavg()
    .map((load) => load.toFixed(1))
    .join(' ')}; ${runs} runs`,
);
const bare: number[] = [];
const bundled = [];
const unbundled = [];
for (let i = 0; i < runs; i += 1) {
  const started = performance.now();
  spawnSync(process.execPath, ['-e', '']);
  bare.push(performance.now() - started);
  bundled.push(await once(BUNDLE));
  unbundled.push(await once(MODULES));
}
console.log(`bare node start-up (baseline): median ${median(bare).toFixed(0)} ms`);
for (const [name, results] of [
  ['bundled dist/cli/main.js', bundled],
  ['unbundled dist/cli/main-modules.js', unbundled],
] as const) {
  const initialized = median(results.map((r) => r.initialized));
  const listed = median(results.map((r) => r.listed));
  console.log(`${name}:`);
  console.log(
    `  spawn → MCP initialized: median ${initialized.toFixed(0)} ms, min ${Math.min(...results.map((r) => r.initialized)).toFixed(0)} ms`,
  );
  console.log(
    `  spawn → first tools/list answered: median ${listed.toFixed(0)} ms (${(listed / median(bare)).toFixed(1)}× bare node)`,
  );
  console.log(
    `  CPU time of the server until ready (user + system): median ${median(results.map((r) => r.cpu))} ms`,
  );
  console.log(`  resident size when ready: median ${median(results.map((r) => r.rss))} MB`);
}
