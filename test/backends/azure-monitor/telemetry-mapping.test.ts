import { describe, expect, it } from 'vitest';
import { spansFromRows, type TelemetryRow } from '../../../src/backends/azure-monitor/telemetry-mapping.js';
import { CLASSIC_SCHEMA, WORKSPACE_SCHEMA } from '../../../src/backends/azure-monitor/telemetry-schema.js';

const TRACE = '5f84c7a10123456789abcdef01234567';
const at = (ms: number) => new Date(Date.UTC(2026, 11, 5, 10, 0, 0, ms));
const NANOS = (ms: number) => BigInt(at(ms).getTime()) * 1_000_000n;

const workspaceRows: TelemetryRow[] = [
  {
    Type: 'AppRequests',
    TimeGenerated: at(0),
    Id: 'a000000000000001',
    ParentId: TRACE, // an older SDK's root: its operation id as parent
    OperationId: TRACE,
    Name: 'POST /orders',
    DurationMs: 120.5,
    Success: false,
    ResultCode: '502',
    Url: 'https://shop.example.com/orders',
    AppRoleName: 'orders-api',
    AppRoleInstance: 'orders-7f9',
    Properties: { 'http.route.template': '/orders', '_MS.ProcessedByMetricExtractors': 'x' },
  },
  {
    Type: 'AppDependencies',
    TimeGenerated: at(10),
    Id: 'a000000000000002',
    ParentId: 'a000000000000001',
    OperationId: TRACE,
    Name: 'SELECT orders',
    DurationMs: 30,
    Success: true,
    ResultCode: '0',
    DependencyType: 'postgresql',
    Target: 'db.internal|orders',
    Data: 'SELECT * FROM orders WHERE id = $1',
    AppRoleName: 'orders-api',
    Properties: {},
  },
  {
    Type: 'AppDependencies',
    TimeGenerated: at(50),
    Id: 'a000000000000003',
    ParentId: 'a000000000000001',
    OperationId: TRACE,
    Name: 'GET /stock',
    DurationMs: 20,
    Success: true,
    ResultCode: '200',
    DependencyType: 'Http',
    Target: 'stock.internal',
    Data: 'http://stock.internal/stock?id=1',
    AppRoleName: 'orders-api',
    Properties: {},
    OperationLinks: [{ operation_Id: 'ABCDEF0123456789ABCDEF0123456789', id: '1111111111111111' }],
  },
  {
    Type: 'AppDependencies',
    TimeGenerated: at(80),
    Id: 'a000000000000004',
    ParentId: 'a000000000000001',
    OperationId: TRACE,
    Name: 'orders publish',
    DurationMs: 5,
    Success: true,
    DependencyType: 'Queue Message',
    AppRoleName: 'orders-api',
    Properties: { 'messaging.system': 'kafka' },
  },
  {
    Type: 'AppDependencies',
    TimeGenerated: at(90),
    Id: 'a000000000000005',
    ParentId: 'a000000000000001',
    OperationId: TRACE,
    Name: 'render',
    DurationMs: 1,
    Success: true,
    DependencyType: 'InProc',
    AppRoleName: 'orders-api',
    Properties: {},
  },
  {
    Type: 'AppTraces',
    TimeGenerated: at(5),
    OperationId: TRACE,
    ParentId: 'a000000000000001',
    Message: 'cart.loaded',
    SeverityLevel: null,
    Properties: { 'cart.items': '3' },
  },
  {
    Type: 'AppTraces',
    TimeGenerated: at(6),
    OperationId: TRACE,
    ParentId: 'a000000000000001',
    Message: 'a log line, not an event',
    SeverityLevel: 1,
    Properties: {},
  },
  {
    Type: 'AppExceptions',
    TimeGenerated: at(100),
    OperationId: TRACE,
    ParentId: 'a000000000000001',
    ExceptionType: 'UpstreamError',
    OuterMessage: 'stock unavailable',
    Details: [{ outerId: '0', type: 'UpstreamError', message: 'stock unavailable', rawStack: 'undefined' }],
    Properties: { 'exception.escaped': 'true' },
  },
];

