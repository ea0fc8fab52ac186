import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { REAL_SERVER_SUITES } from './vitest.backends.config.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The real-backend contract suite needs Jaeger, Zipkin and Tempo running: vitest.backends.config.ts.
    exclude: [...REAL_SERVER_SUITES, 'node_modules/**'],
    // Real servers, real SDK exporters and spawned CLIs need far more than the 5 s default on a
    // 2-core machine that is also building Go servers: a guard against hangs, not a speed check.
    // 120 s was not enough on a day the shared VM ran everything ~10× slower (load 8, a 50 s
    // execute_and_capture): hooks and tests that start processes get 5 minutes.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
    // Test files share their worker's module graph instead of each starting a fresh fork that loads
    // and transforms src/ again: on the 2-core VM the store, receiver, config, model and analysis
    // files took 146 s isolated and 46 s shared. Every file builds its own app, store and ports and
    // closes them in afterAll, and none mocks modules or edits process.env, so nothing leaks.
    isolate: false,
    // vitest's default is one worker per core less one: a single worker here. Most of the slow
    // files wait on spawned services, exporters and settle periods rather than the CPU, so two
    // workers overlap those waits (whole suite: 5.2 min with both changes).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    // `npm run coverage`: what the suite executes of src/, by V8's own counters.
    coverage: { provider: 'v8', include: ['src/**/*.ts'], reporter: ['text-summary', 'json-summary'] },
  },
});
