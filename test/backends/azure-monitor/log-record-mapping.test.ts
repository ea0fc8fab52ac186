import { describe, expect, it } from 'vitest';
import { logRecordsQuery } from '../../../src/backends/azure-monitor/kql-queries.js';
import { logRecordsFromRows } from '../../../src/backends/azure-monitor/log-record-mapping.js';
import { CLASSIC_SCHEMA, WORKSPACE_SCHEMA } from '../../../src/backends/azure-monitor/telemetry-schema.js';
import { tokenize } from '../support/kql-stand-in.js';

const TRACE = '5f84c7a10123456789abcdef01234567';
const SPAN = '0123456789abcdef';

describe('App Insights message rows with a severity as log records', () => {
  it('asks for the message rows of one span that carry a severity, oldest first', () => {
    const query = logRecordsQuery(WORKSPACE_SCHEMA, TRACE, SPAN, 21);
    expect(query.split('\n| ')).toEqual([
      'union isfuzzy=true AppTraces',
      `where OperationId == "${TRACE}"`,
      'where isnotempty(SeverityLevel)',
      `where ParentId == "${SPAN}"`,
      'top 21 by TimeGenerated asc',
    ]);
  });

  it('keeps a hostile span id inside its literal', () => {
    const hostile = 'x" or 1==1 | take 1 //';
    const literals = tokenize(logRecordsQuery(CLASSIC_SCHEMA, TRACE, hostile, 5)).filter(
      (token) => token.kind === 'string',
    );
    expect(literals.map((token) => token.text)).toEqual([TRACE, hostile]);
  });

  it('reads each level back as its name and the first OTLP severity number of its band', () => {
    const rows = [0, 1, 2, 3, 4].map((level) => ({
      timestamp: '2026-12-05T10:00:00.1234567Z',
      operation_Id: TRACE.toUpperCase(),
      operation_ParentId: `|${TRACE}.${SPAN}.`,
      severityLevel: level,
      message: `level ${level}`,
      cloud_RoleName: 'checkout',
      cloud_RoleInstance: 'host-1',
      customDimensions: { 'order.id': 'o-17', '_MS.internal': 'x' },
    }));
    const logs = logRecordsFromRows(rows, CLASSIC_SCHEMA);
    expect(logs.map((log) => [log.severityNumber, log.severityText])).toEqual([
      [1, 'Verbose'],
      [9, 'Information'],
      [13, 'Warning'],
      [17, 'Error'],
      [21, 'Critical'],
    ]);
    expect(logs[0]).toMatchObject({
      timeUnixNano: 1_796_464_800_123_456_700n,
      body: 'level 0',
      traceId: TRACE,
      spanId: SPAN,
      serviceName: 'checkout',
      attributes: { 'order.id': 'o-17' },
      resource: { attributes: { 'service.name': 'checkout', 'service.instance.id': 'host-1' } },
    });
  });

  it('leaves the span out of a record logged outside a span, and refuses a level App Insights has not', () => {
    const row = { TimeGenerated: '2026-12-05T10:00:00Z', OperationId: TRACE, SeverityLevel: 1, Message: 'm' };
    expect(logRecordsFromRows([row], WORKSPACE_SCHEMA)[0]!.spanId).toBeUndefined();
    expect(() => logRecordsFromRows([{ ...row, SeverityLevel: 7 }], WORKSPACE_SCHEMA)).toThrow(
      /severity level 0-4, got 7/,
    );
  });
});
