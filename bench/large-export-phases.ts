/**
 * Where the time of one large export goes, in-process and without HTTP: the same body as
 * large-export-stall.ts (minimal SDK spans, each its own trace: the most spans per byte) decoded,
 * then written in the receiver's slices of 4,096 spans, once as it comes and once regrouped into
 * traces of 100 spans (as real exports look). Prints wall and CPU time per phase and µs per span:
 * on a shared machine the CPU figure is the one to compare, the wall figure is what an exporter waits.
 *
 *   node --import tsx bench/large-export-phases.ts [spans, default 480000 (~31.6 MiB)]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import type { Span } from '../src/model/index.js';
import { decodeTraceRequestProtobuf } from '../src/otlp/trace-protobuf.js';
import { openTraceStore } from '../src/store/index.js';

const SPANS = Number(process.argv[2] ?? 480_000);
/** The receiver's group-commit slice (group-commit-queue.ts). */
const SLICE = 4096;

const exporter = new InMemorySpanExporter();
const tracer = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).getTracer(
  'large-export',
);
for (let index = 0; index < SPANS; index += 1) tracer.startSpan('s').end();
const body = Buffer.from(ProtobufTraceSerializer.serializeRequest(exporter.getFinishedSpans())!);
exporter.reset();

function measure<T>(label: string, spans: number, work: () => T): T {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const result = work();
  const wall = performance.now() - started;
  const used = process.cpuUsage(cpuBefore);
  const cpu = (used.user + used.system) / 1000;
  console.log(
    `${label}: ${wall.toFixed(0)} ms wall, ${cpu.toFixed(0)} ms CPU (${((cpu * 1000) / spans).toFixed(1)} µs CPU/span)`,
  );
  return result;
}

function write(label: string, spans: Span[]): void {
  const dataDir = mkdtempSync(join(tmpdir(), 'otel-mcp-export-phases-'));
  const store = openTraceStore({
    dataDir,
    retention: { maxSpans: 100_000_000, maxAgeMs: Number.POSITIVE_INFINITY },
    log: () => undefined,
  });
  try {
    measure(label, spans.length, () => {
      for (let index = 0; index < spans.length; index += SLICE)
        store.writeSpans(spans.slice(index, index + SLICE));
    });
  } finally {
    store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const decoded = measure(`decode ${(body.length / 1048576).toFixed(1)} MiB`, SPANS, () =>
  decodeTraceRequestProtobuf(body),
);
write('store, one trace per span (as sent)', decoded.spans);
const grouped = decoded.spans.map((span, index) => {
  const root = decoded.spans[index - (index % 100)]!;
  return {
    ...span,
    traceId: root.traceId,
    ...(index % 100 === 0 ? {} : { parentSpanId: root.spanId }),
  };
});
write('store, the same spans in traces of 100', grouped);
