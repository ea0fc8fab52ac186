/**
 * App Insights message rows with a severity → model log records. Azure's exporter sends an OTLP log
 * record as a message (AppTraces / traces) with its severity folded into five levels, its body as
 * text and its attributes as custom dimensions; the span it was emitted in becomes the row's parent.
 * What is lost: the exact severity number and text, a structured body's types (it arrives as JSON
 * text), the observed time, flags, the event name and the scope.
 */
import type { LogRecord } from '../../model/log-record.js';
import type { Attributes } from '../../model/span.js';
import { propertyAttributes } from './telemetry-attributes.js';
import { cellText, spanId, timeToNanos, type TelemetryRow } from './telemetry-mapping.js';
import type { TelemetrySchema } from './telemetry-schema.js';

/**
 * App Insights levels 0-4 by the OTLP severity numbers the exporter folds into each (1-8 Verbose,
 * 9-12 Information, ...); a record reads back with the first number of its band.
 */
const LEVELS: readonly { text: string; severityNumber: number }[] = [
  { text: 'Verbose', severityNumber: 1 },
  { text: 'Information', severityNumber: 9 },
  { text: 'Warning', severityNumber: 13 },
  { text: 'Error', severityNumber: 17 },
  { text: 'Critical', severityNumber: 21 },
];

export function logRecordsFromRows(rows: readonly TelemetryRow[], schema: TelemetrySchema): LogRecord[] {
  return rows.map((row) => logRecordOf(row, schema));
}

function logRecordOf(row: TelemetryRow, schema: TelemetrySchema): LogRecord {
  const level = LEVELS[Number(row[schema.severityLevel])];
  if (!level)
    throw new TypeError(`expected a severity level 0-4, got ${JSON.stringify(row[schema.severityLevel])}`);
  const time = timeToNanos(row[schema.time]);
  const service = cellText(row[schema.roleName]) || 'unknown_service';
  const resource: Attributes = { 'service.name': service };
  const instance = cellText(row[schema.roleInstance]);
  if (instance) resource['service.instance.id'] = instance;
  const traceId = cellText(row[schema.operationId]).toLowerCase();
  const parent = cellText(row[schema.parentId]);
  return {
    timeUnixNano: time,
    observedTimeUnixNano: time,
    severityNumber: level.severityNumber,
    severityText: level.text,
    body: cellText(row[schema.message]),
    attributes: propertyAttributes(row[schema.properties]),
    droppedAttributesCount: 0,
    ...(traceId ? { traceId } : {}),
    ...(parent && parent.toLowerCase() !== traceId ? { spanId: spanId(parent) } : {}),
    serviceName: service,
    resource: { attributes: resource, droppedAttributesCount: 0 },
    scope: { name: '', attributes: {}, droppedAttributesCount: 0 },
  };
}
