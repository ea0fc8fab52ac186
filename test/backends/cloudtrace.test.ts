import { afterAll, beforeAll, describe } from 'vitest';
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
});
