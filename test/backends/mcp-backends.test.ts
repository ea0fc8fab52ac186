/**
 * The MCP tools reading a configured external backend: every query and analysis tool's `backend`
 * parameter reaches a real Zipkin, `list_backends` reports it without its secrets, and a search
 * Zipkin cannot answer is refused with a clear error.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/mcp-harness.js';
import { freePort } from '../support/free-port.js';
import { waitFor } from '../support/wait-for.js';
import { buildContractFixture, type ContractFixture } from './support/contract-fixture.js';
import { describeWithServer } from './support/real-servers.js';
import { postZipkinSpans, toZipkinSpan } from './support/zipkin-export.js';

const TOKEN = 'tok-3f9a1c-never-shown';
const PASSWORD = 'pw-77b2e0-never-shown';

describeWithServer('zipkin', 'the MCP tools against a configured real Zipkin', (server) => {
  let harness: Harness;
  let fixture: ContractFixture;
  let closedPort: number;
  let dataDir: string;
  const zipkin = () => server().endpoints.api!;
  const traceId = () => fixture.checkout.traceId;
  const payments = () => fixture.services.payments;

  beforeAll(async () => {
    fixture = buildContractFixture(Date.now());
    await postZipkinSpans(zipkin(), fixture.spans.map(toZipkinSpan));
    closedPort = await freePort();
    const url = new URL(zipkin());
    dataDir = mkdtempSync(join(tmpdir(), 'otel-mcp-backends-'));
    const file = join(dataDir, 'otel-mcp.yaml');
    writeFileSync(
      file,
      [
        'backends:',
        `  zipkin: { endpoint: "http://reader:${PASSWORD}@${url.host}", auth: "${TOKEN}" }`,
        `  zipkin-down: { type: zipkin, endpoint: "http://127.0.0.1:${closedPort}", retries: 0, timeout_ms: 1000 }`,
        '',
      ].join('\n'),
    );
    harness = await startHarness({ dataDir, flags: { config: file } });
    await waitFor(
      'the fixture in Zipkin',
      async () => {
        const result = await harness.call('get_trace_by_id', { trace_id: traceId(), backend: 'zipkin' });
        return !result.isError && result.structured.summary?.span_count === 6 ? true : undefined;
      },
      30_000,
    );
  }, 120_000);

  afterAll(async () => {
    await harness?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists each backend with kind, endpoint, health and capabilities, never its secrets', async () => {
    const result = await harness.call('list_backends');
    expect(result.isError).toBe(false);
    type Report = { name: string; capabilities: string[]; problem?: string };
    const byName: Record<string, Report> = Object.fromEntries(
      (result.structured.backends as Report[]).map((item) => [item.name, item]),
    );
    expect(byName.embedded).toMatchObject({ kind: 'embedded', healthy: true });
    expect(byName.zipkin).toMatchObject({
      kind: 'zipkin',
      endpoint: `http://${new URL(zipkin()).host}`,
      healthy: true,
    });
    expect(byName.zipkin!.capabilities).toContain('durationFilters');
    expect(byName.zipkin!.capabilities).not.toContain('statusFilter');
    expect(byName['zipkin-down']).toMatchObject({ kind: 'zipkin', healthy: false });
    expect(byName['zipkin-down']!.problem).toContain(String(closedPort));
    const everything = result.text + JSON.stringify(result.structured);
    expect(everything).not.toContain(TOKEN);
    expect(everything).not.toContain(PASSWORD);
    expect(everything).not.toContain('reader');
  });

  it('lists services and operations from the named backend', async () => {
    const services = await harness.call('list_services', { backend: 'zipkin' });
    expect(services.structured.backend).toBe('zipkin');
    expect(services.structured.services.map((item: { name: string }) => item.name)).toContain(payments());
    const embedded = await harness.call('list_services');
    expect(embedded.structured.services).toEqual([]);
    const operations = await harness.call('list_operations', { service_name: payments(), backend: 'zipkin' });
    expect(operations.structured.operations.map((item: { name: string }) => item.name).sort()).toEqual([
      'charge',
      'post /pay',
    ]);
  });

  it('finds traces with get_traces and search_traces on the named backend', async () => {
    const recent = await harness.call('get_traces', { service_name: payments(), backend: 'zipkin' });
    expect(recent.isError).toBe(false);
    expect(JSON.stringify(recent.structured)).toContain(traceId());
    const found = await harness.call('search_traces', {
      query: { service_name: payments(), status: 'error', min_duration_ms: 25 },
      backend: 'zipkin',
    });
    expect(found.isError).toBe(false);
    expect(JSON.stringify(found.structured)).toContain(traceId());
  });

  it('opens a trace and one of its spans from the named backend', async () => {
    const trace = await harness.call('get_trace_by_id', {
      trace_id: traceId(),
      backend: 'zipkin',
      view: 'spans',
    });
    expect(trace.structured).toMatchObject({ trace_id: traceId(), backend: 'zipkin' });
    expect(trace.structured.spans).toHaveLength(6);
    expect(trace.structured.truncated).toBeUndefined();
    const charge = fixture.checkout.spans.find((span) => span.name === 'charge')!;
    const span = await harness.call('get_span_details', {
      trace_id: traceId(),
      span_id: charge.spanId,
      backend: 'zipkin',
    });
    expect(span.isError).toBe(false);
    expect(span.structured).toMatchObject({ span_id: charge.spanId, name: 'charge', service: payments() });
    const absent = await harness.call('get_trace_by_id', { trace_id: traceId() });
    expect(absent.isError).toBe(true);
  });

  it('analyzes a trace read from the named backend', async () => {
    const analysis = await harness.call('analyze_trace', { trace_id: traceId(), backend: 'zipkin' });
    expect(analysis.isError).toBe(false);
    expect(analysis.text).toContain('charge');
    const issues = await harness.call('detect_performance_issues', {
      trace_id: traceId(),
      backend: 'zipkin',
    });
    expect(issues.isError).toBe(false);
  });

  it('reads performance trends from the named backend through its trace summaries, root operations only', async () => {
    const frontend = fixture.services.frontend;
    const trends = await harness.call('analyze_performance_trends', {
      service_name: frontend,
      time_period: '1h',
      backend: 'zipkin',
    });
    expect(trends.isError, trends.text).toBe(false);
    // Zipkin stores the name lower-cased; the tool takes the name the SDK was given and says Zipkin's.
    expect(trends.structured).toMatchObject({
      service_name: frontend.toLowerCase(),
      backend: 'zipkin',
      source: 'trace_summaries',
      sample: { root_operations_only: true, capped: false },
    });
    expect(trends.structured.sample.traces).toBeGreaterThanOrEqual(2);
    const operations = (trends.structured.operations as { operation: string; span_count: number }[])
      .map((item) => item.operation)
      .sort();
    // Zipkin lower-cases span names; the checkout's and the health check's roots are the frontend's.
    expect(operations).toEqual(['get /checkout', 'get /health']);
    const unknown = await harness.call('analyze_performance_trends', {
      service_name: `${frontend}-nope`,
      backend: 'zipkin',
    });
    expect(unknown.isError).toBe(true);
    expect(unknown.text).toContain("backend 'zipkin'");
  });

  it('refuses a search the backend cannot answer, saying what it can do', async () => {
    const result = await harness.call('search_traces', {
      query: { service_name: payments(), status: 'ok' },
      backend: 'zipkin',
    });
    expect(result.isError).toBe(true);
    expect(result.text).toContain("status 'ok'");
    expect(result.text).toContain("status 'error'");
  });

  it('names the configured backends when asked for one that does not exist', async () => {
    const result = await harness.call('list_services', { backend: 'jaegr' });
    expect(result.isError).toBe(true);
    expect(result.text).toContain('zipkin');
  });

  it('reports an unreachable backend as unavailable, naming its endpoint', async () => {
    const result = await harness.call('list_services', { backend: 'zipkin-down' });
    expect(result.isError).toBe(true);
    expect(result.text).toContain(String(closedPort));
  });
});

describe('configured backends at start-up', () => {
  it('refuses an entry it cannot build, naming the entry and not its secrets', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'otel-mcp-cfg-'));
    const file = join(dir, 'otel-mcp.yaml');
    writeFileSync(
      file,
      `backends:\n  prod: { endpoint: "http://u:${PASSWORD}@127.0.0.1:1", auth: "${TOKEN}" }\n`,
    );
    const error = await startHarness({ dataDir: dir, flags: { config: file } }).then(
      () => undefined,
      (caught: unknown) => caught as Error,
    );
    rmSync(dir, { recursive: true, force: true });
    expect(error?.message).toContain('backends.prod');
    expect(error?.message).not.toContain(PASSWORD);
    expect(error?.message).not.toContain(TOKEN);
  });
});
