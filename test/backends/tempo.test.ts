import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createBackend } from '../../src/backends/create-backend.js';
import type { TempoBackend } from '../../src/backends/tempo/tempo-backend.js';
import { normalizeTempoTraceJson } from '../../src/backends/tempo/tempo-json.js';
import { traceFromSpans } from '../../src/backends/trace-assembly.js';
import { decodeTraceRequestJson } from '../../src/otlp/index.js';
import { runBackendContract } from './contract.js';
import { buildContractFixture } from './support/contract-fixture.js';
import { exportOtlpProto } from './support/otlp-export.js';
import { startHarness } from '../support/mcp-harness.js';
import { CONTRACT_TIMEOUT_MS, describeWithServer } from './support/real-servers.js';
import { compareTrace } from './support/span-comparison.js';

describeWithServer('tempo', 'the Tempo adapter against a real Tempo', (server) => {
  const ingest = (spans: Parameters<typeof exportOtlpProto>[1]) =>
    exportOtlpProto(server().endpoints.otlp_http!, spans);
  const tempo = () =>
    createBackend('tempo', {
      endpoint: server().endpoints.api!,
      timeout_ms: CONTRACT_TIMEOUT_MS,
    }) as TempoBackend;

  describe('contract', () => {
    // Tempo searches traces only once they leave its live-trace buffer (trace_idle_period 1 s).
    runBackendContract(async () => ({ backend: tempo(), ingest }), {
      settleTimeoutMs: 60_000,
      exemptions: {
        summaryDurationPrecision: 'Tempo search reports whole milliseconds (durationMs is a uint32)',
      },
    });
  });

  describe('what only Tempo does', () => {
    const fixture = buildContractFixture(Date.now());
    let stored: Promise<void>;
    beforeAll(() => {
      stored = storeFixture();
      stored.catch(() => undefined);
    });
    const storeFixture = async () => {
      await ingest(fixture.spans);
      for (let tries = 0; tries < 300; tries++) {
        const found = await tempo().findTracesNative({
          query: `{ span.contract.run = "${fixture.runId}" }`,
          limit: 5,
        });
        if (found.length === 2 && found.every((summary) => summary.spanCount > 0)) return;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      throw new Error('the fixture never became searchable');
    };

    it('runs a TraceQL query as written', async () => {
      await stored;
      const found = await tempo().findTracesNative({
        query: `{ resource.service.name = "${fixture.services.payments}" } >> { name = "charge" }`,
        limit: 5,
      });
      expect(found.map((summary) => summary.traceId)).toEqual([fixture.checkout.traceId]);
    });

    it('answers a TraceQL query given to search_traces through a real MCP client, and refuses mixing it with filters', async () => {
      await stored;
      const dataDir = mkdtempSync(join(tmpdir(), 'otel-mcp-tempo-'));
      const file = join(dataDir, 'otel-mcp.yaml');
      writeFileSync(
        file,
        `backends:\n  tempo: { endpoint: "${server().endpoints.api!}", timeout_ms: ${CONTRACT_TIMEOUT_MS} }\n`,
      );
      const harness = await startHarness({ dataDir, flags: { config: file } });
      try {
        const traceql = `{ resource.service.name = "${fixture.services.payments}" } >> { name = "charge" }`;
        const found = await harness.call('search_traces', {
          query: { traceql, time_range: '1h' },
          backend: 'tempo',
        });
        expect(found.isError, found.text).toBe(false);
        expect((found.structured.traces as { trace_id: string }[]).map((trace) => trace.trace_id)).toEqual([
          fixture.checkout.traceId,
        ]);
        const mixed = await harness.call('search_traces', {
          query: { traceql, service_name: 'x' },
          backend: 'tempo',
        });
        expect(mixed.isError).toBe(true);
        expect(mixed.text).toContain('traceql is passed as written, so service_name would be ignored');
        const embedded = await harness.call('search_traces', { query: { traceql } });
        expect(embedded.isError).toBe(true);
        expect(embedded.text).toContain("backend 'embedded' (embedded) does not take raw TraceQL queries");
        expect(embedded.text).toContain('pass backend: tempo');
      } finally {
        await harness.close();
        rmSync(dataDir, { recursive: true, force: true });
      }
    });

    it('refuses TraceQL that Tempo cannot parse, with its reason', async () => {
      await expect(tempo().findTracesNative({ query: '{ span.x = }', limit: 5 })).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
      });
    });

    it('reads its gogo-jsonpb JSON flavour (base64 ids, enum names) to the same trace as protobuf', async () => {
      await stored;
      const response = await fetch(`${server().endpoints.api!}/api/traces/${fixture.checkout.traceId}`, {
        headers: { accept: 'application/json' },
      });
      const body = (await response.json()) as unknown;
      const trace = traceFromSpans(
        fixture.checkout.traceId,
        decodeTraceRequestJson(normalizeTempoTraceJson(body)).spans,
      );
      expect(compareTrace(trace, fixture.checkout, {})).toEqual([]);
    });

    it('lists the attribute names it has seen, by scope', async () => {
      await stored;
      const tags = await tempo().listTags();
      expect(tags.span).toContain('contract.run');
      expect(tags.resource).toContain('service.name');
    });
  });
});
