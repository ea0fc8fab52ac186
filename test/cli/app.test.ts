/**
 * The composition root: what the configuration says reaches the parts that act on it (receiver
 * headers and body limit, retention), checked on the running app with real listeners and a real store.
 */
import { request } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startApp, type OtelMcpApp } from '../../src/cli/app.js';
import { createStderrLogger } from '../../src/cli/stderr-logger.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { Span } from '../../src/model/index.js';
import { openTraceStore } from '../../src/store/trace-store.js';
import { startHarness, type Harness } from '../support/mcp-harness.js';
import { buildTrace, movedToNow } from '../support/trace-builder.js';
import { waitFor } from '../support/wait-for.js';
import { grpcExport, post } from '../receiver/receiver-harness.js';

const TRACE_ID = '5b8efff798038103d269b633813fc60c';

/** One span as an OTLP/JSON export, stamped now so retention keeps it. */
function jsonExport(name: string): string {
  const start = BigInt(Date.now()) * 1_000_000n;
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'auth-check' } }] },
        scopeSpans: [
          {
            spans: [
              {
                traceId: TRACE_ID,
                spanId: 'eee19b7ec3c1b174',
                name,
                kind: 2,
                startTimeUnixNano: String(start),
                endTimeUnixNano: String(start + 1_000_000n),
              },
            ],
          },
        ],
      },
    ],
  });
}

/** The trace builder's spans moved so that the trace starts `ageMs` before now. */
function traceAged(ageMs: number): { traceId: string; spans: Span[] } {
  const trace = buildTrace({
    name: 'GET /old',
    service: 'retired-service',
    children: [{ name: 'SELECT 1' }],
  });
  return movedToNow(trace, ageMs);
}

/** A POST that declares its length and sends `body` (or nothing), resolving with the status and reply once answered. */
function declaredPost(
  url: string,
  declaredLength: number,
  body?: Buffer,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': declaredLength } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, text });
          req.destroy();
        });
      },
    );
    req.on('error', reject);
    if (body) req.end(body);
    else req.flushHeaders();
  });
}

const HOUR_MS = 3_600_000;

