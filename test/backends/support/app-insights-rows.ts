/**
 * App Insights ingestion envelopes (what Azure's exporter POSTs to /v2.1/track) as rows of the
 * tables a query reads, by Azure's documented column mapping: an envelope's tags become the
 * operation and cloud columns (`ai.operation.id` → OperationId/operation_Id, `ai.operation.parentId`
 * → ParentId/operation_ParentId, `ai.cloud.role` → AppRoleName/cloud_RoleName, ...), its baseData the
 * table's own columns (RequestData → AppRequests/requests, RemoteDependencyData → AppDependencies/
 * dependencies, MessageData → AppTraces/traces, ExceptionData → AppExceptions/exceptions).
 * Durations arrive as `d.hh:mm:ss.fffffff` and are stored in milliseconds. Links arrive in the
 * `_MS.links` custom dimension; workspace tables show them in OperationLinks, classic ones keep the
 * dimension.
 */

export type Row = Record<string, unknown>;
export type ColumnType = 'datetime' | 'string' | 'real' | 'bool' | 'dynamic' | 'int';

export interface Envelope {
  name?: string;
  time: string;
  sampleRate?: number;
  iKey?: string;
  tags?: Record<string, string>;
  data?: { baseType?: string; baseData?: Record<string, unknown> };
}

const COMMON_WORKSPACE: Record<string, ColumnType> = {
  TimeGenerated: 'datetime',
  OperationId: 'string',
  ParentId: 'string',
  OperationName: 'string',
  AppRoleName: 'string',
  AppRoleInstance: 'string',
  AppVersion: 'string',
  SDKVersion: 'string',
  ItemCount: 'int',
  IKey: 'string',
  Properties: 'dynamic',
  Measurements: 'dynamic',
  Type: 'string',
};
const COMMON_CLASSIC: Record<string, ColumnType> = {
  timestamp: 'datetime',
  operation_Id: 'string',
  operation_ParentId: 'string',
  operation_Name: 'string',
  cloud_RoleName: 'string',
  cloud_RoleInstance: 'string',
  application_Version: 'string',
  sdkVersion: 'string',
  itemCount: 'int',
  iKey: 'string',
  customDimensions: 'dynamic',
  customMeasurements: 'dynamic',
  itemType: 'string',
};

/** Every table's columns and types (the ones this stand-in fills; Azure's have more). */
export const TABLE_COLUMNS: Record<string, Record<string, ColumnType>> = {
  AppRequests: {
    ...COMMON_WORKSPACE,
    Id: 'string',
    Name: 'string',
    Url: 'string',
    Success: 'bool',
    ResultCode: 'string',
    DurationMs: 'real',
    Source: 'string',
    OperationLinks: 'dynamic',
  },
  AppDependencies: {
    ...COMMON_WORKSPACE,
    Id: 'string',
    Name: 'string',
    DependencyType: 'string',
    Target: 'string',
    Data: 'string',
    Success: 'bool',
    ResultCode: 'string',
    DurationMs: 'real',
    OperationLinks: 'dynamic',
  },
  AppTraces: { ...COMMON_WORKSPACE, Message: 'string', SeverityLevel: 'int' },
  AppExceptions: {
    ...COMMON_WORKSPACE,
    ExceptionType: 'string',
    OuterType: 'string',
    OuterMessage: 'string',
    InnermostMessage: 'string',
    Details: 'dynamic',
    SeverityLevel: 'int',
  },
  requests: {
    ...COMMON_CLASSIC,
    id: 'string',
    name: 'string',
    url: 'string',
    success: 'string',
    resultCode: 'string',
    duration: 'real',
    source: 'string',
  },
  dependencies: {
    ...COMMON_CLASSIC,
    id: 'string',
    name: 'string',
    type: 'string',
    target: 'string',
    data: 'string',
    success: 'string',
    resultCode: 'string',
    duration: 'real',
  },
  traces: { ...COMMON_CLASSIC, message: 'string', severityLevel: 'int' },
  exceptions: {
    ...COMMON_CLASSIC,
    type: 'string',
    outerType: 'string',
    outerMessage: 'string',
    innermostMessage: 'string',
    details: 'dynamic',
    severityLevel: 'int',
  },
};

const SEVERITY: Record<string, number> = { Verbose: 0, Information: 1, Warning: 2, Error: 3, Critical: 4 };

/** `[d.]hh:mm:ss[.fffffff]` → milliseconds. */
export function timeSpanToMs(text: string): number {
  const match = /^(?:(\d+)\.)?(\d{2}):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(text);
  if (!match) throw new Error(`not a duration: ${text}`);
  const [, days, hours, minutes, seconds] = match;
  return (((Number(days ?? 0) * 24 + Number(hours)) * 60 + Number(minutes)) * 60 + Number(seconds)) * 1000;
}

/** ISO time from the exporter (ms) → Kusto's form with 7 fractional digits. */
function kustoTime(iso: string): string {
  const match = /^(.*T\d{2}:\d{2}:\d{2})(?:\.(\d+))?Z$/.exec(iso);
  if (!match) throw new Error(`not an ISO time: ${iso}`);
  return `${match[1]!}.${(match[2] ?? '').padEnd(7, '0').slice(0, 7)}Z`;
}

