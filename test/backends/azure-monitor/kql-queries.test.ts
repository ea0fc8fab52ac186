import { describe, expect, it } from 'vitest';
import { kqlDatetime, kqlString } from '../../../src/backends/azure-monitor/kql-literal.js';
import { candidateTracesQuery, traceRowsQuery } from '../../../src/backends/azure-monitor/kql-queries.js';
import { CLASSIC_SCHEMA, WORKSPACE_SCHEMA } from '../../../src/backends/azure-monitor/telemetry-schema.js';
import { OtelMcpError } from '../../../src/model/errors.js';
import { tokenize } from '../support/kql-stand-in.js';

const WINDOW = { startUnixNano: 1_764_000_000_123_456_789n, endUnixNano: 1_764_000_600_000_000_000n };
const HOSTILE = 'x" | take 1000 // \\" or true\n| where 1==1 \'';

describe('KQL literals', () => {
  it('reads a hostile value back as one string literal equal to itself', () => {
    const tokens = tokenize(`where AppRoleName == ${kqlString(HOSTILE, 'service name')}`);
    expect(tokens.map((token) => token.kind)).toEqual(['ident', 'ident', 'punct', 'string']);
    expect(tokens[3]!.text).toBe(HOSTILE);
  });

  it('refuses a control character that KQL has no escape for, naming it', () => {
    expect(() => kqlString('a\u0001b', 'service name')).toThrow(/U\+0001/);
  });

  it('writes a datetime to the 100 ns tick, rounded down', () => {
    expect(kqlDatetime(WINDOW.startUnixNano)).toBe('datetime(2025-11-24T16:00:00.1234567Z)');
  });
});

describe('KQL queries', () => {
  it('puts service, operation, duration and custom-dimension filters into one search, newest first', () => {
    const query = candidateTracesQuery(
      WORKSPACE_SCHEMA,
      {
        serviceName: 'checkout',
        operationName: 'GET /cart',
        minDurationMs: 5,
        maxDurationMs: 12.5,
        attributes: [{ key: 'cart.items', value: 3 }, { key: 'tenant', value: 'a' }, { key: 'feature.flag' }],
        status: 'error',
        limit: 10,
      },
      WINDOW,
      200,
    );
    expect(query.split('\n')).toEqual([
      'union isfuzzy=true AppRequests, AppDependencies',
      '| where TimeGenerated between (datetime(2025-11-24T16:00:00.1234567Z) .. datetime(2025-11-24T16:10:00.0000000Z))',
      '| where AppRoleName == "checkout"',
      '| where Name == "GET /cart"',
      '| where DurationMs >= 5',
      '| where DurationMs <= 12.5',
      '| where todouble(Properties["cart.items"]) == 3',
      '| where tostring(Properties["tenant"]) == "a"',
      '| where isnotempty(Properties["feature.flag"])',
      '| where OperationId in ((union isfuzzy=true AppRequests, AppDependencies | where TimeGenerated between (datetime(2025-11-24T16:00:00.1234567Z) .. datetime(2025-11-24T16:10:00.0000000Z)) | where tostring(Success) =~ "false" | distinct OperationId))',
      '| summarize Seen = min(TimeGenerated) by OperationId',
      '| top 201 by Seen desc',
    ]);
  });

  it('uses the classic columns for a classic resource', () => {
    const query = candidateTracesQuery(
      CLASSIC_SCHEMA,
      { serviceName: 's', attributes: [{ key: 'k', value: true }], limit: 1 },
      WINDOW,
      5,
    );
    expect(query).toContain('union isfuzzy=true requests, dependencies');
    expect(query).toContain('where cloud_RoleName == "s"');
    expect(query).toContain('where tostring(customDimensions["k"]) == "true"');
    expect(query).toContain('summarize Seen = min(timestamp) by operation_Id');
  });

  it('leaves attributes read from typed columns to the check of each fetched trace', () => {
    const query = candidateTracesQuery(
      WORKSPACE_SCHEMA,
      { attributes: [{ key: 'http.response.status_code', value: 200 }, { key: 'db.system' }], limit: 1 },
      WINDOW,
      5,
    );
    expect(query).not.toContain('http.response.status_code');
    expect(query).not.toContain('db.system');
  });

  it('keeps a hostile attribute key and value inside their literals', () => {
    const query = candidateTracesQuery(
      WORKSPACE_SCHEMA,
      { attributes: [{ key: HOSTILE, value: HOSTILE }], limit: 1 },
      WINDOW,
      5,
    );
    const strings = tokenize(query)
      .filter((token) => token.kind === 'string')
      .map((token) => token.text);
    expect(strings).toEqual([HOSTILE, HOSTILE]);
    // Every stage is still the adapter's own: the value opened no new one.
    expect(query.split('\n').map((line) => line.split(' ')[1])).toEqual([
      'isfuzzy=true',
      'where',
      'where',
      'summarize',
      'top',
    ]);
  });

  it('reads every table of the traces, one row more than the limit', () => {
    expect(traceRowsQuery(CLASSIC_SCHEMA, ['ab', 'cd'], 10)).toBe(
      'union isfuzzy=true requests, dependencies, traces, exceptions\n| where operation_Id in ("ab", "cd")\n| take 11',
    );
  });

  it('refuses a duration that is not a finite number', () => {
    expect(() =>
      candidateTracesQuery(WORKSPACE_SCHEMA, { minDurationMs: Number.NaN, limit: 1 }, WINDOW, 5),
    ).toThrow(OtelMcpError);
  });
});
