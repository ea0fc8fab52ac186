/**
 * A small shop's traces made by the real OpenTelemetry JS SDK and exported to the embedded receiver
 * over OTLP/HTTP protobuf: three services in one process (one tracer provider each, the context
 * passed by hand as propagation would), explicit times over the last hours, so the tools that read
 * many traces (trends, regressions, correlation) have history.
 *
 * - `big`: a checkout whose process step runs 40 item queries one by one (an N+1), and whose payment
 *   fails with an exception: long lists for every analysis.
 * - `history`: 12 ordinary checkouts spread over the last 3 hours, each with an `order.id`; the
 *   big trace shares `order-42` with the last of them.
 */
import { SpanKind, SpanStatusCode, context, trace, type Span, type Tracer } from '@opentelemetry/api';
import { createSdkTracer } from './sdk-tracer.js';

export interface ShopTraces {
  big: { traceId: string; rootSpanId: string };
  history: string[];
  services: string[];
}

const SERVICES = ['frontend', 'checkout', 'payment'] as const;

export async function emitShopTraces(otlpHttpUrl: string, nowMs: number): Promise<ShopTraces> {
  const sdks = SERVICES.map((serviceName) =>
    createSdkTracer({ serviceName, exporter: 'http-protobuf', endpoint: otlpHttpUrl }),
  );
  const [frontend, checkout, payment] = sdks.map((sdk) => sdk.tracer) as [Tracer, Tracer, Tracer];
  const history: string[] = [];
  for (let index = 0; index < 12; index += 1) {
    const start = nowMs - (3 * 60 - index * 15) * 60_000;
    const root = checkoutTrace({ frontend, checkout, payment }, start, {
      orderId: index === 11 ? 'order-42' : `order-${index}`,
      queries: 3,
      processMs: 40 + (index % 4) * 10,
      paymentFails: false,
    });
    history.push(root.spanContext().traceId);
  }
  const big = checkoutTrace({ frontend, checkout, payment }, nowMs - 60_000, {
    orderId: 'order-42',
    queries: 40,
    processMs: 120,
    paymentFails: true,
  });
  await Promise.all(sdks.map((sdk) => sdk.flush()));
  return {
    big: { traceId: big.spanContext().traceId, rootSpanId: big.spanContext().spanId },
    history,
    services: [...SERVICES],
  };
}

interface CheckoutShape {
  orderId: string;
  queries: number;
  processMs: number;
  paymentFails: boolean;
}

/** One checkout across the three services; returns its (ended) root span. */
function checkoutTrace(
  tracers: { frontend: Tracer; checkout: Tracer; payment: Tracer },
  startMs: number,
  shape: CheckoutShape,
): Span {
  const under = (parent: Span) => trace.setSpan(context.active(), parent);
  const totalMs = shape.processMs + shape.queries * 2 + 40;
  const root = tracers.frontend.startSpan(
    'POST /checkout',
    {
      kind: SpanKind.SERVER,
      startTime: startMs,
      attributes: {
        'http.request.method': 'POST',
        'http.route': '/checkout',
        'url.path': '/checkout',
        'order.id': shape.orderId,
      },
    },
    context.active(),
  );
  const step = tracers.checkout.startSpan(
    'checkout.process',
    { startTime: startMs + 2, attributes: { 'order.id': shape.orderId } },
    under(root),
  );
  for (let index = 0; index < shape.queries; index += 1) {
    const query = tracers.checkout.startSpan(
      'SELECT items',
      {
        kind: SpanKind.CLIENT,
        startTime: startMs + 4 + index * 2,
        attributes: {
          'db.system.name': 'postgresql',
          'db.query.text': 'SELECT * FROM items WHERE id = $1',
          'db.collection.name': 'items',
        },
      },
      under(step),
    );
    query.end(startMs + 5 + index * 2);
  }
  const paymentStart = startMs + 6 + shape.queries * 2;
  const call = tracers.checkout.startSpan(
    'POST /charge',
    {
      kind: SpanKind.CLIENT,
      startTime: paymentStart,
      attributes: {
        'http.request.method': 'POST',
        'server.address': 'payment',
        'url.full': 'http://payment/charge',
      },
    },
    under(step),
  );
  const charge = tracers.payment.startSpan(
    'charge',
    { kind: SpanKind.SERVER, startTime: paymentStart + 1, attributes: { 'payment.method': 'card' } },
    under(call),
  );
  if (shape.paymentFails) {
    charge.recordException(new Error('card declined: insufficient funds'), paymentStart + 20);
    charge.setStatus({ code: SpanStatusCode.ERROR, message: 'card declined' });
    call.setStatus({ code: SpanStatusCode.ERROR });
  }
  charge.end(paymentStart + 25);
  call.end(paymentStart + 26);
  step.end(startMs + shape.processMs + shape.queries * 2 + 30);
  root.end(startMs + totalMs);
  return root;
}
