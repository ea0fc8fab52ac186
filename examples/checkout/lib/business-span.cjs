// The business operations (checkout.process, order.create, ...) as INTERNAL spans made through the
// API: auto-instrumentation sees HTTP and SQL, not what the code means to do.
'use strict';
const { SpanStatusCode, trace } = require('@opentelemetry/api');

/** Runs `work(span)` inside an active span; a thrown error is recorded on it (status ERROR) and rethrown. */
function withSpan(scope, name, attributes, work) {
  return trace.getTracer(scope, '1.0.0').startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      span.recordException(error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
      throw error;
    } finally {
      span.end();
    }
  });
}

module.exports = { withSpan };
