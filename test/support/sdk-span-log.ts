/**
 * One log record emitted by the real OpenTelemetry logs SDK inside a given span, serialized by the
 * SDK's own OTLP/JSON serializer and posted to a receiver as an exporter posts it: the way a
 * service's logs reach the store correlated to its spans.
 */
import { context, trace, TraceFlags } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { JsonLogsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';

export interface SpanLogLine {
  traceId: string;
  spanId: string;
  service: string;
  body: string;
  attributes?: Record<string, string | number>;
  /** When it was logged (default: now). */
  timeUnixNano?: bigint;
}

/** Posts the record to `${otlpHttpUrl}/v1/logs` and fails unless the receiver accepted it. */
export async function postSpanLog(otlpHttpUrl: string, line: SpanLogLine): Promise<void> {
  const exporter = new InMemoryLogRecordExporter();
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': line.service }),
    processors: [new SimpleLogRecordProcessor({ exporter })],
  });
  provider.getLogger('test-logger').emit({
    severityNumber: SeverityNumber.WARN,
    severityText: 'WARN',
    body: line.body,
    attributes: line.attributes ?? {},
    ...(line.timeUnixNano !== undefined
      ? {
          timestamp: [Number(line.timeUnixNano / 1_000_000_000n), Number(line.timeUnixNano % 1_000_000_000n)],
        }
      : {}),
    context: trace.setSpanContext(context.active(), {
      traceId: line.traceId,
      spanId: line.spanId,
      traceFlags: TraceFlags.SAMPLED,
    }),
  });
  await provider.forceFlush();
  const body = JsonLogsSerializer.serializeRequest(exporter.getFinishedLogRecords());
  await provider.shutdown();
  const response = await fetch(`${otlpHttpUrl}/v1/logs`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json' },
  });
  if (response.status !== 200) throw new Error(`the receiver refused the log: ${response.status}`);
}
