import { describe, expect, it } from 'vitest';
import type { LogRecord, Span } from '../../src/model/index.js';
import { encodeSpans, encodedSpansBuffers } from '../../src/store/spans/encoded-spans.js';
import { buildTrace } from '../support/trace-builder.js';
import { downgradeToJsonSpanColumns, openTestStore } from './store-fixture.js';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const LINKED_TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';

/** A span with every field of the model populated, in the awkward forms OTLP allows. */
function everyFieldSpan(): Span {
  return {
    traceId: TRACE_ID,
    spanId: 'b7ad6b7169203331',
    parentSpanId: '00f067aa0ba902b7',
    traceState: 'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE',
    flags: 0x301,
    name: 'POST /checkout — ünïcødé 🚀',
    kind: 'server',
    serviceName: 'checkout-service',
    // Both beyond 2^53: a double would round the last digits away.
    startTimeUnixNano: 1_764_000_000_123_456_789n,
    endTimeUnixNano: 1_764_000_000_987_654_321n,
    status: { code: 'error', message: 'card declined: 支払い拒否' },
    attributes: {
      'http.request.method': 'POST',
      'http.response.status_code': 402,
      'int64.max': '9223372036854775807',
      'int.beyond.2^53': '-9007199254740993',
      ratio: 0.1,
      'payload.bytes': 'AAECAwT/',
      'feature.enabled': false,
      'empty.string': '',
      'null.value': null,
      list: ['a', 1, true, null, ['nested'], { k: 'v' }],
      map: { inner: { deeper: [1.5, 'x'] }, empty: {}, list: [] },
      'not.a.number': Number.NaN,
      infinity: Number.POSITIVE_INFINITY,
      'minus.infinity': Number.NEGATIVE_INFINITY,
      'minus.zero': -0,
      'ключ.юникод': 'значение 🙂',
      'quote"and\\backslash': 'line\nbreak\ttab\u0000nul',
      long: 'x'.repeat(5_000),
    },
    droppedAttributesCount: 3,
    events: [
      {
        timeUnixNano: 1_764_000_000_500_000_001n,
        name: 'exception',
        attributes: {
          'exception.type': 'CardDeclinedError',
          'exception.message': 'declined',
          'exception.stacktrace': 'Error: declined\n    at charge (pay.js:1:1)',
          'exception.escaped': false,
          code: Number.NaN,
        },
        droppedAttributesCount: 1,
      },
      { timeUnixNano: 1_764_000_000_600_000_000n, name: '', attributes: {}, droppedAttributesCount: 0 },
    ],
    droppedEventsCount: 2,
    links: [
      {
        traceId: LINKED_TRACE_ID,
        spanId: '00f067aa0ba902b7',
        traceState: 'congo=t61rcWkgMzE',
        flags: 1,
        attributes: { 'link.reason': 'batch', 'messaging.batch.index': 3 },
        droppedAttributesCount: 4,
      },
      { traceId: LINKED_TRACE_ID, spanId: '53995c3f42cd8ad8', attributes: {}, droppedAttributesCount: 0 },
    ],
    droppedLinksCount: 5,
    resource: {
      attributes: {
        'service.name': 'checkout-service',
        'process.pid': 4242,
        'process.command_args': ['node', 'server.js', '--port', '8080'],
        'host.ratio': Number.POSITIVE_INFINITY,
      },
      droppedAttributesCount: 1,
      schemaUrl: 'https://opentelemetry.io/schemas/1.26.0',
    },
    scope: {
      name: '@opentelemetry/instrumentation-http',
      version: '0.52.0',
      attributes: { 'scope.kind': 'auto', 'scope.depth': 2 },
      droppedAttributesCount: 2,
      schemaUrl: 'https://opentelemetry.io/schemas/1.24.0',
    },
  };
}

/** The sparse counterpart: optional fields absent, and empty strings where the model requires one. */
function sparseSpan(): Span {
  return {
    traceId: TRACE_ID,
    spanId: '00f067aa0ba902b7',
    name: '',
    kind: 'unspecified',
    serviceName: 'unknown_service',
    startTimeUnixNano: 1_764_000_000_000_000_000n,
    endTimeUnixNano: 1_764_000_000_000_000_000n,
    status: { code: 'unset' },
    attributes: {},
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    resource: { attributes: {}, droppedAttributesCount: 0 },
    scope: { name: '', attributes: {}, droppedAttributesCount: 0 },
  };
}

