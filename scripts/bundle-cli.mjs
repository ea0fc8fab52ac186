// Bundles the otel-mcp command into one file, dist/cli/main.js. The entry tsc emitted there is kept
// as dist/cli/main-modules.js: the same command loading its modules one by one, for debugging and as
// bench/startup.ts's baseline.
//
// Why: the unbundled command loads ~500 module files (zod, yaml, grpc-js, our own ~250), and on a
// loaded or syscall-slow machine resolving and reading them dominated startup (median 10 s against
// 4.8 s bundled on the 2-core CI VM). better-sqlite3 stays external: it loads a native addon.
import { renameSync } from 'node:fs';
import { build } from 'esbuild';

renameSync('dist/cli/main.js', 'dist/cli/main-modules.js');

await build({
  // The store's writer thread (src/store/worker-sink.ts) starts span-write-worker.js next to the
  // module that starts it: next to the bundle, so it is bundled beside it.
  entryPoints: {
    main: 'src/cli/main.ts',
    'span-write-worker': 'src/store/span-write-worker.ts',
  },
  outdir: 'dist/cli',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['better-sqlite3'],
  // CommonJS packages inside an ES module bundle still call require() for Node built-ins.
  banner: {
    js: "import { createRequire as otelMcpCreateRequire } from 'node:module';\nconst require = otelMcpCreateRequire(import.meta.url);",
  },
  // Minified, the bundle is half the size and start-up spends ~25% less CPU parsing it; names are
  // kept so a stack trace stays readable, and the source map maps it back (node --enable-source-maps).
  minify: true,
  keepNames: true,
  sourcemap: 'linked',
  logLevel: 'warning',
});
