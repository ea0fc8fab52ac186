/**
 * Logs and metrics exports. No Node logs or metrics OTLP exporter is installed, so the records come from
 * the real SDKs (@opentelemetry/sdk-logs, sdk-metrics) and are serialized by the exporters' own
 * serializers (@opentelemetry/otlp-transformer) before being posted the way an exporter posts them.
 */
import { SeverityNumber } from '@opentelemetry/api-logs';
import { context, trace, TraceFlags } from '@opentelemetry/api';
import {
  JsonLogsSerializer,
  JsonMetricsSerializer,
  ProtobufLogsSerializer,
  ProtobufMetricsSerializer,
} from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  InMemoryLogRecordExporter,
  LoggerProvider,
  SimpleLogRecordProcessor,
  type ReadableLogRecord,
} from '@opentelemetry/sdk-logs';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeOtlp, hex } from '../otlp/otlp-proto-schema.js';
import { grpcExport, post, startReceiver, type RunningReceiver } from './receiver-harness.js';

const SPAN_CONTEXT = {
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: 'b7ad6b7169203331',
  traceFlags: TraceFlags.SAMPLED,
};

async function sdkLogRecords(): Promise<ReadableLogRecord[]> {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'worker' }),
    processors: [new SimpleLogRecordProcessor({ exporter })],
  });
  const logger = provider.getLogger('worker-logger', '2.0.0');
  logger.emit({
    severityNumber: SeverityNumber.ERROR,
    severityText: 'ERROR',
    body: 'payment failed',
    attributes: { 'order.id': 'o-17', attempt: 2 },
    eventName: 'payment.failed',
    context: trace.setSpanContext(context.active(), SPAN_CONTEXT),
  });
  logger.emit({ severityNumber: SeverityNumber.INFO, body: { structured: true, count: 3 } });
  await provider.forceFlush();
  const records = exporter.getFinishedLogRecords();
  await provider.shutdown();
  return records;
}

class CollectingReader extends MetricReader {
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }
  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

async function sdkMetrics() {
  const reader = new CollectingReader();
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'worker' }),
    readers: [reader],
  });
  const meter = provider.getMeter('worker-meter');
  meter.createCounter('jobs.done').add(3, { queue: 'a' });
  meter.createCounter('jobs.done.b').add(1, { queue: 'b' });
  meter.createHistogram('job.duration').record(12.5);
  const { resourceMetrics } = await reader.collect();
  await provider.shutdown();
  return resourceMetrics;
}

describe('logs and metrics exports', () => {
  let running: RunningReceiver;
  let records: ReadableLogRecord[];

  beforeAll(async () => {
    running = await startReceiver();
    records = await sdkLogRecords();
  });

  afterAll(async () => {
    await running.close();
  });

  it.each([
    ['protobuf', 'application/x-protobuf', () => ProtobufLogsSerializer.serializeRequest(records)!],
    ['JSON', 'application/json', () => JsonLogsSerializer.serializeRequest(records)!],
  ])(
    'stores SDK log records sent as OTLP/HTTP %s, with their span context',
    async (_encoding, contentType, serialize) => {
      running.sink.logs.length = 0;
      const reply = await post(`${running.httpUrl}/v1/logs`, serialize(), { 'content-type': contentType });
      expect(reply.status).toBe(200);
      expect(running.sink.logs).toHaveLength(2);
      const [failed, info] = running.sink.logs;
      expect(failed).toMatchObject({
        severityNumber: SeverityNumber.ERROR,
        severityText: 'ERROR',
        body: 'payment failed',
        attributes: { 'order.id': 'o-17', attempt: 2 },
        eventName: 'payment.failed',
        traceId: SPAN_CONTEXT.traceId,
        spanId: SPAN_CONTEXT.spanId,
        serviceName: 'worker',
        scope: { name: 'worker-logger', version: '2.0.0' },
      });
      const sdkTime = records[0]!.hrTime;
      expect(failed!.timeUnixNano).toBe(BigInt(sdkTime[0]) * 1_000_000_000n + BigInt(sdkTime[1]));
      expect(info).toMatchObject({
        body: { structured: true, count: 3 },
        traceId: undefined,
        spanId: undefined,
      });
    },
  );

  it('stores log records sent over OTLP/gRPC and reports a bad one in partialSuccess', async () => {
    running.sink.logs.length = 0;
    const bodyBytes = encodeOtlp('ExportLogsServiceRequest', {
      resource_logs: [
        {
          scope_logs: [
            {
              log_records: [
                { time_unix_nano: '1764000000000000001', body: { string_value: 'kept' } },
                { event_name: 'bad', trace_id: hex('0102'), body: { string_value: 'dropped' } },
              ],
            },
          ],
        },
      ],
    });
    const reply = await grpcExport(running.grpcAddress, 'logs', bodyBytes);
    expect(reply.error).toBeUndefined();
    expect(running.sink.logs.map((l) => l.body)).toEqual(['kept']);
    expect(running.receiver.stats().logRecordsRejected).toBe(1);
  });

  it('accepts SDK metrics over OTLP/HTTP protobuf and JSON and over gRPC, counting but not storing them', async () => {
    const metrics = await sdkMetrics();
    const before = running.receiver.stats().metricDataPointsReceived;
    const proto = await post(
      `${running.httpUrl}/v1/metrics`,
      ProtobufMetricsSerializer.serializeRequest(metrics)!,
      {
        'content-type': 'application/x-protobuf',
      },
    );
    expect(proto.status).toBe(200);
    const json = await post(
      `${running.httpUrl}/v1/metrics`,
      JsonMetricsSerializer.serializeRequest(metrics)!,
      {
        'content-type': 'application/json',
      },
    );
    expect(json.status).toBe(200);
    expect(JSON.parse(json.body.toString())).toEqual({});
    const grpc = await grpcExport(
      running.grpcAddress,
      'metrics',
      ProtobufMetricsSerializer.serializeRequest(metrics)!,
    );
    expect(grpc.error).toBeUndefined();
    expect(running.receiver.stats().metricDataPointsReceived - before).toBe(3 * 3);
    expect(running.sink.spans).toHaveLength(0);
  });

  it('answers a malformed metrics export with 400', async () => {
    const reply = await post(`${running.httpUrl}/v1/metrics`, Buffer.from([0x0a, 0x50, 0x01]), {
      'content-type': 'application/x-protobuf',
    });
    expect(reply.status).toBe(400);
  });
});
