import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

const CLI = resolve('dist/cli/main.js');

interface DemoRun {
  code: number | null;
  stdout: string;
  stderr: string;
  red: string;
  green: string;
  /** Processes that carried the run's marker while the demo ran (its services, the trigger). */
  seenPids: Set<number>;
  /** The same, still running after the demo exited. */
  leftPids: number[];
  /** What the demo left in its working directory and in its temporary directory. */
  leftInCwd: string[];
  leftInTmp: string[];
}

/** Processes (not zombies) whose environment holds `marker`: the demo's own children inherit it. */
function processesWith(marker: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (!readFileSync(`/proc/${entry}/environ`, 'utf8').includes(marker)) continue;
      if (readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]?.[0] === 'Z') continue;
      pids.push(Number(entry));
    } catch {
      // Gone between the listing and the read, or not ours to read.
    }
  }
  return pids;
}

const scratch: string[] = [];

async function runDemo(args: string[]): Promise<DemoRun> {
  const cwd = mkdtempSync(join(tmpdir(), 'otel-mcp-demo-cwd-'));
  const tmp = mkdtempSync(join(tmpdir(), 'otel-mcp-demo-tmp-'));
  scratch.push(cwd, tmp);
  const marker = `OTEL_MCP_DEMO_TEST_MARKER=${randomUUID()}`;
  const [name, value] = marker.split('=') as [string, string];
  const child = spawn(process.execPath, [CLI, 'demo', ...args], {
    cwd,
    env: { ...process.env, TMPDIR: tmp, [name]: value },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const seenPids = new Set<number>();
  const watch = setInterval(() => {
    for (const pid of processesWith(marker)) if (pid !== child.pid) seenPids.add(pid);
  }, 100);
  const code = await new Promise<number | null>((done) => child.on('close', done));
  clearInterval(watch);
  const red = stdout.slice(stdout.indexOf('── Iteration 1'), stdout.indexOf('── Iteration 2'));
  const green = stdout.slice(stdout.indexOf('── Iteration 2'));
  return {
    code,
    stdout,
    stderr,
    red,
    green,
    seenPids,
    leftPids: processesWith(marker),
    leftInCwd: readdirSync(cwd),
    leftInTmp: readdirSync(tmp),
  };
}

describe('otel-mcp demo, as a newcomer runs it', () => {
  beforeAll(() => expect(existsSync(CLI), 'run npm run build first').toBe(true));
  afterEach(() => {
    for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('turns the chosen defect red with its culprit and fix named, then green, and leaves nothing behind', async () => {
    const run = await runDemo(['--defects', 'missing-call']);
    // On failure, what the demo printed says which verdict or step went wrong.
    expect(run.code, `${run.stdout.slice(-3000)}\n${run.stderr.slice(-2000)}`).toBe(0);
    expect(run.red).toContain('CHECKOUT_DEFECTS=missing-call)');
    expect(run.red).toContain('FAIL — the captured traces do not match spec checkout_structure v1');
    expect(run.red).toContain('[missing] POST /checkout > checkout.process > order.create > POST /payments');
    expect(run.red).toContain(
      'fix: nothing called payment-service: `order.create` (order-service) has no call to it; the spec expects `POST /payments` beneath it',
    );
    expect(run.green).toContain('PASS — the captured trace matches spec checkout_structure v1');
    expect(run.green).toMatch(/Since iteration 1: fixed 1 \(missing .*POST \/payments\), introduced 0/);
    expect(run.stdout).toContain(
      'The defects turned the run red with each culprit named; without them it is green.',
    );
    // Five services and the trigger ran with the marker; none of them outlives the demo.
    expect(run.seenPids.size).toBeGreaterThanOrEqual(5);
    expect(run.leftPids).toEqual([]);
    expect(run.leftInCwd).toEqual([]);
    expect(run.leftInTmp).toEqual([]);
  });

  it('by default switches on the defects that can show together, says which one it left out, and names every culprit', async () => {
    const run = await runDemo([]);
    // On failure, what the demo printed says which verdict or step went wrong.
    expect(run.code, `${run.stdout.slice(-3000)}\n${run.stderr.slice(-2000)}`).toBe(0);
    expect(run.red).toContain('CHECKOUT_DEFECTS=missing-call,wrong-service,n-plus-one,swallowed-error)');
    expect(run.red).toContain(
      'slow-payment: left out, because with missing-call on, order-service no longer calls payment-service',
    );
    expect(run.red).toContain('`otel-mcp demo --defects slow-payment` shows it');
    // One culprit per defect switched on.
    expect(run.red).toContain('[missing] POST /checkout > checkout.process > order.create > POST /payments');
    expect(run.red).toContain('[forbidden_present] POST /checkout > checkout.process > POST');
    expect(run.red).toContain(
      '[count_too_high] POST /checkout > checkout.process > order.create > inventory.reserve > SELECT inventory',
    );
    expect(run.red).toMatch(
      /\[unexpected_error\] \(trace\): `inventory\.reserve` \(inventory-service\) ended with status ERROR: InventoryUnavailableError/,
    );
    expect(run.green).toContain('PASS');
    expect(run.leftPids).toEqual([]);
  });
});
