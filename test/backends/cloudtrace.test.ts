import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend } from '../../src/backends/create-backend.js';
import type { TraceBackend } from '../../src/backends/trace-backend.js';
import { runBackendContract } from './contract.js';
import { fixedTokenAuth } from './support/cloudtrace-auth.js';
import { exportWithGoogleExporter } from './support/cloudtrace-export.js';
import { startCloudTraceStandIn, type CloudTraceStandIn } from './support/cloudtrace-stand-in.js';

/**
 * The contract against the Cloud Trace stand-in (no Cloud Trace server runs outside Google), fed by
 * Google's own OpenTelemetry exporter over v2 BatchWriteSpans and read back over v1 REST through
 * Google's client. In-process, so it runs with `npm test`.
 */
describe('the Cloud Trace adapter against the v1 REST stand-in, fed by Google’s exporter', () => {
  let standIn: CloudTraceStandIn;
  const backends: TraceBackend[] = [];
  beforeAll(async () => {
    standIn = await startCloudTraceStandIn();
  });
  afterAll(async () => {
    for (const backend of backends) await backend.close();
    await standIn.close();
  });

  runBackendContract(
    async () => {
      const backend = createBackend(
        'cloud-trace',
        { project_id: standIn.projectId, endpoint: standIn.restUrl },
        { cloudTrace: { auth: fixedTokenAuth() } },
      );
      backends.push(backend);
      return { backend, ingest: (spans) => exportWithGoogleExporter(standIn, spans) };
    },
    {
      addedAttributes: {
        'g.co/agent': 'Google’s exporter names itself on every span',
      },
      settleTimeoutMs: 10_000,
    },
  );
  describe('what only Cloud Trace does', () => {
    it('reads the exporter’s /http/ labels and monitored-resource labels back as conventions and resource', async () => {
      const exporter = new InMemorySpanExporter();
      const tracer = new BasicTracerProvider({
        // No resourceFilter below: the service survives only as the generic_task job label.
        resource: resourceFromAttributes({ 'service.name': 'legacy-shop', 'service.instance.id': 'pod-7' }),
        spanProcessors: [new SimpleSpanProcessor(exporter)],
      }).getTracer('legacy-instrumentation');
      const span = tracer.startSpan('GET /cart', {
        kind: SpanKind.SERVER,
        attributes: {
          // The HTTP conventions before 1.23, which the exporter renames to Google's labels.
          'http.method': 'GET',
          'http.status_code': 503,
          'http.url': 'https://shop.example.com/cart',
          'http.user_agent': 'curl/8.5.0',
          'app.note': 'x'.repeat(300),
        },
      });
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'upstream down' });
      span.end();
      await exportWithGoogleExporter(standIn, exporter.getFinishedSpans(), {});
      const backend = createBackend(
        'cloud-trace',
        { project_id: standIn.projectId, endpoint: standIn.restUrl },
        { cloudTrace: { auth: fixedTokenAuth() } },
      );
      backends.push(backend);
      const [read] = (await backend.getTrace(span.spanContext().traceId))!.spans;
      expect(read).toMatchObject({
        name: 'GET /cart',
        kind: 'server',
        serviceName: 'legacy-shop',
        status: { code: 'error', message: 'upstream down' },
        resource: { attributes: { 'service.name': 'legacy-shop', 'service.instance.id': 'pod-7' } },
      });
      expect(read!.attributes).toMatchObject({
        'http.request.method': 'GET',
        'http.response.status_code': '503',
        'url.full': 'https://shop.example.com/cart',
        'user_agent.original': 'curl/8.5.0',
      });
      // v2 keeps 256 bytes of a string attribute, as the declared fidelity says.
      expect(read!.attributes['app.note']).toBe('x'.repeat(256));
      expect(backend.fidelity?.truncatesStringValuesAtBytes).toBe(256);
      expect(
        await backend.findTraces({ limit: 5, serviceName: 'legacy-shop', status: 'error' }),
      ).toHaveLength(1);
    });
  });
});
