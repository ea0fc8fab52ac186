/**
 * ExportLogsServiceRequest (or LogsData) in OTLP/JSON → model log records, by the rules of
 * logs-protobuf.ts: wrong-length ids reject the record alone; empty or all-zero ids mean "no span".
 */
import type { LogRecord } from '../model/log-record.js';
import {
  anyValue,
  arrayField,
  asObject,
  at,
  attributesField,
  enumField,
  idField,
  uint32Field,
  jsonDecodeError,
  nanosField,
  optionalUint32Field,
  optionalString,
  parseJsonDocument,
  resourceFrom,
  scopeFrom,
} from './common-json.js';
import {
  logIdsProblem,
  optionalLogId,
  Rejections,
  serviceNameOf,
  type DecodedLogs,
} from './decoded-batch.js';
import { logTimesProblem } from './timestamp-problems.js';

/** SeverityNumber names, index = value (logs.proto). */
const SEVERITY_NAMES = [
  'SEVERITY_NUMBER_UNSPECIFIED',
  ...['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'].flatMap((level) =>
    ['', '2', '3', '4'].map((n) => `SEVERITY_NUMBER_${level}${n}`),
  ),
];

export function decodeLogsRequestJson(input: unknown): DecodedLogs {
  const messageName = 'ExportLogsServiceRequest';
  const document = parseJsonDocument(input, messageName);
  const logs: LogRecord[] = [];
  const rejections = new Rejections();
  try {
    arrayField(document, 'resourceLogs').forEach((raw, i) =>
      at(`resourceLogs[${i}]`, () => {
        const resourceLogs = asObject(raw);
        const resource = resourceFrom(resourceLogs);
        const serviceName = serviceNameOf(resource);
        arrayField(resourceLogs, 'scopeLogs').forEach((rawScope, j) =>
          at(`scopeLogs[${j}]`, () => {
            const scopeLogs = asObject(rawScope);
            const scope = scopeFrom(scopeLogs);
            arrayField(scopeLogs, 'logRecords').forEach((rawRecord, k) =>
              at(`logRecords[${k}]`, () => {
                const record = asObject(rawRecord);
                const traceId = idField(record, 'traceId', 16);
                const spanId = idField(record, 'spanId', 8);
                const eventName = optionalString(record, 'eventName');
                const time = nanosField(record, 'timeUnixNano');
                const observedTime = nanosField(record, 'observedTimeUnixNano');
                const problem = logIdsProblem(traceId, spanId, true) ?? logTimesProblem(time, observedTime);
                if (problem !== undefined) {
                  rejections.add(`log record${eventName ? ` "${eventName}"` : ''} rejected: ${problem}`);
                  return;
                }
                const body = record.body;
                logs.push({
                  timeUnixNano: time,
                  observedTimeUnixNano: observedTime,
                  severityNumber: enumField(record, 'severityNumber', SEVERITY_NAMES),
                  severityText: optionalString(record, 'severityText'),
                  body: body === undefined || body === null ? null : at('body', () => anyValue(body)),
                  attributes: attributesField(record, 'attributes'),
                  droppedAttributesCount: uint32Field(record, 'droppedAttributesCount'),
                  flags: optionalUint32Field(record, 'flags'),
                  traceId: optionalLogId(traceId),
                  spanId: optionalLogId(spanId),
                  eventName,
                  serviceName,
                  resource,
                  scope,
                });
              }),
            );
          }),
        );
      }),
    );
  } catch (error) {
    throw jsonDecodeError(error, messageName);
  }
  return { logs, rejected: rejections.count, errors: rejections.lines() };
}
