/**
 * otel-mcp's own embedded store, fed the way an application feeds it (the SDK's OTLP/protobuf
 * exporter → the real receiver → SQLite), as the reference every external backend is compared with.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { createEmbeddedBackend } from '../../../src/backends/embedded/embedded-backend.js';
import type { TraceBackend } from '../../../src/backends/trace-backend.js';
import { createOtlpReceiver, DEFAULT_MAX_BODY_BYTES } from '../../../src/receiver/otlp-receiver.js';
import { openTraceStore } from '../../../src/store/trace-store.js';
import { exportOtlpProto } from './otlp-export.js';

export interface EmbeddedReference {
  backend: TraceBackend;
  ingest(spans: ReadableSpan[]): Promise<void>;
  close(): Promise<void>;
}

export async function openEmbeddedReference(): Promise<EmbeddedReference> {
  const dataDir = mkdtempSync(join(tmpdir(), 'otel-mcp-reference-'));
  const store = openTraceStore({
    dataDir,
    retention: { maxSpans: 100_000, maxAgeMs: 24 * 3_600_000 },
    log: () => {},
  });
  const receiver = createOtlpReceiver(store, {
    host: '127.0.0.1',
    httpPort: 0,
    grpcPort: null,
    maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
    log: () => {},
  });
  const [http] = await receiver.start();
  if (!http?.listening)
    throw new Error(`the embedded receiver did not start: ${http?.error ?? 'no listener'}`);
  const url = `http://127.0.0.1:${http.port}`;
  return {
    backend: createEmbeddedBackend(store),
    ingest: (spans) => exportOtlpProto(url, spans),
    async close() {
      await receiver.close();
      store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
