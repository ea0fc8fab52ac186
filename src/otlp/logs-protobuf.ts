/**
 * ExportLogsServiceRequest (or LogsData) protobuf → model log records. Field numbers from
 * opentelemetry/proto/logs/v1/logs.proto. A record whose trace or span id has the wrong length is
 * rejected alone; an empty or all-zero id means the record was not emitted inside a span.
 */
import type { LogRecord } from '../model/log-record.js';
import type { AttributeValue, Attributes, InstrumentationScope, Resource } from '../model/span.js';
import { decodeAnyValue, decodeAttribute, rethrowWithin } from './common-protobuf.js';
import {
  logIdsProblem,
  optionalLogId,
  Rejections,
  serviceNameOf,
  type DecodedLogs,
} from './decoded-batch.js';
import { logTimesProblem } from './timestamp-problems.js';
import { walkProtobufEnvelope } from './envelope-protobuf.js';
import { ProtoReader, WIRE_FIXED32, WIRE_FIXED64, WIRE_LENGTH, WIRE_VARINT } from './proto-reader.js';

export function decodeLogsRequestProtobuf(bytes: Uint8Array): DecodedLogs {
  const logs: LogRecord[] = [];
  const rejections = new Rejections();
  let first = 0;
  walkProtobufEnvelope(bytes, {
    request: 'ExportLogsServiceRequest',
    resourceBlock: 'resource_logs',
    scopeBlock: 'scope_logs',
    items: 'log_records',
    item: (r, end, resource, scope) => decodeLogRecord(r, end, resource, scope, logs, rejections),
    resourceDone: (resource) => {
      const serviceName = serviceNameOf(resource);
      for (let i = first; i < logs.length; i++) logs[i]!.serviceName = serviceName;
      first = logs.length;
    },
  });
  return { logs, rejected: rejections.count, errors: rejections.lines() };
}

const LOG_RECORD_FIELDS: Record<number, string> = {
  1: 'time_unix_nano',
  2: 'severity_number',
  3: 'severity_text',
  5: 'body',
  6: 'attributes',
  7: 'dropped_attributes_count',
  8: 'flags',
  9: 'trace_id',
  10: 'span_id',
  11: 'observed_time_unix_nano',
  12: 'event_name',
};

function decodeLogRecord(
  r: ProtoReader,
  end: number,
  resource: Resource,
  scope: InstrumentationScope,
  logs: LogRecord[],
  rejections: Rejections,
): void {
  let timeUnixNano = 0n;
  let observedTimeUnixNano = 0n;
  let severityNumber = 0;
  let severityText: string | undefined;
  let body: AttributeValue = null;
  const attributes: Attributes = {};
  let droppedAttributesCount = 0;
  let flags: number | undefined;
  let traceId = '';
  let spanId = '';
  let eventName: string | undefined;
  let field = 0;
  let index = 0;
  try {
    while (r.pos < end) {
      const key = r.tag();
      field = key >>> 3;
      switch (field) {
        case 1:
          r.expect(key, WIRE_FIXED64);
          timeUnixNano = r.fixed64();
          break;
        case 2:
          r.expect(key, WIRE_VARINT);
          severityNumber = r.int32();
          break;
        case 3: {
          r.expect(key, WIRE_LENGTH);
          const text = r.string();
          severityText = text === '' ? undefined : text;
          break;
        }
        case 5: {
          r.expect(key, WIRE_LENGTH);
          const bodyEnd = r.lengthEnd();
          body = decodeAnyValue(r, bodyEnd, 0);
          break;
        }
        case 6:
          decodeAttribute(r, key, attributes);
          index++;
          break;
        case 7:
          r.expect(key, WIRE_VARINT);
          droppedAttributesCount = r.uint32();
          break;
        case 8:
          r.expect(key, WIRE_FIXED32);
          flags = r.fixed32();
          break;
        case 9:
          r.expect(key, WIRE_LENGTH);
          traceId = r.hex();
          break;
        case 10:
          r.expect(key, WIRE_LENGTH);
          spanId = r.hex();
          break;
        case 11:
          r.expect(key, WIRE_FIXED64);
          observedTimeUnixNano = r.fixed64();
          break;
        case 12: {
          r.expect(key, WIRE_LENGTH);
          const text = r.string();
          eventName = text === '' ? undefined : text;
          break;
        }
        default:
          r.skip(key & 7);
      }
    }
    r.finish(end);
  } catch (error) {
    rethrowWithin(error, LOG_RECORD_FIELDS, field, field === 6 ? index : -1);
  }
  const problem = logIdsProblem(traceId, spanId) ?? logTimesProblem(timeUnixNano, observedTimeUnixNano);
  if (problem !== undefined) {
    rejections.add(`log record${eventName ? ` "${eventName}"` : ''} rejected: ${problem}`);
    return;
  }
  logs.push({
    timeUnixNano,
    observedTimeUnixNano,
    severityNumber,
    severityText,
    body,
    attributes,
    droppedAttributesCount,
    flags,
    traceId: optionalLogId(traceId),
    spanId: optionalLogId(spanId),
    eventName,
    serviceName: '',
    resource,
    scope,
  });
}
