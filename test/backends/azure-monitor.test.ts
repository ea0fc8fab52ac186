import { context, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend } from '../../src/backends/create-backend.js';
import type { TraceBackend } from '../../src/backends/trace-backend.js';
import type { TraceQuery } from '../../src/model/index.js';
import { runBackendContract } from './contract.js';
import { buildContractFixture } from './support/contract-fixture.js';
import {
  exportLogsWithAzureExporter,
  exportWithAzureExporter,
  startAzureMonitorStandIn,
  STAND_IN_CREDENTIAL,
  STAND_IN_RESOURCE_ID,
  STAND_IN_WORKSPACE_ID,
  type AzureMonitorStandIn,
} from './support/azure-monitor-stand-in.js';
import { tokenize } from './support/kql-stand-in.js';

/**
 * No Azure Monitor server runs outside Azure: the adapter reads from an in-process stand-in of the
 * Log Analytics query API, which stores what Azure's own exporter sends to its ingestion endpoint
 * (support/azure-monitor-stand-in.ts). Both table schemas run the whole contract, the classic one
 * twice: over the workspace, and in the scope of an Application Insights resource by its id (where
 * the classic tables are the default).
 */
const ADDED_ATTRIBUTES = {
  'app_insights.dependency.type':
    "a dependency's type (Http, InProc, Queue Message, the db system) has no single convention",
  'app_insights.dependency.target':
    "a dependency's target is peer.service, a host, a URL or a db, whichever the exporter found first",
};

const SCOPES = [
  { label: 'workspace tables', entry: { workspace_id: STAND_IN_WORKSPACE_ID, schema: 'workspace' } },
  { label: 'classic tables', entry: { workspace_id: STAND_IN_WORKSPACE_ID, schema: 'classic' } },
  { label: 'an Application Insights resource by its id', entry: { resource_id: STAND_IN_RESOURCE_ID } },
] as const;

