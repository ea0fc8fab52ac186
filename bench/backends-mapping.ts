/**
 * The backend adapters' own cost for one 1,000-span trace: turning a captured response body into a
 * model trace (parse, decode, map, group, sort) and its search summary. Server time is not
 * measured. Bodies are captured from the real servers when scripts/backends/start-all.sh is running
 * (the trace is sent to each first); otherwise they are built in the servers' wire formats from
 * the same SDK spans (OTLP protobuf and JSON serializers, the Zipkin v2 mapping). Target: < 20 ms.
 *
 *   node --import tsx bench/backends-mapping.ts [spans] [iterations]
 */
import { existsSync, readFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { spansFromJaegerTraces, type JaegerTraceJson } from '../src/backends/jaeger/legacy-mapping.js';
import { normalizeTempoTraceJson } from '../src/backends/tempo/tempo-json.js';
import { spansFromZipkin } from '../src/backends/zipkin/zipkin-mapping.js';
import type { ZipkinSpan } from '../src/backends/zipkin/zipkin-span.js';
import { decodeTraceRequestJson, decodeTraceRequestProtobuf } from '../src/otlp/index.js';
import type { Span } from '../src/model/index.js';
import { exportOtlpProto } from '../test/backends/support/otlp-export.js';
import { postZipkinSpans, toZipkinSpan } from '../test/backends/support/zipkin-export.js';
import { assembleModel, buildBenchTrace, timeRuns } from './support/mapping-bench.js';

const spanCount = Number(process.argv[2] ?? 1000);
const iterations = Number(process.argv[3] ?? 60);

function runningEndpoints(name: string): Record<string, string> | undefined {
  const dir = join(
    process.env.OTEL_MCP_BACKENDS_RUN ?? join(process.env.TMPDIR ?? tmpdir(), 'otel-mcp-backends'),
    name,
  );
  try {
    process.kill(Number(readFileSync(join(dir, 'pid'), 'utf8')), 0);
    return existsSync(join(dir, 'endpoints.json'))
      ? (JSON.parse(readFileSync(join(dir, 'endpoints.json'), 'utf8')) as Record<string, string>)
      : undefined;
  } catch {
    return undefined;
  }
}

async function fetchWhenComplete(
  url: string,
  accept: string,
  complete: (body: Uint8Array) => boolean,
): Promise<Uint8Array | undefined> {
  for (let tries = 0; tries < 150; tries++) {
    const response = await fetch(url, { headers: { accept } });
    const body = new Uint8Array(await response.arrayBuffer());
    if (response.ok && complete(body)) return body;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return undefined;
}

function measure(label: string, source: string, run: () => Span[]): void {
  const times = timeRuns(run, spanCount, iterations, label);
  const at = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!;
  const fmt = (ms: number) => `${ms.toFixed(2)} ms`.padStart(9);
  console.log(
    `${label.padEnd(30)} ${source.padEnd(9)} median ${fmt(at(0.5))}   p95 ${fmt(at(0.95))}   ${(spanCount / at(0.5)).toFixed(0).padStart(6)} spans/ms`,
  );
}

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');

async function main(): Promise<void> {
  // Spans spread round-robin over the services, with events, errors and a fuller resource.
  const { traceId, spans } = buildBenchTrace(spanCount, {
    services: 'round-robin',
    errors: 'status',
    retryEvents: true,
    resource: (service) => ({
      'service.version': '2.3.1',
      'host.name': `${service}-7f9c`,
      'deployment.environment.name': 'bench',
    }),
    attributes: (i, count) => ({
      'db.system': 'postgresql',
      'db.query.text': `SELECT * FROM orders WHERE id = $${i % 9}`,
      'app.index': i,
      'app.ratio': i / count,
      'app.cached': i % 2 === 0,
    }),
  });
  const toModel = (decoded: Span[]) => assembleModel(traceId, decoded);
  const jaeger = runningEndpoints('jaeger');
  const zipkin = runningEndpoints('zipkin');
  const tempo = runningEndpoints('tempo');
  if (jaeger?.otlp_http) await exportOtlpProto(jaeger.otlp_http, spans);
  if (tempo?.otlp_http) await exportOtlpProto(tempo.otlp_http, spans);
  if (zipkin?.api) await postZipkinSpans(zipkin.api, spans.map(toZipkinSpan));

  const hasAll = (body: Uint8Array) =>
    text(body).split('"spanId"').length - 1 >= spanCount ||
    text(body).split('"spanID"').length - 1 >= spanCount;
  const jaegerV3 =
    jaeger &&
    (await fetchWhenComplete(`${jaeger.query_http}/api/v3/traces/${traceId}`, 'application/json', hasAll));
  const jaegerLegacy =
    jaeger &&
    (await fetchWhenComplete(`${jaeger.query_http}/api/traces/${traceId}`, 'application/json', hasAll));
  const zipkinBody =
    zipkin &&
    (await fetchWhenComplete(
      `${zipkin.api}/api/v2/trace/${traceId}`,
      'application/json',
      (body) => (JSON.parse(text(body)) as unknown[]).length >= spanCount,
    ));
  const tempoProto =
    tempo &&
    (await fetchWhenComplete(
      `${tempo.api}/api/traces/${traceId}`,
      'application/protobuf',
      (body) => decodeTraceRequestProtobuf(body).spans.length >= spanCount,
    ));
  const tempoJson =
    tempo && (await fetchWhenComplete(`${tempo.api}/api/traces/${traceId}`, 'application/json', hasAll));

  const otlpJson = JsonTraceSerializer.serializeRequest(spans)!;
  const otlpProto = ProtobufTraceSerializer.serializeRequest(spans)!;
  const bodies = {
    jaegerV3: jaegerV3 ? text(jaegerV3) : `{"result":${text(otlpJson)}}`,
    otlpProto: tempoProto ?? otlpProto,
    zipkin: zipkinBody ? text(zipkinBody) : JSON.stringify(spans.map(toZipkinSpan)),
  };

  console.log(
    `backend adapter mapping, one ${spanCount}-span trace, ${iterations} iterations (load ${loadavg()[0]!.toFixed(1)}), target < 20 ms`,
  );
  measure('jaeger api_v3 HTTP (OTLP JSON)', jaegerV3 ? 'captured' : 'built', () =>
    toModel(decodeTraceRequestJson((JSON.parse(bodies.jaegerV3) as { result: unknown }).result).spans),
  );
  measure('jaeger api_v3 gRPC (protobuf)', 'built', () =>
    toModel(decodeTraceRequestProtobuf(otlpProto).spans),
  );
  if (jaegerLegacy) {
    const legacyText = text(jaegerLegacy);
    measure('jaeger internal API (JSON)', 'captured', () =>
      toModel(spansFromJaegerTraces((JSON.parse(legacyText) as { data: JaegerTraceJson[] }).data)),
    );
  } else console.log('jaeger internal API (JSON)     skipped: needs a running Jaeger to capture its model');
  measure('zipkin v2 (JSON)', zipkinBody ? 'captured' : 'built', () =>
    toModel(spansFromZipkin(JSON.parse(bodies.zipkin) as ZipkinSpan[])),
  );
  measure('tempo (OTLP protobuf)', tempoProto ? 'captured' : 'built', () =>
    toModel(decodeTraceRequestProtobuf(bodies.otlpProto).spans),
  );
  if (tempoJson) {
    const tempoText = text(tempoJson);
    measure('tempo (gogo-jsonpb JSON)', 'captured', () =>
      toModel(decodeTraceRequestJson(normalizeTempoTraceJson(JSON.parse(tempoText))).spans),
    );
  } else
    console.log('tempo (gogo-jsonpb JSON)       skipped: needs a running Tempo to capture its JSON flavour');
}

await main();
