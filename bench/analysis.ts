/**
 * Trace analysis on a realistic 10,000-span trace (six services, DB and HTTP calls, N+1 loops,
 * retries, a Kafka hand-off): analyzeTrace, detectPerformanceIssues and renderTraceTree, each
 * building its own span tree as a tool call would. Prints median / p95 compute time and the size
 * of what each returns. Target: < 100 ms each.
 *
 *   node --import tsx bench/analysis.ts [spans] [iterations]
 */
import { loadavg } from 'node:os';
import {
  analyzeTrace,
  buildSpanTree,
  detectPerformanceIssues,
  renderTraceTree,
  summarizeFindings,
} from '../src/analysis/index.js';
import { generateRealisticTrace } from '../test/support/realistic-trace.js';

const spans = Number(process.argv[2] ?? 10_000);
const iterations = Number(process.argv[3] ?? 40);
const WARMUP = 5;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
}

// Wall time and this process's CPU time (user + system, GC threads included): on a shared machine
// the wall-time median mostly measures the other processes, the CPU time much less so.
function measure(label: string, run: () => unknown): void {
  for (let i = 0; i < WARMUP; i += 1) run();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < iterations; i += 1) {
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    run();
    wall.push(performance.now() - start);
    const used = process.cpuUsage(cpuStart);
    cpu.push((used.user + used.system) / 1000);
  }
  wall.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const fmt = (ms: number): string => `${ms.toFixed(1)}`.padStart(7);
  console.log(
    `${label.padEnd(30)} wall ms: median ${fmt(percentile(wall, 0.5))} p95 ${fmt(percentile(wall, 0.95))} min ${fmt(wall[0] ?? NaN)}` +
      `   cpu ms: median ${fmt(percentile(cpu, 0.5))} p95 ${fmt(percentile(cpu, 0.95))}`,
  );
}

const trace = generateRealisticTrace(spans);
console.log(`trace: ${trace.spans.length} spans, ${iterations} runs after ${WARMUP} warm-up runs`);
console.log(
  `load average at start: ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} (2 cores shared: read medians with that in mind)`,
);
console.log('');

measure('buildSpanTree', () => buildSpanTree(trace));
measure('analyzeTrace', () => analyzeTrace(trace));
measure('detectPerformanceIssues', () => detectPerformanceIssues(trace));
measure('renderTraceTree (collapsed)', () => renderTraceTree(trace));
measure('renderTraceTree (no folding)', () => renderTraceTree(trace, { collapseRepeats: false }));
measure('all three on one shared tree', () => {
  const tree = buildSpanTree(trace);
  analyzeTrace(trace, { tree });
  detectPerformanceIssues(trace, {}, { tree });
  renderTraceTree(trace, { tree });
});

const analysis = analyzeTrace(trace);
const findings = detectPerformanceIssues(trace);
const rendered = renderTraceTree(trace);
const flat = renderTraceTree(trace, { collapseRepeats: false });
console.log('');
console.log(`analyzeTrace JSON:                  ${JSON.stringify(analysis).length} chars`);
console.log(
  `findings: ${findings.length}, summarized (top 20) JSON: ${JSON.stringify(summarizeFindings(findings)).length} chars`,
);
console.log(
  `renderTraceTree (collapsed):        ${rendered.text.length} chars, ${rendered.lines} lines, ${rendered.hiddenSpans} spans hidden`,
);
console.log(
  `renderTraceTree (no folding):       ${flat.text.length} chars, ${flat.lines} lines, ${flat.hiddenSpans} spans hidden, depth ${flat.depthShown} shown`,
);
