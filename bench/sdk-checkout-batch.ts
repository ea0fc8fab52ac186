/**
 * The batch the receiver benchmarks send: real SDK spans as an exporter would batch them, 64 traces
 * of an HTTP server span with 7 database client spans (512 spans), ~10 attributes and an event each,
 * every 16th checkout failing. One generator, so the decode and pipeline figures measure the same bytes.
 */
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';

export const BATCH_SPANS = 512;
const TRACES = BATCH_SPANS / 8;

export async function sdkCheckoutBatch(): Promise<ReadableSpan[]> {
  const copy = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      'service.name': 'checkout',
      'service.version': '1.4.2',
      'host.name': 'web-7',
      'process.pid': 4242,
      'telemetry.sdk.language': 'nodejs',
    }),
    spanProcessors: [new SimpleSpanProcessor(copy)],
  });
  const tracer = provider.getTracer('@acme/http', '0.52.1');
  for (let i = 0; i < TRACES; i++) {
    const root = tracer.startSpan('GET /api/orders/:id', {
      kind: SpanKind.SERVER,
      attributes: {
        'http.request.method': i % 4 === 0 ? 'POST' : 'GET',
        'http.route': '/api/orders/:id',
        'url.path': `/api/orders/${1000 + i}`,
        'http.response.status_code': i % 16 === 0 ? 500 : 200,
        'server.address': 'shop.example.com',
        'server.port': 443,
        'user_agent.original': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36',
        'client.address': `10.1.2.${i}`,
        'network.protocol.version': '1.1',
        'app.cache_hit': i % 2 === 0,
      },
    });
    const parent = trace.setSpan(context.active(), root);
    for (let j = 0; j < 7; j++) {
      const child = tracer.startSpan(
        'SELECT shop.orders',
        {
          kind: SpanKind.CLIENT,
          attributes: {
            'db.system.name': 'postgresql',
            'db.query.text':
              'SELECT id, status, total FROM orders WHERE customer_id = $1 AND created_at > $2',
            'db.namespace': 'shop',
            'db.operation.name': 'SELECT',
            'db.collection.name': 'orders',
            'server.address': 'db.internal',
            'server.port': 5432,
            'db.response.returned_rows': j * 3,
            'app.shard': `eu-${j % 3}`,
            'app.retry': false,
          },
        },
        parent,
      );
      child.addEvent('query.sent', { 'db.bytes': 120 + j });
      child.end();
    }
    root.addEvent('response.sent', { 'http.response.body.size': 2048 });
    if (i % 16 === 0) root.setStatus({ code: SpanStatusCode.ERROR, message: 'upstream failed' });
    root.end();
  }
  await provider.forceFlush();
  const spans = copy.getFinishedSpans();
  await provider.shutdown();
  return spans;
}
