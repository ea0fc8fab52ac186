import { afterAll, describe } from 'vitest';
import { runBackendContract } from './contract.js';
import { openEmbeddedReference, type EmbeddedReference } from './support/embedded-reference.js';

describe("the embedded store behind the backend interface (fed by otel-mcp's own receiver)", () => {
  let embedded: EmbeddedReference | undefined;
  afterAll(async () => {
    await embedded?.close();
  });
  runBackendContract(
    async () => {
      embedded = await openEmbeddedReference();
      return { backend: embedded.backend, ingest: embedded.ingest };
    },
    { isReference: true },
  );
});