describe('the app built from configuration', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  function tempDir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'otel-mcp-app-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
  }

  async function harnessWith(options: Parameters<typeof startHarness>[0]): Promise<Harness> {
    const harness = await startHarness(options);
    cleanups.push(() => harness.close());
    return harness;
  }

  it('requires the backends.otlp header from the config file, with ${OTLP_TOKEN} taken from the environment, on OTLP/HTTP and gRPC', async () => {
    const file = join(tempDir(), 'otel-mcp.yaml');
    writeFileSync(file, 'backends:\n  otlp:\n    headers: { authorization: "Bearer ${OTLP_TOKEN}" }\n');
    const harness = await harnessWith({ flags: { config: file }, env: { OTLP_TOKEN: 'tok-3141' } });
    const url = `${harness.otlpHttpUrl}/v1/traces`;
    const json = { 'content-type': 'application/json' };

    expect((await post(url, jsonExport('anonymous'), json)).status).toBe(401);
    const grpc = await grpcExport(harness.otlpGrpcAddress, 'trace', new Uint8Array());
    expect(grpc.error?.code).toBe(GrpcStatus.UNAUTHENTICATED);
    expect(
      (await post(url, jsonExport('wrong token'), { ...json, authorization: 'Bearer tok-0000' })).status,
    ).toBe(401);
    expect(harness.app.store.getTrace(TRACE_ID)).toBeUndefined();

    expect(
      (await post(url, jsonExport('authorized'), { ...json, authorization: 'Bearer tok-3141' })).status,
    ).toBe(200);
    expect(harness.app.store.getTrace(TRACE_ID)?.spans.map((span) => span.name)).toEqual(['authorized']);
  });

  it('builds the receiver with the default 32 MiB body limit', async () => {
    const harness = await harnessWith({});
    expect(harness.app.config.receiver.max_body_bytes).toBe(32 * 1024 * 1024);
    const url = `${harness.otlpHttpUrl}/v1/traces`;

    // One byte over is refused from the declared length alone, naming the limit.
    const over = await declaredPost(url, 32 * 1024 * 1024 + 1);
    expect(over.status).toBe(413);
    expect(over.text).toContain("exceeds the receiver's limit of 32 MiB");
    // Exactly the limit is read and judged on its content (not JSON: 400), not on its size.
    const atLimit = await declaredPost(url, 32 * 1024 * 1024, Buffer.alloc(32 * 1024 * 1024, 0x20));
    expect(atLimit.status).toBe(400);
  });

  it('deletes spans past max_age_hours at start-up, before any export arrives, and says so at info level', async () => {
    const dataDir = tempDir();
    const expired = traceAged(8 * 24 * HOUR_MS);
    const recent = traceAged(HOUR_MS);
    // Written by an earlier process whose limit kept them (a day-old limit would have been checked on this write).
    const earlier = openTraceStore({
      dataDir,
      retention: { maxSpans: 1_000_000, maxAgeMs: 365 * 24 * HOUR_MS },
      log: () => undefined,
    });
    earlier.writeSpans([...expired.spans, ...recent.spans]);
    earlier.close();

    const lines: string[] = [];
    const { config } = loadConfig({
      flags: { dataDir, otlpHttpPort: 0, otlpGrpcPort: 0 },
      env: {},
      cwd: dataDir,
    });
    expect(config.retention.max_age_hours).toBe(7 * 24);
    const app = await startApp({
      config,
      log: createStderrLogger('info', (line) => lines.push(line)),
      version: 'test',
    });
    cleanups.push(() => app.close());

    // The first check runs just after start-up (in steps, so a large backlog never delays it).
    await waitFor('the start-up retention check', () =>
      app.store.getTrace(expired.traceId) ? undefined : true,
    );
    expect(app.store.getTrace(recent.traceId)?.spans).toHaveLength(2);
    expect(lines.join('')).toMatch(
      /otel-mcp info: retention deleted 1 traces \(2 spans\) and 0 logs \(older than 168 h/,
    );
  });

  it('deletes a large backlog of expired spans in steps after start-up, saying each time whether more follows', async () => {
    const dataDir = tempDir();
    const earlier = openTraceStore({
      dataDir,
      retention: { maxSpans: 1_000_000, maxAgeMs: 365 * 24 * HOUR_MS },
      log: () => undefined,
    });
    // 25,000 expired spans (250 batches of 50 two-span traces): more than one step deletes (20,000).
    for (let batch = 0; batch < 250; batch += 1) {
      earlier.writeSpans(Array.from({ length: 50 }, () => traceAged(8 * 24 * HOUR_MS).spans).flat());
    }
    earlier.close();
    const lines: string[] = [];
    const { config } = loadConfig({
      flags: { dataDir, otlpHttpPort: 0, otlpGrpcPort: 0 },
      env: {},
      cwd: dataDir,
    });
    const app = await startApp({
      config,
      log: createStderrLogger('info', (line) => lines.push(line)),
      version: 'test',
    });
    cleanups.push(() => app.close());
    await waitFor(
      'the backlog to be deleted',
      () => (app.store.stats().spanCount === 0 ? true : undefined),
      60_000,
    );
    const reports = lines
      .join('')
      .split('\n')
      .filter((line) => line.includes('retention deleted'));
    expect(reports.length).toBeGreaterThanOrEqual(2);
    expect(reports[0]).toMatch(/; more follows$/);
    expect(reports[reports.length - 1]).not.toMatch(/more follows/);
  });

  it('keeps enforcing retention on a timer while nothing is written, and stops the timer on close', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    cleanups.push(() => void vi.useRealTimers());
    const dataDir = tempDir();
    const { config } = loadConfig({
      flags: { dataDir, otlpHttpPort: 0, otlpGrpcPort: 0 },
      env: {},
      cwd: dataDir,
    });
    const app: OtelMcpApp = await startApp({
      config,
      log: createStderrLogger('error', () => undefined),
      version: 'test',
    });
    cleanups.push(() => app.close());

    // Stored after the start-up check (which runs on the next turn), so the store's own check on
    // write is not due and only the timer can delete it.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const expired = traceAged(8 * 24 * HOUR_MS);
    // Spans are written by the app's writer thread, through its own connection; a second store on the
    // data dir stands in for it (its own retention keeps a year, so only the app's timer deletes).
    const writer = openTraceStore({
      dataDir,
      retention: { maxSpans: 1_000_000, maxAgeMs: 365 * 24 * HOUR_MS },
      log: () => undefined,
    });
    writer.writeSpans(expired.spans);
    writer.close();
    expect(app.store.getTrace(expired.traceId)).toBeDefined();
    vi.advanceTimersByTime(60_000);
    expect(app.store.getTrace(expired.traceId)).toBeUndefined();

    await app.close();
    expect(vi.getTimerCount()).toBe(0);
  });
});
