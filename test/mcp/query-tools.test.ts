import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/mcp-harness.js';
import { createSdkTracer } from '../support/sdk-tracer.js';
import { waitFor } from '../support/wait-for.js';

/** One checkout trace from the real SDK: a server root, a DB child, a failing payment call, 30 cache reads. */
async function sendCheckoutTrace(harness: Harness): Promise<string> {
  const sdk = createSdkTracer({
    serviceName: 'checkout-service',
    exporter: 'http-protobuf',
    endpoint: harness.otlpHttpUrl,
    resourceAttributes: { 'deployment.environment': 'test' },
  });
  const root = sdk.tracer.startSpan('POST /checkout', {
    kind: SpanKind.SERVER,
    attributes: {
      'http.request.method': 'POST',
      'http.route': '/checkout',
      'http.response.status_code': 200,
      'cart.items': 3,
    },
  });
  const rootContext = trace.setSpan(context.active(), root);
  const db = sdk.tracer.startSpan(
    'SELECT cart',
    {
      kind: SpanKind.CLIENT,
      attributes: { 'db.system.name': 'sqlite', 'db.query.text': 'SELECT * FROM cart WHERE id = ?' },
    },
    rootContext,
  );
  db.end();
  const payment = sdk.tracer.startSpan(
    'payment.charge',
    { kind: SpanKind.CLIENT, attributes: { 'payment.method': 'card' } },
    rootContext,
  );
  payment.recordException({ name: 'CardDeclinedError', message: 'card declined' });
  payment.setStatus({ code: SpanStatusCode.ERROR, message: 'card declined' });
  payment.end();
  for (let index = 0; index < 30; index += 1) {
    sdk.tracer.startSpan('cache.get', { attributes: { 'cache.key': `item-${index}` } }, rootContext).end();
  }
  root.end();
  await sdk.flush();
  return root.spanContext().traceId;
}