describe('span round trip', () => {
  it('returns a span with every model field exactly as written, nanoseconds and odd numbers included', () => {
    const { store } = openTestStore();
    const span = everyFieldSpan();
    store.writeSpans([span]);
    expect(store.getSpan(TRACE_ID, span.spanId)).toStrictEqual(everyFieldSpan());
  });

  it('keeps absent fields absent and empty strings empty', () => {
    const { store } = openTestStore();
    store.writeSpans([sparseSpan()]);
    const read = store.getSpan(TRACE_ID, '00f067aa0ba902b7');
    expect(read).toStrictEqual(sparseSpan());
    expect(read).not.toHaveProperty('parentSpanId');
    expect(read).not.toHaveProperty('traceState');
    expect(read).not.toHaveProperty('flags');
    expect(read?.name).toBe('');
    expect(read?.status).toStrictEqual({ code: 'unset' });
    expect(read?.scope).not.toHaveProperty('version');
    expect(read?.resource).not.toHaveProperty('schemaUrl');
  });

  it('reads an empty trace state or status message back as absent, as OTLP itself cannot tell them apart', () => {
    const { store } = openTestStore();
    const span = everyFieldSpan();
    span.traceState = '';
    span.status.message = '';
    span.links[0]!.traceState = '';
    store.writeSpans([span]);
    const read = store.getSpan(TRACE_ID, span.spanId);
    expect(read).not.toHaveProperty('traceState');
    expect(read?.status).toStrictEqual({ code: 'error' });
    expect(read?.links[0]).not.toHaveProperty('traceState');
  });

  it('returns a whole trace in start order, each span equal to what was written', () => {
    const { store } = openTestStore();
    store.writeSpans([everyFieldSpan(), sparseSpan()]);
    const trace = store.getTrace(TRACE_ID);
    expect(trace).toStrictEqual({ traceId: TRACE_ID, spans: [sparseSpan(), everyFieldSpan()] });
  });

  it('hands out copies: changing a returned trace changes neither the store nor its sibling spans', () => {
    const { store } = openTestStore();
    const trace = buildTrace({ name: 'root', children: [{ name: 'child' }] });
    store.writeSpans(trace.spans);
    const first = store.getTrace(trace.traceId);
    first!.spans[0]!.resource.attributes['service.name'] = 'changed';
    first!.spans[0]!.attributes['added'] = 1;
    expect(first!.spans[1]!.resource.attributes['service.name']).toBe('test-service');
    expect(store.getTrace(trace.traceId)).toStrictEqual(trace);
  });

  it('stores resources and scopes once however many spans repeat them', () => {
    const { store } = openTestStore();
    const trace = buildTrace({
      name: 'root',
      children: [{ name: 'a' }, { name: 'b', children: [{ name: 'c' }] }],
    });
    store.writeSpans(trace.spans.slice(0, 2));
    // Equal but not the same objects, in another batch, with keys in another order.
    store.writeSpans(
      trace.spans.slice(2).map((span) => ({
        ...span,
        resource: { droppedAttributesCount: 0, attributes: { ...span.resource.attributes } },
        scope: { ...span.scope },
      })),
    );
    const db = store.connection();
    expect(db.prepare('SELECT count(*) FROM resources').pluck().get()).toBe(1);
    expect(db.prepare('SELECT count(*) FROM scopes').pluck().get()).toBe(1);
    expect(store.getTrace(trace.traceId)).toStrictEqual(trace);
  });

  it('reads spans that a build before span bodies stored as JSON columns, and searches them beside spans with bodies', () => {
    const { store, open } = openTestStore();
    store.writeSpans([everyFieldSpan()]);
    downgradeToJsonSpanColumns(store.connection());
    store.close();
    const migrated = open();
    const withBody: Span = {
      ...sparseSpan(),
      attributes: { 'http.request.method': 'GET', 'only.in.body': true },
      events: [
        {
          timeUnixNano: 1_764_000_000_000_000_000n,
          name: 'e',
          attributes: { 'event.only': 'x' },
          droppedAttributesCount: 0,
        },
      ],
    };
    migrated.writeSpans([withBody]);
    const kinds = migrated.connection().prepare('SELECT body IS NULL FROM spans ORDER BY id').pluck().all();
    expect(kinds).toEqual([1, 0]);
    expect(migrated.getTrace(TRACE_ID)).toStrictEqual({
      traceId: TRACE_ID,
      spans: [withBody, everyFieldSpan()],
    });
    const found = (key: string, value: string | boolean) =>
      migrated.findTraces({ limit: 10, attributes: [{ key, value }] }).map((summary) => summary.traceId);
    expect(found('http.request.method', 'POST')).toEqual([TRACE_ID]);
    expect(found('http.request.method', 'GET')).toEqual([TRACE_ID]);
    expect(found('http.request.method', 'PUT')).toEqual([]);
    expect(found('long', 'x'.repeat(5_000))).toEqual([TRACE_ID]);
    expect(found('only.in.body', true)).toEqual([TRACE_ID]);
    expect(found('event.only', 'x')).toEqual([]);
  });

  it('stores a batch encoded for the writer thread and cloned to it row for row as writeSpans does', () => {
    // The writer thread receives encodeSpans' columns through postMessage, typed arrays transferred.
    const batch = (): Span[] => {
      const trace = buildTrace({ name: 'root', children: [{ name: 'a' }, { name: 'b' }] });
      // A span sent twice in one batch (an exporter's retry joined to it by the group commit).
      return [everyFieldSpan(), sparseSpan(), everyFieldSpan(), ...trace.spans];
    };
    const spans = batch();
    const direct = openTestStore().store;
    const threaded = openTestStore().store;
    direct.writeSpans(spans);
    const encoded = encodeSpans(spans);
    threaded.writeEncodedSpans([structuredClone(encoded, { transfer: encodedSpansBuffers(encoded) })]);
    for (const store of [direct, threaded]) store.sealOpenBucket();
    const rows = (store: typeof direct) =>
      [
        'spans',
        'traces',
        'resources',
        'resource_attributes',
        'scopes',
        'operations',
        'attribute_keys',
        'attribute_postings',
        'span_links',
      ].map((table) => store.connection().prepare(`SELECT * FROM ${table}`).all());
    expect(rows(threaded)).toStrictEqual(rows(direct));
    expect(threaded.getTrace(TRACE_ID)).toStrictEqual({
      traceId: TRACE_ID,
      spans: [sparseSpan(), everyFieldSpan()],
    });
    expect(threaded.stats().spanCount).toBe(spans.length - 1);
  });

  it('returns undefined for a trace or span it does not have', () => {
    const { store } = openTestStore();
    store.writeSpans([sparseSpan()]);
    expect(store.getTrace('1'.repeat(32))).toBeUndefined();
    expect(store.getSpan(TRACE_ID, '1'.repeat(16))).toBeUndefined();
  });
});

