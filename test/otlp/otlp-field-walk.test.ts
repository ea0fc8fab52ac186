/**
 * Walks every field of the OTLP trace and log messages (as listed in opentelemetry-proto's .proto files)
 * and checks that each one arrives in the model, over protobuf and over JSON. A field added to the
 * schema without a row here fails the coverage check, so nothing is dropped silently.
 */
import { describe, expect, it } from 'vitest';
import type { LogRecord, Span } from '../../src/model/index.js';
import {
  decodeLogsRequestJson,
  decodeLogsRequestProtobuf,
  decodeTraceRequestJson,
  decodeTraceRequestProtobuf,
} from '../../src/otlp/index.js';
import { encodeOtlp, hex, otlpType, toOtlpJson } from './otlp-proto-schema.js';

const str = (value: string) => ({ string_value: value });
const attr = (key: string, value: string) => ({ key, value: str(value) });

const SPAN = {
  trace_id: hex('0af7651916cd43dd8448eb211c80319c'),
  span_id: hex('b7ad6b7169203331'),
  trace_state: 'congo=t61rcWkgMzE',
  parent_span_id: hex('00f067aa0ba902b7'),
  flags: 0x301,
  name: 'GET /orders/:id',
  kind: 2,
  start_time_unix_nano: '1764000000123456789',
  end_time_unix_nano: '1764000000223456789',
  attributes: [attr('span.attr', 'sa')],
  dropped_attributes_count: 3,
  events: [
    {
      time_unix_nano: '1764000000150000001',
      name: 'exception',
      attributes: [attr('event.attr', 'ea')],
      dropped_attributes_count: 4,
    },
  ],
  dropped_events_count: 5,
  links: [
    {
      trace_id: hex('11111111111111111111111111111111'),
      span_id: hex('2222222222222222'),
      trace_state: 'link=state',
      attributes: [attr('link.attr', 'la')],
      dropped_attributes_count: 6,
      flags: 0x101,
    },
  ],
  dropped_links_count: 7,
  status: { message: 'card declined', code: 2 },
};

const RESOURCE = { attributes: [attr('service.name', 'checkout')], dropped_attributes_count: 8 };
const SCOPE = {
  name: '@acme/http',
  version: '1.2.3',
  attributes: [attr('scope.attr', 'sc')],
  dropped_attributes_count: 9,
};

const TRACE_REQUEST = {
  resource_spans: [
    {
      resource: RESOURCE,
      scope_spans: [{ scope: SCOPE, spans: [SPAN], schema_url: 'https://opentelemetry.io/schemas/scope' }],
      schema_url: 'https://opentelemetry.io/schemas/resource',
    },
  ],
};

type Check<T> = [field: string, read: (item: T) => unknown, expected: unknown];

/** Every field of Span, Event, Link, Status, Resource, InstrumentationScope, ResourceSpans, ScopeSpans. */
const SPAN_CHECKS: Record<string, Check<Span>[]> = {
  Span: [
    ['trace_id', (s) => s.traceId, '0af7651916cd43dd8448eb211c80319c'],
    ['span_id', (s) => s.spanId, 'b7ad6b7169203331'],
    ['trace_state', (s) => s.traceState, 'congo=t61rcWkgMzE'],
    ['parent_span_id', (s) => s.parentSpanId, '00f067aa0ba902b7'],
    ['flags', (s) => s.flags, 0x301],
    ['name', (s) => s.name, 'GET /orders/:id'],
    ['kind', (s) => s.kind, 'server'],
    ['start_time_unix_nano', (s) => s.startTimeUnixNano, 1764000000123456789n],
    ['end_time_unix_nano', (s) => s.endTimeUnixNano, 1764000000223456789n],
    ['attributes', (s) => s.attributes, { 'span.attr': 'sa' }],
    ['dropped_attributes_count', (s) => s.droppedAttributesCount, 3],
    ['events', (s) => s.events.length, 1],
    ['dropped_events_count', (s) => s.droppedEventsCount, 5],
    ['links', (s) => s.links.length, 1],
    ['dropped_links_count', (s) => s.droppedLinksCount, 7],
    ['status', (s) => s.status.code, 'error'],
  ],
  'Span.Event': [
    ['time_unix_nano', (s) => s.events[0]?.timeUnixNano, 1764000000150000001n],
    ['name', (s) => s.events[0]?.name, 'exception'],
    ['attributes', (s) => s.events[0]?.attributes, { 'event.attr': 'ea' }],
    ['dropped_attributes_count', (s) => s.events[0]?.droppedAttributesCount, 4],
  ],
  'Span.Link': [
    ['trace_id', (s) => s.links[0]?.traceId, '11111111111111111111111111111111'],
    ['span_id', (s) => s.links[0]?.spanId, '2222222222222222'],
    ['trace_state', (s) => s.links[0]?.traceState, 'link=state'],
    ['attributes', (s) => s.links[0]?.attributes, { 'link.attr': 'la' }],
    ['dropped_attributes_count', (s) => s.links[0]?.droppedAttributesCount, 6],
    ['flags', (s) => s.links[0]?.flags, 0x101],
  ],
  Status: [
    ['message', (s) => s.status.message, 'card declined'],
    ['code', (s) => s.status.code, 'error'],
  ],
  Resource: [
    ['attributes', (s) => s.resource.attributes, { 'service.name': 'checkout' }],
    ['dropped_attributes_count', (s) => s.resource.droppedAttributesCount, 8],
  ],
  InstrumentationScope: [
    ['name', (s) => s.scope.name, '@acme/http'],
    ['version', (s) => s.scope.version, '1.2.3'],
    ['attributes', (s) => s.scope.attributes, { 'scope.attr': 'sc' }],
    ['dropped_attributes_count', (s) => s.scope.droppedAttributesCount, 9],
  ],
  ResourceSpans: [
    ['resource', (s) => s.serviceName, 'checkout'],
    ['scope_spans', (s) => s.scope.name, '@acme/http'],
    ['schema_url', (s) => s.resource.schemaUrl, 'https://opentelemetry.io/schemas/resource'],
  ],
  ScopeSpans: [
    ['scope', (s) => s.scope.version, '1.2.3'],
    ['spans', (s) => s.name, 'GET /orders/:id'],
    ['schema_url', (s) => s.scope.schemaUrl, 'https://opentelemetry.io/schemas/scope'],
  ],
};

