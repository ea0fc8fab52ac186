/**
 * App Insights rows → model spans. App Insights keeps less than OTLP, and this says what is left:
 * - a request row (SERVER or CONSUMER span) reads as SERVER; a dependency row as INTERNAL when its
 *   type is `InProc`, PRODUCER when it is `Queue Message`, else CLIENT (HTTP, database, RPC, or an
 *   untyped `Dependency`). The exporter gives a CONSUMER span no name (it names requests after
 *   `ai.operation.name`, which it sets for SERVER spans only), so those come back named ''.
 * - times: the exporter sends a span's start to the millisecond and its duration in whole ms.
 * - `Success` false is an ERROR status; true is UNSET (App Insights does not tell OK from UNSET) and
 *   the status message is not stored: a failed span's message is its first exception's, if any.
 * - events are rows of their own pointing at the span (`ParentId` = the span id): AppExceptions for
 *   `exception` events, AppTraces for the others (rows with a severity are log records, not events).
 * - links keep trace and span ids, not their attributes; scope, trace state and resource attributes
 *   other than the role (`service.name`) and role instance are not stored.
 */
import type { Attributes, Span, SpanEvent, SpanKind, SpanLink } from '../../model/span.js';
import { msToNanos } from '../../model/time.js';
import { dependencyAttributes, propertyAttributes, requestAttributes } from './telemetry-attributes.js';
import type { TelemetrySchema } from './telemetry-schema.js';

/** One result row by column name. */
export type TelemetryRow = Record<string, unknown>;

const LEGACY_ID = /^\|?([0-9a-f]{32})\.([0-9a-f]{16})\.?/;

/** Every span of the rows with its events, in row order. */
export function spansFromRows(rows: readonly TelemetryRow[], schema: TelemetrySchema): Span[] {
  const spans: Span[] = [];
  const byId = new Map<string, Span>();
  const events: { key: string; event: SpanEvent; exceptionMessage?: string }[] = [];
  for (const row of rows) {
    const type = cellText(row[schema.itemType]);
    if (type === schema.itemTypes.request || type === schema.itemTypes.dependency) {
      const span = spanOf(row, schema, type === schema.itemTypes.request);
      spans.push(span);
      byId.set(`${span.traceId}/${span.spanId}`, span);
    } else if (type === schema.itemTypes.exception || type === schema.itemTypes.trace) {
      if (type === schema.itemTypes.trace && row[schema.severityLevel] != null) continue;
      const parent = cellText(row[schema.parentId]);
      const traceId = cellText(row[schema.operationId]).toLowerCase();
      if (!parent) continue;
      const exception = type === schema.itemTypes.exception;
      const event = exception ? exceptionEvent(row, schema) : messageEvent(row, schema);
      events.push({
        key: `${traceId}/${spanId(parent)}`,
        event,
        exceptionMessage: exception ? cellText(row[schema.exceptionMessage]) : undefined,
      });
    }
  }
  for (const { key, event, exceptionMessage } of events) {
    const span = byId.get(key);
    if (!span) continue;
    span.events.push(event);
    if (span.status.code === 'error' && span.status.message === undefined && exceptionMessage)
      span.status.message = exceptionMessage;
  }
  for (const span of spans)
    span.events.sort((a, b) =>
      a.timeUnixNano < b.timeUnixNano ? -1 : a.timeUnixNano > b.timeUnixNano ? 1 : 0,
    );
  return spans;
}

function spanOf(row: TelemetryRow, schema: TelemetrySchema, isRequest: boolean): Span {
  const traceId = cellText(row[schema.operationId]).toLowerCase();
  const start = timeToNanos(row[schema.time]);
  const duration = Number(row[schema.durationMs]);
  const attributes = propertyAttributes(row[schema.properties]);
  if (isRequest)
    requestAttributes(
      { url: cellText(row[schema.url]), resultCode: cellText(row[schema.resultCode]) },
      attributes,
    );
  else
    dependencyAttributes(
      {
        type: cellText(row[schema.dependencyType]),
        target: cellText(row[schema.target]),
        data: cellText(row[schema.data]),
        resultCode: cellText(row[schema.resultCode]),
      },
      attributes,
    );
  const service = cellText(row[schema.roleName]) || 'unknown_service';
  const resource: Attributes = { 'service.name': service };
  const instance = cellText(row[schema.roleInstance]);
  if (instance) resource['service.instance.id'] = instance;
  const span: Span = {
    traceId,
    spanId: spanId(cellText(row[schema.id])),
    name: cellText(row[schema.spanName]),
    kind: isRequest ? 'server' : dependencyKind(cellText(row[schema.dependencyType])),
    serviceName: service,
    startTimeUnixNano: start,
    endTimeUnixNano: start + (Number.isFinite(duration) && duration > 0 ? msToNanos(duration) : 0n),
    status: isSuccess(row[schema.success]) ? { code: 'unset' } : { code: 'error' },
    attributes,
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: linksOf(schema.links === undefined ? undefined : row[schema.links], row[schema.properties]),
    droppedLinksCount: 0,
    resource: { attributes: resource, droppedAttributesCount: 0 },
    scope: { name: '', attributes: {}, droppedAttributesCount: 0 },
  };
  const parent = cellText(row[schema.parentId]);
  // Older SDKs give a root request its operation id as parent.
  if (parent && parent.toLowerCase() !== traceId) span.parentSpanId = spanId(parent);
  return span;
}

