import { describe, expect, it } from 'vitest';
import { createBackend } from '../../src/backends/create-backend.js';
import { connectionFor } from '../../src/backends/create-backend.js';
import { createHttpClient } from '../../src/backends/http/http-client.js';
import { createLegacyHttpTransport } from '../../src/backends/jaeger/legacy-http.js';
import { traceFromSpans } from '../../src/backends/trace-assembly.js';
import { runBackendContract } from './contract.js';
import { buildContractFixture } from './support/contract-fixture.js';
import { exportOtlpProto } from './support/otlp-export.js';
import { CONTRACT_TIMEOUT_MS, describeWithServer } from './support/real-servers.js';
import { compareTrace } from './support/span-comparison.js';

describeWithServer('jaeger', 'the Jaeger adapter against a real Jaeger v2', (server) => {
  const ingest = (spans: Parameters<typeof exportOtlpProto>[1]) =>
    exportOtlpProto(server().endpoints.otlp_http!, spans);

  describe('contract over api_v3 HTTP', () => {
    runBackendContract(async () => ({
      backend: createBackend('jaeger', {
        endpoint: server().endpoints.query_http!,
        timeout_ms: CONTRACT_TIMEOUT_MS,
      }),
      ingest,
    }));
  });

  describe('contract over api_v3 gRPC', () => {
    runBackendContract(async () => ({
      backend: createBackend('jaeger', {
        endpoint: server().endpoints.query_grpc!,
        timeout_ms: CONTRACT_TIMEOUT_MS,
      }),
      ingest,
    }));
  });

  describe("Jaeger's internal HTTP API (Jaeger 1.x, and attribute searches on 2.x)", () => {
    it('maps a trace to the same spans as api_v3, to the microsecond', async () => {
      const fixture = buildContractFixture(Date.now());
      await ingest(fixture.spans);
      const endpoint = server().endpoints.query_http!;
      const backend = createBackend('jaeger', { endpoint, timeout_ms: CONTRACT_TIMEOUT_MS });
      for (
        let tries = 0;
        tries < 100 && (await backend.getTrace(fixture.checkout.traceId))?.spans.length !== 6;
        tries++
      ) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const legacy = createLegacyHttpTransport(
        createHttpClient(connectionFor('jaeger', 'jaeger', { endpoint })),
        'jaeger',
      );
      const spans = await legacy.getTrace(fixture.checkout.traceId);
      const trace = spans && traceFromSpans(fixture.checkout.traceId, spans);
      // Jaeger's own model keeps microseconds, references without attributes, and lists as JSON text.
      expect(
        compareTrace(trace, fixture.checkout, {
          timestampPrecisionNanos: 1000,
          dropsLinkAttributes: true,
          stringifiesAttributes: true,
        }),
      ).toEqual([]);
      expect(await legacy.getTrace('7f'.repeat(16))).toBeUndefined();
    });
  });
});
