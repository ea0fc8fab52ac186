import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The real-backend contract suite needs Jaeger, Zipkin and Tempo running: vitest.backends.config.ts.
    exclude: ['test/backends/**', 'node_modules/**'],
    // Real servers and real SDK exporters need more than the 5 s default on a 2-core machine.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