describe('App Insights rows as spans', () => {
  it('reads requests, dependencies, events and exceptions of workspace tables back into one trace', () => {
    const spans = spansFromRows(workspaceRows, WORKSPACE_SCHEMA);
    expect(spans.map((span) => [span.name, span.kind])).toEqual([
      ['POST /orders', 'server'],
      ['SELECT orders', 'client'],
      ['GET /stock', 'client'],
      ['orders publish', 'producer'],
      ['render', 'internal'],
    ]);
    const [request, query, http, publish] = spans;
    expect(request).toMatchObject({
      traceId: TRACE,
      spanId: 'a000000000000001',
      serviceName: 'orders-api',
      startTimeUnixNano: NANOS(0),
      endTimeUnixNano: NANOS(0) + 120_500_000n,
      status: { code: 'error', message: 'stock unavailable' },
      attributes: {
        'url.full': 'https://shop.example.com/orders',
        'http.response.status_code': 502,
        'http.route.template': '/orders',
      },
      resource: { attributes: { 'service.name': 'orders-api', 'service.instance.id': 'orders-7f9' } },
    });
    expect(request!.parentSpanId).toBeUndefined();
    expect(request!.attributes).not.toHaveProperty('_MS.ProcessedByMetricExtractors');
    expect(request!.events).toEqual([
      {
        timeUnixNano: NANOS(5),
        name: 'cart.loaded',
        attributes: { 'cart.items': '3' },
        droppedAttributesCount: 0,
      },
      {
        timeUnixNano: NANOS(100),
        name: 'exception',
        // The exporter writes the stack "undefined" when there was none: no stacktrace comes back.
        attributes: {
          'exception.escaped': 'true',
          'exception.type': 'UpstreamError',
          'exception.message': 'stock unavailable',
        },
        droppedAttributesCount: 0,
      },
    ]);
    expect(query!.attributes).toEqual({
      'db.system': 'postgresql',
      'db.statement': 'SELECT * FROM orders WHERE id = $1',
      'app_insights.dependency.type': 'postgresql',
      'app_insights.dependency.target': 'db.internal|orders',
    });
    expect(http!.attributes).toMatchObject({
      'url.full': 'http://stock.internal/stock?id=1',
      'http.response.status_code': 200,
    });
    expect(http!.links).toEqual([
      {
        traceId: 'abcdef0123456789abcdef0123456789',
        spanId: '1111111111111111',
        attributes: {},
        droppedAttributesCount: 0,
      },
    ]);
    expect(publish!.attributes).toEqual({
      'messaging.system': 'kafka',
      'app_insights.dependency.type': 'Queue Message',
    });
  });

  it('reads classic rows: text success, links in the _MS.links dimension, an older SDK’s hierarchical ids', () => {
    const spans = spansFromRows(
      [
        {
          itemType: 'request',
          timestamp: '2026-12-05T10:00:00.1234567Z',
          id: `|${TRACE}.b000000000000001.`,
          operation_Id: TRACE,
          operation_ParentId: '',
          name: 'GET /health',
          duration: 2,
          success: 'False',
          resultCode: '503',
          cloud_RoleName: 'web',
          customDimensions: {
            '_MS.links': JSON.stringify([{ operation_Id: TRACE, id: 'c000000000000001' }]),
          },
        },
        {
          itemType: 'dependency',
          timestamp: '2026-12-05T10:00:00.2Z',
          id: 'b000000000000002',
          operation_Id: TRACE,
          operation_ParentId: `|${TRACE}.b000000000000001.`,
          name: 'call',
          duration: 1,
          success: 'True',
          type: 'GRPC',
          resultCode: '14',
          cloud_RoleName: 'web',
          customDimensions: {},
        },
        {
          itemType: 'exception',
          timestamp: '2026-12-05T10:00:00.3Z',
          operation_Id: TRACE,
          operation_ParentId: 'b000000000000002',
          type: 'Unavailable',
          outerMessage: 'down',
          details: JSON.stringify([{ rawStack: 'at call (a.js:1)' }]),
          customDimensions: {},
        },
      ],
      CLASSIC_SCHEMA,
    );
    const [request, call] = spans;
    expect(request).toMatchObject({
      spanId: 'b000000000000001',
      startTimeUnixNano: NANOS(0) + 123_456_700n,
      status: { code: 'error' },
      attributes: { 'http.response.status_code': 503 },
      links: [{ traceId: TRACE, spanId: 'c000000000000001' }],
    });
    expect(request!.attributes).not.toHaveProperty('_MS.links');
    expect(call).toMatchObject({
      parentSpanId: 'b000000000000001',
      kind: 'client',
      status: { code: 'unset' },
      attributes: { 'rpc.system': 'grpc', 'rpc.grpc.status_code': 14 },
    });
    expect(call!.events[0]!.attributes).toEqual({
      'exception.type': 'Unavailable',
      'exception.message': 'down',
      'exception.stacktrace': 'at call (a.js:1)',
    });
  });
});