function logRecord(overrides: Partial<LogRecord> = {}): LogRecord {
  return {
    timeUnixNano: 1_764_000_000_200_000_001n,
    observedTimeUnixNano: 1_764_000_000_200_000_999n,
    severityNumber: 17,
    severityText: 'ERROR',
    body: { message: 'payment failed', details: ['card', 402, Number.NaN], nested: { ok: false } },
    attributes: { 'exception.type': 'CardDeclinedError', 'log.count': 2, 'minus.zero': -0 },
    droppedAttributesCount: 1,
    flags: 1,
    traceId: TRACE_ID,
    spanId: 'b7ad6b7169203331',
    eventName: 'payment.failed',
    serviceName: 'checkout-service',
    resource: { attributes: { 'service.name': 'checkout-service' }, droppedAttributesCount: 0 },
    scope: { name: 'app-logger', version: '1.0.0', attributes: {}, droppedAttributesCount: 0 },
    ...overrides,
  };
}

describe('log round trip', () => {
  it('returns log records with every field as written, by trace and by span, in time order', () => {
    const { store } = openTestStore();
    const later = logRecord({
      timeUnixNano: 1_764_000_000_300_000_000n,
      body: 'plain text body',
      spanId: '00f067aa0ba902b7',
    });
    const sparse: LogRecord = {
      timeUnixNano: 0n,
      observedTimeUnixNano: 1_764_000_000_100_000_000n,
      severityNumber: 0,
      body: null,
      attributes: {},
      droppedAttributesCount: 0,
      traceId: TRACE_ID,
      serviceName: 'unknown_service',
      resource: { attributes: {}, droppedAttributesCount: 0 },
      scope: { name: '', attributes: {}, droppedAttributesCount: 0 },
    };
    store.writeLogs([later, logRecord(), sparse]);
    expect(store.getLogs({ traceId: TRACE_ID, limit: 10 })).toStrictEqual([sparse, logRecord(), later]);
    expect(store.getLogs({ traceId: TRACE_ID, spanId: 'b7ad6b7169203331', limit: 10 })).toStrictEqual([
      logRecord(),
    ]);
    expect(store.getLogs({ traceId: TRACE_ID, limit: 1 })).toStrictEqual([sparse]);
  });

  it('keeps records logged outside any span without listing them under a trace', () => {
    const { store } = openTestStore();
    const untraced = logRecord();
    delete untraced.traceId;
    delete untraced.spanId;
    store.writeLogs([untraced]);
    expect(store.stats().logCount).toBe(1);
    expect(store.getLogs({ traceId: TRACE_ID, limit: 10 })).toEqual([]);
  });
});
