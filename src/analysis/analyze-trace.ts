import type { Trace } from '../model/index.js';
import { invalidArgument } from '../model/index.js';
import { checkLimit } from './capped.js';
import { DEFAULT_CLOCK_SKEW_TOLERANCE_MS } from './clock-skew.js';
import type { TraceErrors } from './errors.js';
import { analyzeErrors } from './errors.js';
import type { TracePerformance } from './performance.js';
import { analyzePerformance } from './performance.js';
import type { SpanTree } from '../model/span-tree.js';
import { buildSpanTree } from '../model/span-tree.js';
import type { TraceStructure } from './structure.js';
import { analyzeStructure } from './structure.js';

export interface AnalyzeTraceOptions {
  /**
   * Items kept in every list (default 10). Ten keeps the whole analysis of a 10,000-span trace
   * near 20 kB of JSON, inside the ~8k-token tool budget (mcp/output-budget.ts).
   */
  maxItems?: number;
  /** Children outside their parent by up to this are not reported (default 1 ms, see clock-skew.ts). */
  clockSkewToleranceMs?: number;
  /** A tree already built for this trace, to share the work with other analyses. */
  tree?: SpanTree;
}

export interface TraceAnalysis {
  traceId: string;
  structure: TraceStructure;
  performance: TracePerformance;
  errors: TraceErrors;
}

export const DEFAULT_MAX_ITEMS = 10;

/** Structure, performance (critical path, self time) and errors of one trace, every list bounded. */
export function analyzeTrace(trace: Trace, options: AnalyzeTraceOptions = {}): TraceAnalysis {
  if (trace.spans.length === 0) {
    throw invalidArgument(
      `trace ${trace.traceId} has no spans to analyze`,
      'fetch the trace again once its spans have arrived',
    );
  }
  const maxItems = checkLimit(options.maxItems, 'maxItems', DEFAULT_MAX_ITEMS);
  const tolerance = options.clockSkewToleranceMs ?? DEFAULT_CLOCK_SKEW_TOLERANCE_MS;
  if (!Number.isFinite(tolerance) || tolerance < 0) {
    throw invalidArgument(`clockSkewToleranceMs must be a number ≥ 0, got ${String(tolerance)}`);
  }
  const tree = options.tree ?? buildSpanTree(trace);
  return {
    traceId: trace.traceId,
    structure: analyzeStructure(tree, { maxItems, clockSkewToleranceMs: tolerance }),
    performance: analyzePerformance(tree, maxItems).summary,
    errors: analyzeErrors(tree, maxItems),
  };
}