/** Fields with no place in the model, and why. */
const NOT_MAPPED: Record<string, string[]> = {
  // Development-status entity references (resource.proto); no backend or analysis uses them yet.
  Resource: ['entity_refs'],
};

const LOG = {
  time_unix_nano: '1764000000300000001',
  observed_time_unix_nano: '1764000000300000999',
  severity_number: 17,
  severity_text: 'ERROR',
  body: { kvlist_value: { values: [attr('message', 'payment failed')] } },
  attributes: [attr('log.attr', 'lg')],
  dropped_attributes_count: 10,
  flags: 1,
  trace_id: hex('0af7651916cd43dd8448eb211c80319c'),
  span_id: hex('b7ad6b7169203331'),
  event_name: 'payment.failed',
};

const LOGS_REQUEST = {
  resource_logs: [
    {
      resource: RESOURCE,
      scope_logs: [
        { scope: SCOPE, log_records: [LOG], schema_url: 'https://opentelemetry.io/schemas/scope' },
      ],
      schema_url: 'https://opentelemetry.io/schemas/resource',
    },
  ],
};

const LOG_CHECKS: Record<string, Check<LogRecord>[]> = {
  LogRecord: [
    ['time_unix_nano', (l) => l.timeUnixNano, 1764000000300000001n],
    ['observed_time_unix_nano', (l) => l.observedTimeUnixNano, 1764000000300000999n],
    ['severity_number', (l) => l.severityNumber, 17],
    ['severity_text', (l) => l.severityText, 'ERROR'],
    ['body', (l) => l.body, { message: 'payment failed' }],
    ['attributes', (l) => l.attributes, { 'log.attr': 'lg' }],
    ['dropped_attributes_count', (l) => l.droppedAttributesCount, 10],
    ['flags', (l) => l.flags, 1],
    ['trace_id', (l) => l.traceId, '0af7651916cd43dd8448eb211c80319c'],
    ['span_id', (l) => l.spanId, 'b7ad6b7169203331'],
    ['event_name', (l) => l.eventName, 'payment.failed'],
  ],
  ResourceLogs: [
    ['resource', (l) => l.serviceName, 'checkout'],
    ['scope_logs', (l) => l.scope.name, '@acme/http'],
    ['schema_url', (l) => l.resource.schemaUrl, 'https://opentelemetry.io/schemas/resource'],
  ],
  ScopeLogs: [
    ['scope', (l) => l.scope.attributes, { 'scope.attr': 'sc' }],
    ['log_records', (l) => l.eventName, 'payment.failed'],
    ['schema_url', (l) => l.scope.schemaUrl, 'https://opentelemetry.io/schemas/scope'],
  ],
};

function expectEveryFieldChecked(checks: Record<string, Check<never>[]>): void {
  for (const [message, rows] of Object.entries(checks)) {
    const declared = otlpType(message).fieldsArray.map((field) => field.name);
    const covered = [...rows.map(([field]) => field), ...(NOT_MAPPED[message] ?? [])];
    expect(covered.sort(), `fields of ${message}`).toEqual(declared.sort());
  }
}

describe('every OTLP field reaches the model', () => {
  it('has a check for each field of Span, Event, Link, Status, Resource, Scope and their containers', () => {
    expectEveryFieldChecked(SPAN_CHECKS);
    expectEveryFieldChecked(LOG_CHECKS);
  });

  const protobufSpan = () =>
    decodeTraceRequestProtobuf(encodeOtlp('ExportTraceServiceRequest', TRACE_REQUEST));
  const jsonSpan = () => decodeTraceRequestJson(JSON.stringify(toOtlpJson(TRACE_REQUEST)));

  for (const [encoding, decode] of [
    ['protobuf', protobufSpan],
    ['JSON', jsonSpan],
  ] as const) {
    for (const [message, rows] of Object.entries(SPAN_CHECKS)) {
      it.each(rows)(`keeps ${message}.%s of a span sent as ${encoding}`, (_field, read, expected) => {
        const decoded = decode();
        expect(decoded.rejected).toBe(0);
        expect(read(decoded.spans[0]!)).toEqual(expected);
      });
    }
  }

  const protobufLog = () => decodeLogsRequestProtobuf(encodeOtlp('ExportLogsServiceRequest', LOGS_REQUEST));
  const jsonLog = () => decodeLogsRequestJson(JSON.stringify(toOtlpJson(LOGS_REQUEST)));

  for (const [encoding, decode] of [
    ['protobuf', protobufLog],
    ['JSON', jsonLog],
  ] as const) {
    for (const [message, rows] of Object.entries(LOG_CHECKS)) {
      it.each(rows)(`keeps ${message}.%s of a log record sent as ${encoding}`, (_field, read, expected) => {
        const decoded = decode();
        expect(decoded.rejected).toBe(0);
        expect(read(decoded.logs[0]!)).toEqual(expected);
      });
    }
  }
});
