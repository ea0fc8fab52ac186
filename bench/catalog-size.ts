/**
 * What a client pays to connect: the size of tools/list as it arrives over MCP, in all and in the
 * parts clients put into the model's context (names, titles, descriptions and input schemas), and
 * how long a warm tools/list takes against a bare ping in the same session (the baseline).
 *
 *   node --import tsx bench/catalog-size.ts
 */
import { startHarness } from '../test/support/mcp-harness.js';

// The 2025-era handshake still has ping, the cheapest round trip to compare with.
const harness = await startHarness({ era: 'legacy' });
try {
  const listed = await harness.client.listTools();
  const all = JSON.stringify(listed).length;
  const context = listed.tools.reduce(
    (sum, tool) =>
      sum +
      tool.name.length +
      (tool.title ?? '').length +
      (tool.description ?? '').length +
      JSON.stringify(tool.inputSchema).length,
    0,
  );
  const times: number[] = [];
  const pings: number[] = [];
  for (let run = 0; run < 50; run += 1) {
    let started = performance.now();
    await harness.client.listTools();
    times.push(performance.now() - started);
    started = performance.now();
    await harness.client.ping();
    pings.push(performance.now() - started);
  }
  const median = (values: number[]): number =>
    [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
  console.log(
    `tools/list: ${listed.tools.length} tools, ${all.toLocaleString('en')} characters in all (target ≤ 90,000)`,
  );
  console.log(
    `  names, titles, descriptions and input schemas: ${context.toLocaleString('en')} characters (target ≤ 32,000)`,
  );
  console.log(
    `  warm tools/list median ${median(times).toFixed(2)} ms; ping in the same session ${median(pings).toFixed(2)} ms (baseline); ratio ${(median(times) / median(pings)).toFixed(1)}×`,
  );
} finally {
  await harness.close();
}
