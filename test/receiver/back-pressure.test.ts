/**
 * Back-pressure end to end: a real receiver in front of a real store, a large export keeping the
 * writer busy slice by slice, and a real OpenTelemetry SDK exporter that is told to come back
 * (503 + Retry-After) and does, until its spans are stored. Queries asked meanwhile are answered.
 */
import { context, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createOtlpReceiver,
  DEFAULT_MAX_BODY_BYTES,
  type OtlpReceiver,
} from '../../src/receiver/otlp-receiver.js';
import type { TraceStore } from '../../src/store/index.js';
import { openTestStore } from '../store/store-fixture.js';
import { waitFor } from '../support/wait-for.js';
import { grpcExport, post } from './receiver-harness.js';

/** SDK spans of one trace: a root with `children` children. */
async function sdkSpans(service: string, children: number): Promise<ReadableSpan[]> {
  const copy = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    spanProcessors: [new SimpleSpanProcessor(copy)],
  });
  const tracer = provider.getTracer('back-pressure');
  const root = tracer.startSpan('root');
  const parent = trace.setSpan(context.active(), root);
  for (let index = 0; index < children; index += 1)
    tracer.startSpan('child', { attributes: { 'row.index': index } }, parent).end();
  root.end();
  await provider.forceFlush();
  const spans = copy.getFinishedSpans();
  await provider.shutdown();
  return spans;
}

let receiver: OtlpReceiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

/**
 * One span per transaction and room for one waiting span: a large export then keeps the queue
 * non-empty for thousands of turns, which is the writer falling behind, made deterministic.
 */
async function busyReceiver(store: TraceStore) {
  receiver = createOtlpReceiver(store, {
    host: '127.0.0.1',
    httpPort: 0,
    grpcPort: 0,
    maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
    log: () => undefined,
    maxQueuedItems: 1,
    groupItems: 1,
  });
  const [http, grpc] = await receiver.start();
  return { url: `${http!.endpoint}/v1/traces`, grpcAddress: `127.0.0.1:${grpc!.port}` };
}

describe('the receiver when the writer falls behind', () => {
  it('answers retryable 503 / UNAVAILABLE with Retry-After, and a retrying SDK exporter gets every span stored', async () => {
    const { store } = openTestStore();
    const { url, grpcAddress } = await busyReceiver(store);
    const earlier = await sdkSpans('earlier', 3);
    expect((await post(url, ProtobufTraceSerializer.serializeRequest(earlier)!, PROTOBUF)).status).toBe(200);

    const large = await sdkSpans('large', 3_000);
    const largeTraceId = large[0]!.spanContext().traceId;
    let largeAnswered = false;
    const largeReply = post(url, ProtobufTraceSerializer.serializeRequest(large)!, PROTOBUF).then((reply) => {
      largeAnswered = true;
      return reply;
    });
    await waitFor('the large export to be partly stored', () =>
      (store.getTrace(largeTraceId)?.spans.length ?? 0) > 0 ? true : undefined,
    );

    // An export that must wait its turn behind it (larger than a group too) fills the queue.
    const waiting = await sdkSpans('waiting', 2);
    const waitingReply = post(url, ProtobufTraceSerializer.serializeRequest(waiting)!, PROTOBUF);
    // An empty export stores nothing, so it probes the queue without adding to it.
    await waitFor('the waiting export to be queued', async () =>
      (await post(url, new Uint8Array(), PROTOBUF)).status === 503 ? true : undefined,
    );

    // While it is being written: refusals that say when to come back, on both protocols.
    const small = ProtobufTraceSerializer.serializeRequest(await sdkSpans('small', 1))!;
    const refused = await post(url, small, PROTOBUF);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    const grpcRefused = await grpcExport(grpcAddress, 'trace', small);
    expect(grpcRefused.error?.code).toBe(14); // UNAVAILABLE: retried by every OTLP gRPC exporter

    // A query issued during the long ingest is answered before the ingest ends.
    const earlierTraceId = earlier[0]!.spanContext().traceId;
    expect(store.getTrace(earlierTraceId)?.spans).toHaveLength(4);
    expect(store.findTraces({ serviceName: 'earlier', limit: 5 }).map((trace) => trace.traceId)).toEqual([
      earlierTraceId,
    ]);
    expect(largeAnswered).toBe(false);

    // A real SDK exporter sent meanwhile is refused, retries on its own, and lands.
    const retried = await sdkSpans('retried', 4);
    const refusedBefore = receiver!.stats().exportsFailed;
    const exporter = new OTLPTraceExporter({ url, timeoutMillis: 60_000 });
    const result = await new Promise<ExportResult>((done) => exporter.export(retried, done));
    await exporter.shutdown();
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    expect(store.getTrace(retried[0]!.spanContext().traceId)?.spans).toHaveLength(5);
    // At least one of the SDK exporter's attempts was refused before one was stored.
    expect(receiver!.stats().exportsFailed).toBeGreaterThan(refusedBefore);

    expect((await largeReply).status).toBe(200);
    expect((await waitingReply).status).toBe(200);
    expect(store.getTrace(waiting[0]!.spanContext().traceId)?.spans).toHaveLength(3);
    expect(store.getTrace(largeTraceId)?.spans).toHaveLength(3_001);
  }, 60_000);
});

const PROTOBUF = { 'content-type': 'application/x-protobuf' };
