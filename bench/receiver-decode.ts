/**
 * How fast the receiver takes spans in: OTLP decode alone (protobuf and JSON), and the HTTP round trip
 * (client and server in this one process, so on one core) into an in-memory sink, plain and gzipped,
 * plus OTLP/gRPC. Batches are real SDK spans serialized by the SDK's own OTLP serializers:
 * 512 spans (64 traces of a server span with 7 database client spans), ~10 attributes and an event each.
 *
 *   node --import tsx bench/receiver-decode.ts
 */
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { Agent } from 'node:http';
import { gzipSync } from 'node:zlib';
import { Client, credentials, Metadata } from '@grpc/grpc-js';
import { decodeTraceRequestJson, decodeTraceRequestProtobuf } from '../src/otlp/index.js';
import { createOtlpReceiver, DEFAULT_MAX_BODY_BYTES } from '../src/receiver/otlp-receiver.js';
import type { TelemetrySink } from '../src/receiver/telemetry-sink.js';
import { postTraces } from './otlp-http-post.js';
import { BATCH_SPANS, sdkCheckoutBatch } from './sdk-checkout-batch.js';

async function realisticBatch(): Promise<{ protobuf: Uint8Array; json: Uint8Array }> {
  const spans = await sdkCheckoutBatch();
  return {
    protobuf: ProtobufTraceSerializer.serializeRequest(spans)!,
    json: JsonTraceSerializer.serializeRequest(spans)!,
  };
}

interface Rate {
  /** Spans per second at the median call time. */
  median: number;
  /**
   * Spans per second at the 10th-percentile call time: on a shared, busy machine most calls are
   * interrupted by other processes, so this is the closer estimate of one free core.
   */
  fast: number;
}

/** Times each call of `work` for about `seconds` (after a short warm-up). */
async function measure(seconds: number, spansPerCall: number, work: () => unknown): Promise<Rate> {
  for (let i = 0; i < 5; i++) await work();
  const durations: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  while (performance.now() < deadline || durations.length < 10) {
    const start = performance.now();
    await work();
    durations.push(performance.now() - start);
  }
  durations.sort((a, b) => a - b);
  const rateAt = (quantile: number) =>
    spansPerCall / (durations[Math.floor(durations.length * quantile)]! / 1000);
  return {
    median: rateAt(0.5),
    fast: rateAt(0.1),
  };
}

const format = (rate: number) => `${Math.round(rate).toLocaleString('en-US')} spans/s`;

function print(label: string, rate: Rate): void {
  const columns = [rate.median, rate.fast].map((value) => format(value).padStart(17));
  console.log(`${label.padEnd(44)} ${columns.join('  ')}`);
}

class CountingSink implements TelemetrySink {
  spans = 0;
  writeSpans(spans: unknown[]): void {
    this.spans += spans.length;
  }
  writeLogs(): void {}
}

async function main(): Promise<void> {
  const batch = await realisticBatch();
  const gzipped = gzipSync(batch.protobuf);
  const check = decodeTraceRequestProtobuf(batch.protobuf);
  if (check.spans.length !== BATCH_SPANS) throw new Error(`batch decoded to ${check.spans.length} spans`);
  console.log(
    `batch: ${BATCH_SPANS} spans, protobuf ${batch.protobuf.length} bytes (${Math.round(batch.protobuf.length / BATCH_SPANS)}/span), ` +
      `JSON ${batch.json.length} bytes, gzipped protobuf ${gzipped.length} bytes`,
  );
  const jsonText = Buffer.from(batch.json).toString('utf8');

  console.log(`${''.padEnd(44)} ${['median call', 'p10 call'].map((h) => h.padStart(17)).join('  ')}`);
  const decodeProto = await measure(5, BATCH_SPANS, () => decodeTraceRequestProtobuf(batch.protobuf));
  print('decode protobuf', decodeProto);
  print(
    'decode JSON (incl. JSON.parse)',
    await measure(4, BATCH_SPANS, () => decodeTraceRequestJson(jsonText)),
  );

  const sink = new CountingSink();
  const receiver = createOtlpReceiver(sink, {
    host: '127.0.0.1',
    httpPort: 0,
    grpcPort: 0,
    maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
    log: (line) => console.error(line),
  });
  const [http, grpc] = await receiver.start();
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const protoHeaders = { 'content-type': 'application/x-protobuf' };

  const roundTrip = await measure(5, BATCH_SPANS, () =>
    postTraces(agent, http!.port!, batch.protobuf, protoHeaders),
  );
  print('HTTP protobuf round trip, 1 in flight', roundTrip);
  print(
    'HTTP protobuf round trip, 4 in flight',
    await measure(4, BATCH_SPANS * 4, () =>
      Promise.all([1, 2, 3, 4].map(() => postTraces(agent, http!.port!, batch.protobuf, protoHeaders))),
    ),
  );
  print(
    'HTTP protobuf+gzip round trip, 1 in flight',
    await measure(4, BATCH_SPANS, () =>
      postTraces(agent, http!.port!, gzipped, { ...protoHeaders, 'content-encoding': 'gzip' }),
    ),
  );
  print(
    'HTTP JSON round trip, 1 in flight',
    await measure(4, BATCH_SPANS, () =>
      postTraces(agent, http!.port!, batch.json, { 'content-type': 'application/json' }),
    ),
  );

  const client = new Client(`127.0.0.1:${grpc!.port}`, credentials.createInsecure());
  const grpcBody = Buffer.from(batch.protobuf);
  const grpcCall = () =>
    new Promise<void>((resolve, reject) =>
      client.makeUnaryRequest(
        '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
        (bytes: Buffer) => bytes,
        (bytes: Buffer) => bytes,
        grpcBody,
        new Metadata(),
        (error) => (error ? reject(error) : resolve()),
      ),
    );
  print('gRPC round trip, 1 in flight', await measure(4, BATCH_SPANS, grpcCall));

  client.close();
  agent.destroy();
  await receiver.close();
  console.log(`sink received ${sink.spans.toLocaleString('en-US')} spans in all`);
  const load = (await import('node:os')).loadavg()[0]!.toFixed(1);
  console.log(
    `ratios (p10 call): decode ${(decodeProto.fast / 200_000).toFixed(2)}× the 200k spans/s decode target; ` +
      `HTTP round trip ${(roundTrip.fast / 50_000).toFixed(2)}× the 50k spans/s pipeline target (store excluded); ` +
      `load average during the run ${load} on ${(await import('node:os')).availableParallelism()} cores`,
  );
}

await main();
