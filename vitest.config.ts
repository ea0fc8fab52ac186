import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The real-backend contract suite needs Jaeger, Zipkin and Tempo running: vitest.backends.config.ts.
    exclude: ['test/backends/**', 'node_modules/**'],
    // Real servers, real SDK exporters and spawned CLIs need far more than the 5 s default on a
    // 2-core machine that is also building Go servers: a guard against hangs, not a speed check.
    // 120 s was not enough on a day the shared VM ran everything ~10× slower (load 8, a 50 s
    // execute_and_capture): hooks and tests that start processes get 5 minutes.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
  },
});
