// Loaded with `node --require ./gateway/otel.cjs gateway/gateway.cjs`, before the gateway requires
// `http`, so the require hook can patch it. Everything about the export comes from the standard
// OTEL_* environment: endpoint, protocol, exporter, batch delay, service name and resource attributes
// (the runner sets OTEL_SERVICE_NAME; by hand, set it to gateway).
//
// No signal handler on purpose: like many real services, the gateway dies on SIGTERM/SIGINT without
// a flush, so a runner must wait for the batch processor's schedule (OTEL_BSP_SCHEDULE_DELAY)
// instead of counting on an exit hook.
'use strict';
const { NodeSDK } = require('@opentelemetry/sdk-node');
const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');

// The example is about traces: without these the SDK would also push metrics and logs every 60 s.
process.env.OTEL_METRICS_EXPORTER ??= 'none';
process.env.OTEL_LOGS_EXPORTER ??= 'none';

new NodeSDK({
  instrumentations: [
    new HttpInstrumentation({
      // Readiness probes poll /health many times per start; they are not part of any loan.
      ignoreIncomingRequestHook: (request) => (request.url ?? '').split('?')[0] === '/health',
    }),
  ],
}).start();