/** The rows one envelope becomes: [table, row] in the workspace and the classic schema. */
export function envelopeRows(
  envelope: Envelope,
): { workspace: [string, Row]; classic: [string, Row] } | undefined {
  const base = envelope.data?.baseData ?? {};
  const tags = envelope.tags ?? {};
  const properties = { ...((base.properties as Record<string, string> | undefined) ?? {}) };
  const links = properties['_MS.links'];
  const workspaceProperties = { ...properties };
  delete workspaceProperties['_MS.links'];
  const time = kustoTime(envelope.time);
  const itemCount = Math.round(100 / (envelope.sampleRate ?? 100));
  const w: Row = {
    TimeGenerated: time,
    OperationId: tags['ai.operation.id'],
    ParentId: tags['ai.operation.parentId'],
    OperationName: tags['ai.operation.name'],
    AppRoleName: tags['ai.cloud.role'],
    AppRoleInstance: tags['ai.cloud.roleInstance'],
    AppVersion: tags['ai.application.ver'],
    SDKVersion: tags['ai.internal.sdkVersion'],
    ItemCount: itemCount,
    IKey: envelope.iKey,
    Properties: workspaceProperties,
    Measurements: base.measurements ?? {},
  };
  const c: Row = {
    timestamp: time,
    operation_Id: tags['ai.operation.id'],
    operation_ParentId: tags['ai.operation.parentId'],
    operation_Name: tags['ai.operation.name'],
    cloud_RoleName: tags['ai.cloud.role'],
    cloud_RoleInstance: tags['ai.cloud.roleInstance'],
    application_Version: tags['ai.application.ver'],
    sdkVersion: tags['ai.internal.sdkVersion'],
    itemCount,
    iKey: envelope.iKey,
    customDimensions: properties,
    customMeasurements: base.measurements ?? {},
  };
  const operationLinks = typeof links === 'string' ? (JSON.parse(links) as unknown) : undefined;
  const success = (value: unknown) => (value === false ? 'False' : 'True');
  switch (envelope.data?.baseType) {
    case 'RequestData': {
      const duration = timeSpanToMs(String(base.duration));
      return {
        workspace: [
          'AppRequests',
          {
            ...w,
            Type: 'AppRequests',
            Id: base.id,
            Name: base.name,
            Url: base.url,
            Success: base.success !== false,
            ResultCode: base.responseCode,
            DurationMs: duration,
            Source: base.source,
            OperationLinks: operationLinks,
          },
        ],
        classic: [
          'requests',
          {
            ...c,
            itemType: 'request',
            id: base.id,
            name: base.name,
            url: base.url,
            success: success(base.success),
            resultCode: base.responseCode,
            duration,
            source: base.source,
          },
        ],
      };
    }
    case 'RemoteDependencyData': {
      const duration = timeSpanToMs(String(base.duration));
      return {
        workspace: [
          'AppDependencies',
          {
            ...w,
            Type: 'AppDependencies',
            Id: base.id,
            Name: base.name,
            DependencyType: base.type,
            Target: base.target,
            Data: base.data,
            Success: base.success !== false,
            ResultCode: base.resultCode,
            DurationMs: duration,
            OperationLinks: operationLinks,
          },
        ],
        classic: [
          'dependencies',
          {
            ...c,
            itemType: 'dependency',
            id: base.id,
            name: base.name,
            type: base.type,
            target: base.target,
            data: base.data,
            success: success(base.success),
            resultCode: base.resultCode,
            duration,
          },
        ],
      };
    }
    case 'MessageData': {
      const severity = typeof base.severityLevel === 'string' ? SEVERITY[base.severityLevel] : undefined;
      return {
        workspace: ['AppTraces', { ...w, Type: 'AppTraces', Message: base.message, SeverityLevel: severity }],
        classic: ['traces', { ...c, itemType: 'trace', message: base.message, severityLevel: severity }],
      };
    }
    case 'ExceptionData': {
      const exceptions =
        (base.exceptions as
          | { typeName?: string; message?: string; stack?: string; outerId?: string; id?: string }[]
          | undefined) ?? [];
      const outer = exceptions[0] ?? {};
      const details = exceptions.map((exception) => ({
        outerId: exception.outerId ?? '0',
        id: exception.id,
        type: exception.typeName,
        message: exception.message,
        rawStack: exception.stack,
      }));
      const severity = typeof base.severityLevel === 'string' ? SEVERITY[base.severityLevel] : undefined;
      return {
        workspace: [
          'AppExceptions',
          {
            ...w,
            Type: 'AppExceptions',
            ExceptionType: outer.typeName,
            OuterType: outer.typeName,
            OuterMessage: outer.message,
            InnermostMessage: exceptions.at(-1)?.message,
            Details: details,
            SeverityLevel: severity,
          },
        ],
        classic: [
          'exceptions',
          {
            ...c,
            itemType: 'exception',
            type: outer.typeName,
            outerType: outer.typeName,
            outerMessage: outer.message,
            innermostMessage: exceptions.at(-1)?.message,
            details,
            severityLevel: severity,
          },
        ],
      };
    }
    default:
      return undefined; // metrics, availability, events: not read by the adapter
  }
}