describe('query tools through a real MCP client', () => {
  let harness: Harness;
  let traceId: string;

  beforeAll(async () => {
    harness = await startHarness();
    traceId = await sendCheckoutTrace(harness);
    await waitFor('the checkout trace to be stored', async () => {
      const result = await harness.call('get_traces', { service_name: 'checkout-service' });
      return result.structured.traces?.length ? true : undefined;
    });
  });
  afterAll(async () => harness?.close());

  it('lists every query tool with a description, an output schema and read-only annotations', async () => {
    const { tools } = await harness.client.listTools();
    const names = tools.map((tool) => tool.name);
    for (const name of [
      'get_otlp_endpoint',
      'list_services',
      'list_operations',
      'get_traces',
      'search_traces',
      'get_trace_by_id',
      'get_span_details',
    ]) {
      const tool = tools.find((candidate) => candidate.name === name);
      expect(tool, name).toBeDefined();
      expect(tool?.description?.length).toBeGreaterThan(60);
      expect(tool?.outputSchema, name).toBeDefined();
      expect(tool?.annotations?.readOnlyHint, name).toBe(true);
    }
    expect(names).toContain('get_trace_by_id');
  });

  it('tells a service where to export with the real receiver port', async () => {
    const result = await harness.call('get_otlp_endpoint');
    expect(result.isError).toBe(false);
    expect(result.structured.environment.OTEL_EXPORTER_OTLP_ENDPOINT).toBe(harness.otlpHttpUrl);
    expect(result.structured.environment.OTEL_EXPORTER_OTLP_PROTOCOL).toBe('http/protobuf');
    expect(result.text).toContain(`OTEL_EXPORTER_OTLP_ENDPOINT=${harness.otlpHttpUrl}`);
  });

  it('lists the service with its span count', async () => {
    const result = await harness.call('list_services');
    const service = result.structured.services.find(
      (item: { name: string }) => item.name === 'checkout-service',
    );
    expect(service.span_count).toBe(33);
    expect(result.text).toContain('checkout-service');
  });

  it('lists operations and suggests the nearest service for a mistyped name', async () => {
    const result = await harness.call('list_operations', { service_name: 'checkout-service' });
    expect(result.structured.operations.map((op: { name: string }) => op.name).sort()).toEqual([
      'POST /checkout',
      'SELECT cart',
      'cache.get',
      'payment.charge',
    ]);
    const wrong = await harness.call('list_operations', { service_name: 'checkout-svc' });
    expect(wrong.isError).toBe(true);
    expect(wrong.text).toMatch(/did you mean checkout-service/);
  });

  it('finds the trace by attribute with type coercion, by error status and by duration', async () => {
    const byAttribute = await harness.call('search_traces', {
      query: { attributes: { 'http.response.status_code': '200' } },
    });
    expect(byAttribute.structured.traces.map((t: { trace_id: string }) => t.trace_id)).toContain(traceId);
    const byStatus = await harness.call('search_traces', {
      query: { service_name: 'checkout-service', status: 'error' },
    });
    expect(byStatus.structured.traces[0].trace_id).toBe(traceId);
    expect(byStatus.structured.traces[0].error_count).toBe(1);
    // As OpenTelemetry writes it: the SDKs' ERROR, OTLP JSON's STATUS_CODE_ERROR.
    for (const status of ['ERROR', 'STATUS_CODE_ERROR']) {
      const spelled = await harness.call('search_traces', {
        query: { service_name: 'checkout-service', status },
      });
      expect(spelled.isError).toBe(false);
      expect(spelled.structured.traces[0].trace_id).toBe(traceId);
    }
    const unknown = await harness.call('search_traces', { query: { status: 'failed' } });
    expect(unknown.isError).toBe(true);
    expect(unknown.text).toContain('expected one of "error"|"ok"');
    const none = await harness.call('search_traces', {
      query: { operation_name: 'POST /checkout', min_duration_ms: 60_000 },
    });
    expect(none.structured.traces).toEqual([]);
    expect(none.text).toMatch(/No traces matched/);
  });

  it('opens the trace by a unique prefix in the summary view', async () => {
    const result = await harness.call('get_trace_by_id', { trace_id: traceId.slice(0, 8) });
    expect(result.isError).toBe(false);
    expect(result.structured.trace_id).toBe(traceId);
    expect(result.structured.summary.span_count).toBe(33);
    expect(result.structured.summary.roots[0].name).toBe('POST /checkout');
    expect(result.structured.summary.errors[0]).toMatchObject({
      name: 'payment.charge',
      status_message: 'card declined',
    });
    expect(result.text).toMatch(/Next: view=tree/);
  });

  it('renders the tree view with the repeated cache reads collapsed', async () => {
    const result = await harness.call('get_trace_by_id', { trace_id: traceId, view: 'tree' });
    expect(result.isError).toBe(false);
    expect(result.text).toContain('POST /checkout');
    expect(result.text).toMatch(/cache\.get.*×30|×30.*cache\.get/);
    expect(result.text).toContain('✗');
  });

  it('pages through every span exactly once with a small budget', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const result = await harness.call('get_trace_by_id', {
        trace_id: traceId,
        view: 'spans',
        budget_tokens: 600,
        ...(cursor ? { cursor } : {}),
      });
      expect(result.isError).toBe(false);
      seen.push(...result.structured.spans.map((span: { span_id: string }) => span.span_id));
      cursor = result.structured.next_cursor;
      pages += 1;
    } while (cursor && pages < 50);
    expect(pages).toBeGreaterThan(1);
    expect(seen).toHaveLength(33);
    expect(new Set(seen).size).toBe(33);
  });

  it('shows every attribute and the exception event of one span', async () => {
    const summary = await harness.call('get_trace_by_id', { trace_id: traceId });
    const paymentId = summary.structured.summary.errors[0].span_id;
    const result = await harness.call('get_span_details', { trace_id: traceId, span_id: paymentId });
    expect(result.structured.attributes).toEqual({ 'payment.method': 'card' });
    expect(result.structured.events[0].name).toBe('exception');
    expect(result.structured.events[0].attributes['exception.type']).toBe('CardDeclinedError');
    expect(result.structured.resource['deployment.environment']).toBe('test');
    expect(result.text).toContain('payment.method: card');
  });

  it("pages a span's 32 children with its cursor at a small budget, each child once", async () => {
    const spans = await harness.call('get_trace_by_id', {
      trace_id: traceId,
      view: 'spans',
      budget_tokens: 20_000,
    });
    const root = spans.structured.spans.find((span: { name: string }) => span.name === 'POST /checkout');
    const args = { trace_id: traceId, span_id: root.span_id, budget_tokens: 500 };
    const first = await harness.call('get_span_details', args);
    expect(first.isError, first.text).toBe(false);
    expect(first.text).toContain('32 children');
    expect(first.text).toContain('http.route: /checkout');
    expect(first.structured.truncated.children).toBe(32 - first.structured.children.length);
    const ids = first.structured.children.map((child: { span_id: string }) => child.span_id);
    let cursor: string | undefined = first.structured.next_cursor;
    while (cursor) {
      const page = await harness.call('get_span_details', { ...args, cursor });
      expect(page.isError, page.text).toBe(false);
      ids.push(...(page.structured.children ?? []).map((child: { span_id: string }) => child.span_id));
      cursor = page.structured.next_cursor;
    }
    const whole = await harness.call('get_span_details', { ...args, budget_tokens: 50_000 });
    expect(whole.structured.truncated).toBeUndefined();
    expect(whole.structured.children).toHaveLength(32);
    expect(ids).toEqual(whole.structured.children.map((child: { span_id: string }) => child.span_id));
  });

  it('answers bad input with an error result that says what to do next', async () => {
    const notHex = await harness.call('get_trace_by_id', { trace_id: 'zzzz-not-hex' });
    expect(notHex.isError).toBe(true);
    expect(notHex.text).toMatch(/not hexadecimal/);
    const tooLong = await harness.call('get_trace_by_id', { trace_id: `${'ab'.repeat(17)}` });
    expect(tooLong.isError).toBe(true);
    expect(tooLong.text).toContain('has 34 hex digits; a trace id has 32');
    const missing = await harness.call('get_trace_by_id', { trace_id: 'ffffffffffffffffffffffffffffffff' });
    expect(missing.isError).toBe(true);
    expect(missing.text).toMatch(/NOT_FOUND.*\nNext: list recent traces with get_traces/);
    const badRange = await harness.call('get_traces', { time_range: 'since the dawn of time' });
    expect(badRange.isError).toBe(true);
    expect(badRange.text).toMatch(/'15m'/);
    const badView = await harness.call('get_trace_by_id', { trace_id: traceId, view: 'waterfall' });
    expect(badView.isError).toBe(true);
    const badBackend = await harness.call('get_traces', { backend: 'jaegr' });
    expect(badBackend.isError).toBe(true);
    expect(badBackend.text).toMatch(/use one of: embedded/);
    // Still answering afterwards.
    expect((await harness.call('list_services')).isError).toBe(false);
  });
});