for (const { label, entry } of SCOPES) {
  describe(`the Azure Monitor adapter (${label}) against a stand-in fed by Azure's exporter`, () => {
    let standIn: AzureMonitorStandIn;
    const backends: TraceBackend[] = [];
    beforeAll(async () => {
      standIn = await startAzureMonitorStandIn();
    });
    afterAll(async () => {
      for (const backend of backends) await backend.close();
      await standIn.close();
    });
    const azureBackend = () => {
      const backend = createBackend(
        'azure-monitor',
        { ...entry, endpoint: standIn.queryEndpoint, retries: 0 },
        { azureMonitor: { credential: STAND_IN_CREDENTIAL } },
      );
      backends.push(backend);
      return backend;
    };

    describe('contract', () => {
      runBackendContract(
        async () => ({
          backend: azureBackend(),
          ingest: (spans) => exportWithAzureExporter(standIn.connectionString, spans),
        }),
        {
          addedAttributes: ADDED_ATTRIBUTES,
          exemptions: {
            summaryDurationPrecision:
              "Azure's exporter sends starts in whole ms and durations rounded to the ms",
          },
          settleTimeoutMs: 10_000,
        },
      );
    });

    it('answers what the contract leaves to a backend’s choice: presence, status ok, typed-column attributes', async () => {
      const fixture = buildContractFixture(Date.now());
      await exportWithAzureExporter(standIn.connectionString, fixture.spans);
      const backend = azureBackend();
      const ids = async (query: Omit<TraceQuery, 'limit'>) =>
        (await backend.findTraces({ ...query, limit: 10 })).map((summary) => summary.traceId);
      const { frontend, worker, payments } = fixture.services;
      expect(await ids({ serviceName: worker, attributes: [{ key: 'messaging.system' }] })).toEqual([
        fixture.checkout.traceId,
      ]);
      expect(await ids({ serviceName: frontend, status: 'ok' })).toEqual([fixture.health.traceId]);
      expect(
        await ids({
          serviceName: frontend,
          attributes: [{ key: 'http.response.status_code', value: '200' }],
        }),
      ).toEqual([fixture.checkout.traceId]);
      expect(
        await ids({
          serviceName: payments,
          attributes: [{ key: 'app_insights.dependency.type', value: 'postgresql' }],
        }),
      ).toEqual([fixture.checkout.traceId]);
      // The CONSUMER span keeps no name in App Insights; its service is still listed with its trace.
      expect(await ids({ serviceName: worker, operationName: '' })).toEqual([fixture.checkout.traceId]);
    });

    it('lists operations with the kinds App Insights keeps: a request is server, a dependency by its type', async () => {
      const fixture = buildContractFixture(Date.now());
      await exportWithAzureExporter(standIn.connectionString, fixture.spans);
      const backend = azureBackend();
      const kinds = async (service: string) =>
        Object.fromEntries(
          (await backend.listOperations(service)).map((operation) => [operation.name, operation.spanKind]),
        );
      const frontend = await kinds(fixture.services.frontend);
      expect(frontend['GET /checkout']).toBe('server');
      expect(frontend['orders publish']).toBe('producer');
      expect(Object.values(await kinds(fixture.services.payments))).toContain('client');
    });

    it('reads the log records a span emitted, through Azure’s log exporter, and not as span events', async () => {
      const fixture = buildContractFixture(Date.now());
      await exportWithAzureExporter(standIn.connectionString, fixture.spans);
      const root = fixture.spans.find(
        (span) => span.name === 'GET /checkout' && span.parentSpanContext === undefined,
      )!;
      const collected = new InMemoryLogRecordExporter();
      const provider = new LoggerProvider({
        resource: resourceFromAttributes({ 'service.name': fixture.services.frontend }),
        processors: [new SimpleLogRecordProcessor({ exporter: collected })],
      });
      const logger = provider.getLogger('checkout-logs');
      const inSpan = trace.setSpanContext(context.active(), root.spanContext());
      logger.emit({
        context: inSpan,
        severityNumber: SeverityNumber.WARN,
        severityText: 'WARN',
        body: 'cart total recomputed',
        attributes: { 'cart.items': 3 },
      });
      logger.emit({ context: inSpan, severityNumber: SeverityNumber.ERROR, body: 'card declined' });
      await provider.forceFlush();
      await exportLogsWithAzureExporter(standIn.connectionString, collected.getFinishedLogRecords());
      await provider.shutdown();

      const backend = azureBackend();
      expect(backend.capabilities.logs).toBe(true);
      const logs = await backend.getLogs!({
        traceId: root.spanContext().traceId,
        spanId: root.spanContext().spanId,
        limit: 10,
      });
      expect(
        logs.map((log) => ({
          body: log.body,
          severity: [log.severityNumber, log.severityText],
          spanId: log.spanId,
          service: log.serviceName,
        })),
      ).toEqual([
        {
          body: 'cart total recomputed',
          severity: [SeverityNumber.WARN, 'Warning'],
          spanId: root.spanContext().spanId,
          service: fixture.services.frontend,
        },
        {
          body: 'card declined',
          severity: [SeverityNumber.ERROR, 'Error'],
          spanId: root.spanContext().spanId,
          service: fixture.services.frontend,
        },
      ]);
      expect(logs[0]!.attributes['cart.items']).toBe('3');
      expect(await backend.getLogs!({ traceId: root.spanContext().traceId, limit: 1 })).toHaveLength(1);
      // Log rows are not span events of the span they were emitted in.
      const read = await backend.getTrace(root.spanContext().traceId);
      const events = read!.spans.find((span) => span.spanId === root.spanContext().spanId)!.events;
      expect(events.map((event) => event.name)).not.toContain('cart total recomputed');
    });

    it('finds nothing for a service name made of quotes, pipes and backslashes, and breaks no query', async () => {
      const hostile = 'x" or 1==1 | take 1000 //\\';
      expect(
        await azureBackend().findTraces({
          serviceName: hostile,
          attributes: [{ key: `k"] | where true | take 1 //`, value: hostile }],
          limit: 5,
        }),
      ).toEqual([]);
      // The stand-in reads KQL's escapes: a query it could not parse would have been a 400.
      // Each scope's queries go to its own documented route.
      expect(standIn.queries.at(-1)!.path).toBe(
        'resource_id' in entry
          ? `/v1${entry.resource_id}/query`
          : `/v1/workspaces/${STAND_IN_WORKSPACE_ID}/query`,
      );
      const literals = tokenize(standIn.queries.at(-1)!.query).filter((token) => token.kind === 'string');
      expect(literals.map((token) => token.text)).toEqual([hostile, `k"] | where true | take 1 //`, hostile]);
    });
  });
}
