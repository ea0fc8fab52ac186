/**
 * Runs every benchmark one after another (each prints its own figures). Sizes are the defaults of
 * each script; pass a name to run only the benchmarks whose file name contains it:
 *
 *   npm run bench [-- store]
 */
import { spawnSync } from 'node:child_process';

const BENCHMARKS = [
  'startup.ts',
  'receiver-decode.ts',
  'store-ingest.ts',
  'ingest-pipeline.ts',
  'ingest-vs-jaeger.ts',
  'ingest-cpu.ts',
  'large-export-stall.ts',
  'large-export-phases.ts',
  'store-queries.ts',
  'analysis.ts',
  'spec-compare.ts',
  'regex-matching.ts',
  'spec-parse.ts',
  'spec-accuracy.ts',
  'validate-collection.ts',
  'spec-inference.ts',
  'performance-trends.ts',
  'backends-mapping.ts',
  'xray-mapping.ts',
  'cloudtrace-mapping.ts',
  'azure-monitor-mapping.ts',
  'execute-capture.ts',
  'ui-first-paint.ts',
];

const filter = process.argv[2];
let failed = 0;
for (const file of BENCHMARKS.filter((name) => !filter || name.includes(filter))) {
  console.log(`\n=== bench/${file}`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', `bench/${file}`], { stdio: 'inherit' });
  if (run.status !== 0) {
    failed += 1;
    console.log(`bench/${file} exited with ${run.status ?? run.signal}`);
  }
}
process.exitCode = failed > 0 ? 1 : 0;
