// Loaded with `node --require ./otel/register.cjs services/<name>.cjs`, before the service requires
// `http`, so the require hook can patch it. Everything about the export comes from the standard
// OTEL_* environment (endpoint, protocol, exporter, batch delay, resource attributes with the run id).
'use strict';
const path = require('node:path');
const { NodeSDK } = require('@opentelemetry/sdk-node');
const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');

// The service is named after its script (services/cart-service.cjs → cart-service), overriding an
// inherited OTEL_SERVICE_NAME: five processes started from one environment must not share a name.
// OTEL_RESOURCE_ATTRIBUTES is left as it is, so the run id reaches every span's resource.
process.env.OTEL_SERVICE_NAME = path.basename(process.argv[1] ?? 'checkout-service', '.cjs');
// The example is about traces: without these the SDK would also push metrics and logs every 60 s.
process.env.OTEL_METRICS_EXPORTER ??= 'none';
process.env.OTEL_LOGS_EXPORTER ??= 'none';

const sdk = new NodeSDK({
  instrumentations: [
    new HttpInstrumentation({
      // Readiness probes poll /health many times per start; they are not part of any checkout.
      ignoreIncomingRequestHook: (request) => (request.url ?? '').split('?')[0] === '/health',
    }),
  ],
});
sdk.start();

// The runner stops services with SIGTERM: flush the batch processor before leaving.
let stopping = false;
function stop() {
  if (stopping) return;
  stopping = true;
  sdk
    .shutdown()
    .catch((error) => console.error(`${process.env.OTEL_SERVICE_NAME}: telemetry flush failed: ${error.message}`))
    .finally(() => process.exit(0));
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
