import { defineConfig } from 'vitest/config';

/** The contract suite against real Jaeger, Zipkin and Tempo servers (scripts/backends/start-all.sh). */
export default defineConfig({
  test: {
    include: ['test/backends/**/*.test.ts'],
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
