/** `otel-mcp demo` on a terminal: a throw-away data dir, an OS-chosen receiver port, progress on stderr. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type ConfigFlags } from '../../config/load-config.js';
import { startApp } from '../app.js';
import { escapeControl } from '../escape-control.js';
import { createStderrLogger } from '../stderr-logger.js';
import { runDemo } from './run-demo.js';

/** Returns the exit code: 0 when the defects made the run red and the fixed example is green. */
export async function demoCommand(flags: ConfigFlags, version: string, defects = 'all'): Promise<number> {
  const scratch = flags.dataDir === undefined ? mkdtempSync(join(tmpdir(), 'otel-mcp-demo-')) : undefined;
  const dataDir = flags.dataDir ?? (scratch as string);
  const { config } = loadConfig({
    flags: { specsDir: join(dataDir, 'trace-specs'), ...flags, dataDir },
    env: process.env,
    cwd: process.cwd(),
  });
  // The demo must not collide with a running otel-mcp on 4318/4317: the OS picks a port, gRPC is not needed.
  if (flags.otlpHttpPort === undefined) config.receiver.http_port = 0;
  if (flags.otlpGrpcPort === undefined) config.receiver.grpc_port = null;
  const app = await startApp({ config, log: createStderrLogger('warn'), version });
  const tty = process.stderr.isTTY === true;
  try {
    const outcome = await runDemo(
      app.toolDeps,
      config,
      {
        out: (text) => process.stdout.write(`${text}\n`),
        // Progress names services and spans the example's processes reported: escaped like log lines.
        progress: (text) => {
          if (tty) process.stderr.write(`\r\x1b[2K${text ? `  … ${escapeControl(text)}` : ''}`);
          else if (text) process.stderr.write(`  … ${escapeControl(text)}\n`);
        },
      },
      defects,
    );
    const expected = outcome.redVerdict === 'fail' && outcome.greenVerdict === 'pass';
    process.stdout.write(
      expected
        ? 'The defects turned the run red with each culprit named; without them it is green. That is the loop an agent runs through MCP.\n'
        : `Unexpected: the run with defects was ${outcome.redVerdict} and without them ${outcome.greenVerdict}.\n`,
    );
    return expected ? 0 : 1;
  } finally {
    await app.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
}
