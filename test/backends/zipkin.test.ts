import { describe, expect, it } from 'vitest';
import { createBackend } from '../../src/backends/create-backend.js';
import { serverHalfSpanId } from '../../src/backends/zipkin/zipkin-mapping.js';
import type { ZipkinBackend } from '../../src/backends/zipkin/zipkin-backend.js';
import { runBackendContract } from './contract.js';
import { CONTRACT_TIMEOUT_MS, describeWithServer } from './support/real-servers.js';
import { postZipkinSpans, toZipkinSpan } from './support/zipkin-export.js';

describeWithServer('zipkin', 'the Zipkin adapter against a real Zipkin server', (server) => {
  describe('contract', () => {
    runBackendContract(async () => {
      const api = server().endpoints.api!;
      return {
        backend: createBackend('zipkin', { endpoint: api, timeout_ms: CONTRACT_TIMEOUT_MS }),
        ingest: (spans) => postZipkinSpans(api, spans.map(toZipkinSpan)),
      };
    });
  });

  describe('what only Zipkin does', () => {
    const nowMicros = () => Date.now() * 1000 - 2_000_000;

    it('splits a shared client/server span pair into a client span and its server child', async () => {
      const api = server().endpoints.api!;
      const backend = createBackend('zipkin', { endpoint: api, timeout_ms: CONTRACT_TIMEOUT_MS });
      const traceId = `${Date.now().toString(16).padStart(16, '0')}a1b2c3d4e5f60718`;
      const start = nowMicros();
      await postZipkinSpans(api, [
        {
          traceId,
          id: '1000000000000001',
          name: 'checkout',
          kind: 'SERVER',
          timestamp: start,
          duration: 9000,
          localEndpoint: { serviceName: 'web' },
        },
        {
          traceId,
          parentId: '1000000000000001',
          id: '2000000000000002',
          name: 'get /stock',
          kind: 'CLIENT',
          timestamp: start + 1000,
          duration: 5000,
          localEndpoint: { serviceName: 'web' },
          remoteEndpoint: { serviceName: 'stock', ipv4: '10.1.2.3', port: 8080 },
        },
        {
          traceId,
          parentId: '1000000000000001',
          id: '2000000000000002',
          name: 'get /stock',
          kind: 'SERVER',
          shared: true,
          timestamp: start + 1500,
          duration: 4000,
          localEndpoint: { serviceName: 'stock' },
        },
        {
          traceId,
          parentId: '2000000000000002',
          id: '3000000000000003',
          name: 'select',
          timestamp: start + 2000,
          duration: 1000,
          localEndpoint: { serviceName: 'stock' },
        },
      ]);
      const trace = await waitForTrace(backend, traceId, 4);
      const serverHalf = trace.spans.find((span) => span.kind === 'server' && span.serviceName === 'stock')!;
      const client = trace.spans.find((span) => span.kind === 'client')!;
      const select = trace.spans.find((span) => span.name === 'select')!;
      expect(client.spanId).toBe('2000000000000002');
      expect(serverHalf.spanId).toBe(serverHalfSpanId(traceId, '2000000000000002'));
      expect(serverHalf.parentSpanId).toBe(client.spanId);
      expect(select.parentSpanId).toBe(serverHalf.spanId);
      expect(client.attributes).toMatchObject({
        'peer.service': 'stock',
        'server.address': '10.1.2.3',
        'server.port': 8080,
      });
      // Read twice, the same ids: the derived id is stable.
      expect((await backend.getTrace(traceId))?.spans.map((span) => span.spanId)).toEqual(
        trace.spans.map((span) => span.spanId),
      );
    });

    it('pads a 64-bit trace id to 32 digits and finds the trace by either form', async () => {
      const api = server().endpoints.api!;
      const backend = createBackend('zipkin', { endpoint: api, timeout_ms: CONTRACT_TIMEOUT_MS });
      const shortId = (Date.now() * 7).toString(16).padStart(16, '1').slice(-16);
      await postZipkinSpans(api, [
        {
          traceId: shortId,
          id: '4000000000000004',
          name: 'legacy',
          kind: 'SERVER',
          timestamp: nowMicros(),
          duration: 1000,
          localEndpoint: { serviceName: 'old-b3-service' },
          tags: { error: 'true' },
        },
      ]);
      const trace = await waitForTrace(backend, shortId, 1);
      expect(trace.traceId).toBe(shortId.padStart(32, '0'));
      expect(trace.spans[0]!.status).toEqual({ code: 'error' });
      expect((await backend.getTrace(shortId.padStart(32, '0')))?.spans).toHaveLength(1);
    });

    it('lists service dependencies from its own aggregation', async () => {
      const backend = createBackend('zipkin', {
        endpoint: server().endpoints.api!,
        timeout_ms: CONTRACT_TIMEOUT_MS,
      }) as ZipkinBackend;
      const links = await backend.getDependencies();
      expect(links).toContainEqual(expect.objectContaining({ parent: 'web', child: 'stock' }));
    });
  });
});

async function waitForTrace(backend: ReturnType<typeof createBackend>, traceId: string, spans: number) {
  for (let tries = 0; tries < 100; tries++) {
    const trace = await backend.getTrace(traceId);
    if (trace && trace.spans.length >= spans) return trace;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`trace ${traceId} did not arrive with ${spans} spans`);
}
