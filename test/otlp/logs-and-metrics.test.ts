import { describe, expect, it } from 'vitest';
import { OtelMcpError } from '../../src/model/index.js';
import {
  countMetricsRequestJson,
  countMetricsRequestProtobuf,
  decodeLogsRequestJson,
  decodeLogsRequestProtobuf,
} from '../../src/otlp/index.js';
import { encodeOtlp, hex, toOtlpJson } from './otlp-proto-schema.js';

function logsRequest(records: Record<string, unknown>[]) {
  return {
    resource_logs: [
      {
        resource: { attributes: [{ key: 'service.name', value: { string_value: 'worker' } }] },
        scope_logs: [{ scope: { name: 'app' }, log_records: records }],
      },
    ],
  };
}

const RECORD = { time_unix_nano: '1764000000000000001', severity_number: 9, body: { string_value: 'hello' } };

describe('log decoding', () => {
  for (const [encoding, decode] of [
    [
      'protobuf',
      (request: Record<string, unknown>) =>
        decodeLogsRequestProtobuf(encodeOtlp('ExportLogsServiceRequest', request)),
    ],
    [
      'JSON',
      (request: Record<string, unknown>) => decodeLogsRequestJson(JSON.stringify(toOtlpJson(request))),
    ],
  ] as const) {
    it(`reads a record outside any span as having no trace or span id (${encoding})`, () => {
      const { logs } = decode(
        logsRequest([RECORD, { ...RECORD, trace_id: Buffer.alloc(16), span_id: Buffer.alloc(8) }]),
      );
      expect(logs.map((l) => [l.traceId, l.spanId, l.body, l.serviceName])).toEqual([
        [undefined, undefined, 'hello', 'worker'],
        [undefined, undefined, 'hello', 'worker'],
      ]);
    });

    it(`rejects a record whose trace id has the wrong length and keeps the others (${encoding})`, () => {
      const decoded = decode(
        logsRequest([
          { ...RECORD, trace_id: hex('abcdef'), event_name: 'bad' },
          { ...RECORD, trace_id: hex('0af7651916cd43dd8448eb211c80319c') },
        ]),
      );
      expect(decoded.logs.map((l) => l.traceId)).toEqual(['0af7651916cd43dd8448eb211c80319c']);
      expect(decoded.rejected).toBe(1);
      expect(decoded.errors).toEqual(['log record "bad" rejected: trace id has 3 bytes, expected 16']);
    });
  }

  it('reads severity names in JSON', () => {
    const { logs } = decodeLogsRequestJson({
      resourceLogs: [
        {
          scopeLogs: [
            { logRecords: [{ severityNumber: 'SEVERITY_NUMBER_WARN2', body: { stringValue: 'x' } }] },
          ],
        },
      ],
    });
    expect(logs[0]!.severityNumber).toBe(14);
    expect(logs[0]!.serviceName).toBe('unknown_service');
  });

  it('names the field of a malformed log record', () => {
    const bytes = encodeOtlp('ExportLogsServiceRequest', logsRequest([RECORD]));
    expect(() => decodeLogsRequestProtobuf(bytes.subarray(0, bytes.length - 3))).toThrow(
      /truncated buffer at byte \d+ of field resource_logs\[0\]/,
    );
  });
});

const METRICS_REQUEST = {
  resource_metrics: [
    {
      resource: { attributes: [{ key: 'service.name', value: { string_value: 'svc' } }] },
      scope_metrics: [
        {
          scope: { name: 'meter' },
          metrics: [
            {
              name: 'requests',
              sum: { data_points: [{ as_int: '3' }, { as_int: '4' }], aggregation_temporality: 2 },
            },
            { name: 'queue', gauge: { data_points: [{ as_double: 1.5 }] } },
          ],
        },
      ],
    },
  ],
};

describe('metric counting', () => {
  it('counts metrics and data points over protobuf and JSON without keeping them', () => {
    expect(countMetricsRequestProtobuf(encodeOtlp('ExportMetricsServiceRequest', METRICS_REQUEST))).toEqual({
      metrics: 2,
      dataPoints: 3,
    });
    expect(countMetricsRequestJson(JSON.stringify(toOtlpJson(METRICS_REQUEST)))).toEqual({
      metrics: 2,
      dataPoints: 3,
    });
  });

  it('refuses a malformed metrics request, naming where', () => {
    const bytes = encodeOtlp('ExportMetricsServiceRequest', METRICS_REQUEST);
    let error: unknown;
    try {
      countMetricsRequestProtobuf(bytes.subarray(0, bytes.length - 4));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(OtelMcpError);
    expect((error as OtelMcpError).message).toMatch(
      /^invalid protobuf ExportMetricsServiceRequest: truncated buffer at byte \d+ of field resource_metrics\[0\]/,
    );
    expect(() =>
      countMetricsRequestJson({
        resourceMetrics: [{ scopeMetrics: [{ metrics: [{ sum: { dataPoints: 3 } }] }] }],
      }),
    ).toThrow(
      'resourceMetrics[0].scopeMetrics[0].metrics[0].sum.dataPoints: expected an array, got number 3',
    );
  });
});
