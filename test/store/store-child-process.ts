/**
 * A second otel-mcp-like process for the persistence tests (run with `node --import tsx`):
 *
 *   read <dataDir> <traceId> <expectedSpans>   opens the store read-only and polls the trace,
 *       printing `ready`, then one JSON line with every span count it saw, until the trace has
 *       the expected spans (or 20 s pass);
 *   write-and-die <dataDir> <batches>          writes a trace batch by batch, printing
 *       `acknowledged <n>` after each write returns, then kills itself with SIGKILL (no close).
 */
import { openTraceStore } from '../../src/store/index.js';
import { buildTrace } from '../support/trace-builder.js';

const [mode, dataDir, ...rest] = process.argv.slice(2);
const retention = { maxSpans: 1_000_000, maxAgeMs: Number.POSITIVE_INFINITY };
const log = (line: string) => console.error(line);

if (mode === 'read') {
  const [traceId, expected] = rest;
  const store = openTraceStore({ dataDir: dataDir as string, retention, readOnly: true, log });
  const seen: number[] = [];
  const errors: string[] = [];
  const deadline = Date.now() + 20_000;
  console.log('ready');
  for (;;) {
    try {
      const count = store.getTrace(traceId as string)?.spans.length ?? 0;
      if (seen[seen.length - 1] !== count) seen.push(count);
      store.findTraces({ limit: 5, serviceName: 'writer' });
      if (count === Number(expected) || Date.now() > deadline) break;
    } catch (error) {
      errors.push(String(error));
      if (errors.length > 5) break;
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  console.log(
    JSON.stringify({ seen, errors, services: store.listServices().map((service) => service.name) }),
  );
  store.close();
} else if (mode === 'write-and-die') {
  const batches = Number(rest[0]);
  const store = openTraceStore({ dataDir: dataDir as string, retention, log });
  const trace = buildTrace(
    {
      name: 'root',
      service: 'crasher',
      attributes: { 'crash.tag': 'before-crash' },
      children: Array.from({ length: batches * 10 - 1 }, (_, index) => ({
        name: `child-${index}`,
        attributes: { 'crash.tag': 'before-crash', 'child.index': index },
      })),
    },
    'c'.repeat(32),
  );
  for (let batch = 0; batch < batches; batch += 1) {
    store.writeSpans(trace.spans.slice(batch * 10, batch * 10 + 10));
    console.log(`acknowledged ${(batch + 1) * 10}`);
  }
  process.kill(process.pid, 'SIGKILL');
} else {
  console.error(`unknown mode ${String(mode)}`);
  process.exit(2);
}
