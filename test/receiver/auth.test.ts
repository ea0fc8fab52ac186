/**
 * With `requiredHeaders` configured, only exports carrying the configured header get in, over both
 * protocols, and the secret never shows up in a reply or a log line.
 */
import { Metadata, status as GrpcStatus } from '@grpc/grpc-js';
import { OTLPTraceExporter as GrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { BasicTracerProvider, SimpleSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeOtlp, hex } from '../otlp/otlp-proto-schema.js';
import { grpcExport, post, startReceiver, type RunningReceiver } from './receiver-harness.js';

const SECRET = 'Bearer s3cr3t-t0ken';
const PROTOBUF = { 'content-type': 'application/x-protobuf' };

const body = encodeOtlp('ExportTraceServiceRequest', {
  resource_spans: [
    {
      scope_spans: [
        {
          spans: [
            {
              trace_id: hex('4bf92f3577b34da6a3ce929d0e0e4736'),
              span_id: hex('00f067aa0ba902b7'),
              name: 'authorized',
              start_time_unix_nano: '1764000000000000000',
              end_time_unix_nano: '1764000000001000000',
            },
          ],
        },
      ],
    },
  ],
});

async function exportOneSpan(exporter: SpanExporter): Promise<void> {
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  provider.getTracer('auth-test').startSpan('from the sdk').end();
  await provider.forceFlush();
  await provider.shutdown();
}

describe('required headers', () => {
  let running: RunningReceiver;

  beforeEach(async () => {
    running = await startReceiver({ requiredHeaders: { Authorization: SECRET } });
  });

  afterEach(async () => {
    await running.close();
  });

  it('refuses an OTLP/HTTP export without the header, or with a wrong one, with 401', async () => {
    const url = `${running.httpUrl}/v1/traces`;
    const missing = await post(url, body, PROTOBUF);
    expect(missing.status).toBe(401);
    const wrong = await post(url, body, { ...PROTOBUF, authorization: 'Bearer guess' });
    expect(wrong.status).toBe(401);
    const prefix = await post(url, body, { ...PROTOBUF, authorization: SECRET.slice(0, -1) });
    expect(prefix.status).toBe(401);
    expect(running.sink.spans).toHaveLength(0);
    expect(running.receiver.stats().exportsFailed).toBe(3);
  });

  it('accepts an OTLP/HTTP export with the header, whatever the case of its name', async () => {
    const reply = await post(`${running.httpUrl}/v1/traces`, body, { ...PROTOBUF, AUTHORIZATION: SECRET });
    expect(reply.status).toBe(200);
    expect(running.sink.spans.map((s) => s.name)).toEqual(['authorized']);
  });

  it('refuses an OTLP/gRPC export without the header with UNAUTHENTICATED, and accepts one with it', async () => {
    const refused = await grpcExport(running.grpcAddress, 'trace', body);
    expect(refused.error?.code).toBe(GrpcStatus.UNAUTHENTICATED);
    expect(refused.error?.details).toContain('"authorization"');
    const accepted = await grpcExport(running.grpcAddress, 'trace', body, {
      metadata: { authorization: SECRET },
    });
    expect(accepted.error).toBeUndefined();
    expect(running.sink.spans).toHaveLength(1);
  });

  it('lets the SDK exporters in when they are configured with the header', async () => {
    await exportOneSpan(
      new ProtoExporter({ url: `${running.httpUrl}/v1/traces`, headers: { Authorization: SECRET } }),
    );
    const metadata = new Metadata();
    metadata.set('authorization', SECRET);
    await exportOneSpan(new GrpcExporter({ url: `http://${running.grpcAddress}`, metadata }));
    expect(running.sink.spans.map((s) => s.name)).toEqual(['from the sdk', 'from the sdk']);
  });

  it('never puts the secret in a reply or a log line', async () => {
    const reply = await post(`${running.httpUrl}/v1/traces`, body, {
      ...PROTOBUF,
      authorization: 'Bearer nope',
    });
    const grpcReply = await grpcExport(running.grpcAddress, 'trace', body, {
      metadata: { authorization: 'Bearer nope' },
    });
    const everything = [
      reply.body.toString('latin1'),
      grpcReply.error?.details ?? '',
      ...running.lines,
      running.receiver.stats().lastError ?? '',
    ];
    expect(everything.join('\n')).not.toContain('s3cr3t');
    expect(running.lines.length).toBeGreaterThan(0);
  });
});
