/**
 * The KQL queries the adapter sends, one function per question. Every user value goes through
 * kql-literal.ts. The shapes are few and fixed on purpose: a filter that cannot be put exactly into
 * KQL (an attribute the adapter reads from a typed column, the trace-wide status) only narrows what
 * is fetched, and the adapter checks every fetched trace against the whole query itself.
 */
import type { AttributeFilter, TimeWindow, TraceQuery } from '../../model/query.js';
import { kqlDatetime, kqlNumber, kqlString } from './kql-literal.js';
import { isDerivedAttribute } from './telemetry-attributes.js';
import type { TelemetrySchema } from './telemetry-schema.js';

/** The span tables: one row per span. */
function spanTables(schema: TelemetrySchema): string {
  // isfuzzy: a workspace that never received a dependency has no AppDependencies table at all.
  return `union isfuzzy=true ${schema.tables.requests}, ${schema.tables.dependencies}`;
}

function allTables(schema: TelemetrySchema): string {
  const { requests, dependencies, traces, exceptions } = schema.tables;
  return `union isfuzzy=true ${requests}, ${dependencies}, ${traces}, ${exceptions}`;
}

function inWindow(schema: TelemetrySchema, window: TimeWindow): string {
  return `where ${schema.time} between (${kqlDatetime(window.startUnixNano)} .. ${kqlDatetime(window.endUnixNano + 99n)})`;
}

/** Every row (spans, events, exceptions) of these traces; one more than `maxRows` tells of a cut. */
export function traceRowsQuery(
  schema: TelemetrySchema,
  traceIds: readonly string[],
  maxRows: number,
): string {
  const ids = traceIds.map((id) => kqlString(id, 'trace id')).join(', ');
  return [allTables(schema), `where ${schema.operationId} in (${ids})`, `take ${maxRows + 1}`].join('\n| ');
}

/**
 * The traces with a span in the window meeting the span-level filters, newest first by that span's
 * start (never before the trace's own start), at most `max` + 1 (one more tells there were others).
 */
export function candidateTracesQuery(
  schema: TelemetrySchema,
  query: TraceQuery,
  window: TimeWindow,
  max: number,
): string {
  const clauses = [spanTables(schema), inWindow(schema, window)];
  if (query.serviceName !== undefined)
    clauses.push(`where ${schema.roleName} == ${kqlString(query.serviceName, 'service name')}`);
  if (query.operationName !== undefined)
    clauses.push(`where ${schema.spanName} == ${kqlString(query.operationName, 'operation name')}`);
  if (query.minDurationMs !== undefined)
    clauses.push(`where ${schema.durationMs} >= ${kqlNumber(query.minDurationMs, 'minimum duration')}`);
  if (query.maxDurationMs !== undefined)
    clauses.push(`where ${schema.durationMs} <= ${kqlNumber(query.maxDurationMs, 'maximum duration')}`);
  for (const filter of query.attributes ?? []) {
    const clause = propertyClause(schema, filter);
    if (clause) clauses.push(clause);
  }
  if (query.status === 'error') {
    clauses.push(
      `where ${schema.operationId} in ((${spanTables(schema)} | ${inWindow(schema, window)} | ${failed(schema)} | distinct ${schema.operationId}))`,
    );
  }
  clauses.push(
    `summarize Seen = min(${schema.time}) by ${schema.operationId}`,
    `top ${max + 1} by Seen desc`,
  );
  return clauses.join('\n| ');
}

/** `success` is a bool in workspace tables and the text True/False in classic ones. */
function failed(schema: TelemetrySchema): string {
  return `where tostring(${schema.success}) =~ "false"`;
}

/** A custom-dimension filter, or undefined when the key is read from a typed column (checked later). */
function propertyClause(schema: TelemetrySchema, filter: AttributeFilter): string | undefined {
  if (isDerivedAttribute(filter.key)) return undefined;
  const cell = `${schema.properties}[${kqlString(filter.key, 'attribute key')}]`;
  const value = filter.value;
  if (value === undefined) return `where isnotempty(${cell})`;
  // Custom dimensions are text (the exporter writes String(value), JSON for lists): 200 is "200".
  if (typeof value === 'number')
    return `where todouble(${cell}) == ${kqlNumber(value, `value of '${filter.key}'`)}`;
  if (typeof value === 'string' || typeof value === 'boolean')
    return `where tostring(${cell}) == ${kqlString(String(value), `value of '${filter.key}'`)}`;
  return `where isnotempty(${cell})`;
}

/** The services that sent a span in the window. */
export function servicesQuery(schema: TelemetrySchema, window: TimeWindow, max: number): string {
  return [spanTables(schema), inWindow(schema, window), `distinct ${schema.roleName}`, `take ${max}`].join(
    '\n| ',
  );
}

/**
 * The span names of one service in the window, with what tells their kind: the row's table and,
 * for a dependency, its type (empty for a request, whose table has no such column).
 */
export function operationsQuery(
  schema: TelemetrySchema,
  serviceName: string,
  window: TimeWindow,
  max: number,
): string {
  return [
    spanTables(schema),
    inWindow(schema, window),
    `where ${schema.roleName} == ${kqlString(serviceName, 'service name')}`,
    `distinct ${schema.itemType}, ${schema.spanName}, ${schema.dependencyType}`,
    `take ${max}`,
  ].join('\n| ');
}

/**
 * The log records of one trace (or of one span of it), oldest first, at most `max`: message rows
 * with a severity, which Azure's exporter gives every log record it sends as a message and no span
 * event (see telemetry-mapping.ts).
 */
export function logRecordsQuery(
  schema: TelemetrySchema,
  traceId: string,
  spanId: string | undefined,
  max: number,
): string {
  const clauses = [
    `union isfuzzy=true ${schema.tables.traces}`,
    `where ${schema.operationId} == ${kqlString(traceId, 'trace id')}`,
    `where isnotempty(${schema.severityLevel})`,
  ];
  if (spanId !== undefined) clauses.push(`where ${schema.parentId} == ${kqlString(spanId, 'span id')}`);
  clauses.push(`top ${max} by ${schema.time} asc`);
  return clauses.join('\n| ');
}

/** The cheapest query that still needs the workspace, the credentials and the permission. */
export const HEALTH_QUERY = 'print Ok = 1';
