import { defineConfig } from 'vitest/config';

/**
 * The suites that need real Jaeger, Zipkin and Tempo servers (scripts/backends/start-all.sh). The
 * other tests under test/backends (HTTP client, retry policy, mappings, the embedded contract run)
 * need no server and run in `npm test`.
 */
export const REAL_SERVER_SUITES = [
  'test/backends/jaeger.test.ts',
  'test/backends/zipkin.test.ts',
  'test/backends/tempo.test.ts',
  'test/backends/xray.test.ts',
  'test/backends/correlation.test.ts',
  'test/backends/mcp-backends.test.ts',
];

/** The contract suite against real Jaeger, Zipkin and Tempo servers. */
export default defineConfig({
  test: {
    include: REAL_SERVER_SUITES,
    // Hang guards sized for a loaded 2-core CI machine, not speed checks.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
    // One server each; running the files one after another keeps their ingest-then-search timing honest.
    fileParallelism: false,
    // One worker that keeps its module graph between files (see vitest.config.ts).
    isolate: false,
  },
});
