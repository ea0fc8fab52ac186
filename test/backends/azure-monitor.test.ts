import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackend } from '../../src/backends/create-backend.js';
import type { TraceBackend } from '../../src/backends/trace-backend.js';
import type { TraceQuery } from '../../src/model/index.js';
import { runBackendContract } from './contract.js';
import { buildContractFixture } from './support/contract-fixture.js';
import {
  exportWithAzureExporter,
  startAzureMonitorStandIn,
  STAND_IN_CREDENTIAL,
  STAND_IN_WORKSPACE_ID,
  type AzureMonitorStandIn,
} from './support/azure-monitor-stand-in.js';
import { tokenize } from './support/kql-stand-in.js';

/**
 * No Azure Monitor server runs outside Azure: the adapter reads from an in-process stand-in of the
 * Log Analytics query API, which stores what Azure's own exporter sends to its ingestion endpoint
 * (support/azure-monitor-stand-in.ts). Both table schemas run the whole contract.
 */
const ADDED_ATTRIBUTES = {
  'app_insights.dependency.type':
    "a dependency's type (Http, InProc, Queue Message, the db system) has no single convention",
  'app_insights.dependency.target':
    "a dependency's target is peer.service, a host, a URL or a db, whichever the exporter found first",
};

for (const schema of ['workspace', 'classic'] as const) {
  describe(`the Azure Monitor adapter (${schema} tables) against a stand-in fed by Azure's exporter`, () => {
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
        { workspace_id: STAND_IN_WORKSPACE_ID, endpoint: standIn.queryEndpoint, schema, retries: 0 },
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
      const literals = tokenize(standIn.queries.at(-1)!.query).filter((token) => token.kind === 'string');
      expect(literals.map((token) => token.text)).toEqual([hostile, `k"] | where true | take 1 //`, hostile]);
    });
  });
}