describe('trace lists that hold back matches', () => {
  let harness: Harness;

  beforeAll(async () => {
    harness = await startHarness();
    const sdk = createSdkTracer({
      serviceName: 'busy-service',
      exporter: 'http-protobuf',
      endpoint: harness.otlpHttpUrl,
    });
    for (let index = 0; index < 12; index += 1) {
      sdk.tracer
        .startSpan(`GET /items/${index}`, {
          kind: SpanKind.SERVER,
          attributes: { 'http.response.status_code': 200 },
        })
        .end();
    }
    await sdk.flush();
    await waitFor('the twelve traces to be stored', async () => {
      const result = await harness.call('get_traces', { service_name: 'busy-service', limit: 50 });
      return result.structured.traces?.length === 12 ? true : undefined;
    });
  });
  afterAll(async () => harness?.close());

  it('says a list cut at the limit is truncated, that more match, and how to see them', async () => {
    for (const [tool, args] of [
      ['get_traces', { service_name: 'busy-service', limit: 5 }],
      [
        'search_traces',
        {
          query: { service_name: 'busy-service', attributes: { 'http.response.status_code': 200 }, limit: 5 },
        },
      ],
    ] as const) {
      const result = await harness.call(tool, args);
      expect(result.isError, tool).toBe(false);
      expect(result.structured.traces, tool).toHaveLength(5);
      expect(result.structured.truncated.traces, tool).toBeGreaterThanOrEqual(1);
      expect(result.structured.next, tool).toMatch(/raise limit \(now 5\)/);
      // Traces past the limit were never fetched: no cursor pretends to page them.
      expect(result.structured.next_cursor, tool).toBeUndefined();
      expect(result.text, tool).toMatch(/Past the limit: at least 1 more traces; raise limit \(now 5\)/);
    }
  });

  it('does not call a list truncated when exactly the limit matched', async () => {
    const result = await harness.call('get_traces', { service_name: 'busy-service', limit: 12 });
    expect(result.structured.traces).toHaveLength(12);
    expect(result.structured.truncated).toBeUndefined();
    expect(result.structured.next).toBeUndefined();
    expect(result.structured.next_cursor).toBeUndefined();
    expect(result.text).not.toMatch(/Past the limit|Cut for size/);
  });

  it('counts exactly the traces cut for the output budget, and its cursor pages the rest at the same clock', async () => {
    const args = { query: { service_name: 'busy-service', limit: 50 }, budget_tokens: 500 };
    const first = await harness.call('search_traces', args);
    const shown = first.structured.traces.length;
    expect(shown).toBeGreaterThan(0);
    expect(shown).toBeLessThan(12);
    expect(first.structured.truncated).toEqual({ traces: 12 - shown });
    expect(first.text).toContain(`Cut for size: ${12 - shown} traces.`);
    expect(first.text).toContain(`cursor="${first.structured.next_cursor}"`);
    const ids = first.structured.traces.map((t: { trace_id: string }) => t.trace_id);
    let cursor: string | undefined = first.structured.next_cursor;
    while (cursor) {
      const page = await harness.call('search_traces', { ...args, cursor });
      expect(page.isError).toBe(false);
      ids.push(...page.structured.traces.map((t: { trace_id: string }) => t.trace_id));
      cursor = page.structured.next_cursor;
    }
    const whole = await harness.call('search_traces', { ...args, budget_tokens: 20_000 });
    expect(ids).toEqual(whole.structured.traces.map((t: { trace_id: string }) => t.trace_id));
  });
});

describe('a 2025-era MCP client', () => {
  it('connects with the initialize handshake and calls the query tools', async () => {
    const harness = await startHarness({ era: 'legacy' });
    try {
      expect(harness.client.getProtocolEra()).toBe('legacy');
      // The newest 2025-era revision: what an initialize handshake settles on with this server.
      expect(harness.client.getNegotiatedProtocolVersion()).toBe('2025-11-25');
      const { tools } = await harness.client.listTools();
      expect(tools.length).toBeGreaterThanOrEqual(7);
      const result = await harness.call('get_otlp_endpoint');
      expect(result.structured.environment.OTEL_EXPORTER_OTLP_ENDPOINT).toBe(harness.otlpHttpUrl);
    } finally {
      await harness.close();
    }
  });

  it('is distinguished from a 2026-07-28 client, which negotiates the modern era', async () => {
    const harness = await startHarness({ era: 'modern' });
    try {
      expect(harness.client.getProtocolEra()).toBe('modern');
      expect(harness.client.getNegotiatedProtocolVersion()).toBe('2026-07-28');
    } finally {
      await harness.close();
    }
  });
});