export function dependencyKind(type: string): SpanKind {
  if (type === 'InProc' || type.startsWith('InProc |')) return 'internal';
  if (type === 'Queue Message') return 'producer';
  return 'client';
}

/** A bool in workspace tables, the text True/False in classic ones. */
function isSuccess(value: unknown): boolean {
  if (typeof value === 'string') return value.toLowerCase() !== 'false';
  return value !== false;
}

/** W3C ids are used as they are; an older SDK's hierarchical id `|<trace>.<span>.` gives its span part. */
export function spanId(id: string): string {
  const lower = id.toLowerCase();
  return LEGACY_ID.exec(lower)?.[2] ?? lower;
}

function messageEvent(row: TelemetryRow, schema: TelemetrySchema): SpanEvent {
  return {
    timeUnixNano: timeToNanos(row[schema.time]),
    name: cellText(row[schema.message]),
    attributes: propertyAttributes(row[schema.properties]),
    droppedAttributesCount: 0,
  };
}

function exceptionEvent(row: TelemetryRow, schema: TelemetrySchema): SpanEvent {
  const attributes = propertyAttributes(row[schema.properties]);
  const type = cellText(row[schema.exceptionType]);
  const message = cellText(row[schema.exceptionMessage]);
  if (type) attributes['exception.type'] = type;
  if (message) attributes['exception.message'] = message;
  const stack = rawStack(row[schema.details]);
  if (stack) attributes['exception.stacktrace'] = stack;
  return {
    timeUnixNano: timeToNanos(row[schema.time]),
    name: 'exception',
    attributes,
    droppedAttributesCount: 0,
  };
}

/** The first exception's `rawStack` in `Details`; the JS exporter writes the text "undefined" when there was none. */
function rawStack(details: unknown): string | undefined {
  const list = typeof details === 'string' ? safeJson(details) : details;
  const first: unknown = Array.isArray(list) ? list[0] : undefined;
  if (typeof first !== 'object' || first === null) return undefined;
  const stack = (first as { rawStack?: unknown }).rawStack;
  return typeof stack === 'string' && stack !== '' && stack !== 'undefined' ? stack : undefined;
}

/** `OperationLinks` (workspace) or the `_MS.links` custom dimension: `[{operation_Id, id}]`. */
function linksOf(column: unknown, properties: unknown): SpanLink[] {
  let list: unknown = typeof column === 'string' ? safeJson(column) : column;
  if (!Array.isArray(list) || list.length === 0) {
    const dimension =
      typeof properties === 'object' && properties !== null
        ? (properties as Record<string, unknown>)['_MS.links']
        : undefined;
    list = typeof dimension === 'string' ? safeJson(dimension) : dimension;
  }
  if (!Array.isArray(list)) return [];
  const links: SpanLink[] = [];
  for (const item of list) {
    if (typeof item !== 'object' || item === null) continue;
    const { operation_Id: traceId, id } = item as { operation_Id?: unknown; id?: unknown };
    if (typeof traceId !== 'string' || typeof id !== 'string') continue;
    links.push({
      traceId: traceId.toLowerCase(),
      spanId: spanId(id),
      attributes: {},
      droppedAttributesCount: 0,
    });
  }
  return links;
}

function safeJson(textValue: string): unknown {
  try {
    return JSON.parse(textValue);
  } catch {
    return undefined;
  }
}

export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : String(value);
}

/**
 * A datetime cell → nanoseconds. The query client turns datetime columns into Dates (milliseconds);
 * a cell left as text keeps Kusto's 100 ns ticks.
 */
export function timeToNanos(value: unknown): bigint {
  if (value instanceof Date) return BigInt(value.getTime()) * 1_000_000n;
  if (typeof value === 'string') {
    const match = /^(.*T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})?$/.exec(value);
    const ms = match ? Date.parse(`${match[1]!}${match[3] ?? 'Z'}`) : Number.NaN;
    if (match && !Number.isNaN(ms)) {
      const fraction = BigInt((match[2] ?? '').slice(0, 9).padEnd(9, '0'));
      return BigInt(ms / 1000) * 1_000_000_000n + fraction;
    }
  }
  throw new TypeError(`expected a datetime, got ${JSON.stringify(value)}`);
}
