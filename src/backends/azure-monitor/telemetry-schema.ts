/**
 * The two table schemas App Insights telemetry is read from, as column names:
 * - `workspace`: the Log Analytics tables of a workspace-based resource (AppRequests, AppDependencies,
 *   AppTraces, AppExceptions), the only kind Azure creates since classic resources were retired in
 *   February 2024; hence the default.
 * - `classic`: the tables of a classic resource (requests, dependencies, traces, exceptions) with
 *   their lower-camel columns, still what an App Insights resource's own query scope shows.
 * Both name the same things: `OperationId`/`operation_Id` is the trace id, `Id`/`id` the span id,
 * `ParentId`/`operation_ParentId` its parent (the span's own id for an event row).
 */

export type SchemaName = 'workspace' | 'classic';

export interface TelemetrySchema {
  name: SchemaName;
  tables: { requests: string; dependencies: string; traces: string; exceptions: string };
  /** The column naming a row's table in a union, and its value per table. */
  itemType: string;
  itemTypes: { request: string; dependency: string; trace: string; exception: string };
  time: string;
  id: string;
  parentId: string;
  operationId: string;
  spanName: string;
  durationMs: string;
  success: string;
  resultCode: string;
  roleName: string;
  roleInstance: string;
  url: string;
  dependencyType: string;
  target: string;
  data: string;
  properties: string;
  /** A column of its own for links (workspace); classic keeps them in the `_MS.links` dimension. */
  links?: string;
  message: string;
  severityLevel: string;
  exceptionType: string;
  exceptionMessage: string;
  details: string;
}

export const WORKSPACE_SCHEMA: TelemetrySchema = {
  name: 'workspace',
  tables: {
    requests: 'AppRequests',
    dependencies: 'AppDependencies',
    traces: 'AppTraces',
    exceptions: 'AppExceptions',
  },
  itemType: 'Type',
  itemTypes: {
    request: 'AppRequests',
    dependency: 'AppDependencies',
    trace: 'AppTraces',
    exception: 'AppExceptions',
  },
  time: 'TimeGenerated',
  id: 'Id',
  parentId: 'ParentId',
  operationId: 'OperationId',
  spanName: 'Name',
  durationMs: 'DurationMs',
  success: 'Success',
  resultCode: 'ResultCode',
  roleName: 'AppRoleName',
  roleInstance: 'AppRoleInstance',
  url: 'Url',
  dependencyType: 'DependencyType',
  target: 'Target',
  data: 'Data',
  properties: 'Properties',
  links: 'OperationLinks',
  message: 'Message',
  severityLevel: 'SeverityLevel',
  exceptionType: 'ExceptionType',
  exceptionMessage: 'OuterMessage',
  details: 'Details',
};

export const CLASSIC_SCHEMA: TelemetrySchema = {
  name: 'classic',
  tables: { requests: 'requests', dependencies: 'dependencies', traces: 'traces', exceptions: 'exceptions' },
  itemType: 'itemType',
  itemTypes: { request: 'request', dependency: 'dependency', trace: 'trace', exception: 'exception' },
  time: 'timestamp',
  id: 'id',
  parentId: 'operation_ParentId',
  operationId: 'operation_Id',
  spanName: 'name',
  durationMs: 'duration',
  success: 'success',
  resultCode: 'resultCode',
  roleName: 'cloud_RoleName',
  roleInstance: 'cloud_RoleInstance',
  url: 'url',
  // `type` is the dependency type in dependencies and the exception type in exceptions.
  dependencyType: 'type',
  target: 'target',
  data: 'data',
  properties: 'customDimensions',
  message: 'message',
  severityLevel: 'severityLevel',
  exceptionType: 'type',
  exceptionMessage: 'outerMessage',
  details: 'details',
};

export function telemetrySchema(name: SchemaName): TelemetrySchema {
  return name === 'classic' ? CLASSIC_SCHEMA : WORKSPACE_SCHEMA;
}
