import type { Trace } from '../../model/index.js';
import type { Capped } from '../capped.js';
import { cap, checkLimit } from '../capped.js';
import { selfTimes } from '../self-time.js';
import type { SpanNode, SpanTree } from '../../model/span-tree.js';
import { buildSpanTree } from '../../model/span-tree.js';
import type { CallTarget } from './call-target.js';
import { callTarget } from './call-target.js';
import type { DetectorContext, Finding, FindingKind, Severity } from './finding.js';
import { detectMissingInstrumentation } from './missing-instrumentation.js';
import { detectNPlusOneDb } from './n-plus-one-db.js';
import { detectNPlusOneHttp } from './n-plus-one-http.js';
import { detectRetryStorms } from './retry-storm.js';
import { lintSemanticConventions } from './semconv-lint.js';
import { detectSequentialCalls } from './sequential-calls.js';
import { detectSlowDbQueries } from './slow-db-query.js';
import type { DetectorThresholds } from './thresholds.js';
import { resolveThresholds } from './thresholds.js';

export interface DetectOptions {
  /** A tree already built for this trace, to share the work with other analyses. */
  tree?: SpanTree;
}

const SEVERITY_RANK: Record<Severity, number> = { high: 0, medium: 1, low: 2 };

/** Most severe first; within a severity, the most time at stake first. */
export function compareFindings(a: Finding, b: Finding): number {
  return SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || b.impactMs - a.impactMs;
}

function detectorContext(tree: SpanTree, thresholds: DetectorThresholds): DetectorContext {
  const targets: (CallTarget | undefined)[] = new Array(tree.nodes.length);
  return {
    nodes: tree.preorder,
    parents: tree.preorder.filter((node) => node.children.length >= 2),
    selfNs: selfTimes(tree),
    traceNs: tree.endNs,
    thresholds,
    target: (node: SpanNode) => (targets[node.index] ??= callTarget(node.span)),
  };
}

/**
 * Runs every performance detector over a trace: N+1 database queries and HTTP calls, sequential
 * calls that could run in parallel, slow queries, retry storms, missing instrumentation and
 * semantic-convention lint. Findings come most severe first; each lists at most
 * `maxSpansPerFinding` spans. Findings are grouped by pattern, so their number grows with the
 * distinct problems, not with the span count.
 */
export function detectPerformanceIssues(
  trace: Trace,
  thresholds: Partial<DetectorThresholds> = {},
  options: DetectOptions = {},
): Finding[] {
  const resolved = resolveThresholds(thresholds);
  if (trace.spans.length === 0) return [];
  const ctx = detectorContext(options.tree ?? buildSpanTree(trace), resolved);
  const claimed = new Set<number>();
  const findings = [
    ...detectNPlusOneDb(ctx, claimed),
    ...detectNPlusOneHttp(ctx, claimed),
    // Retries run one after another by nature: claim them before looking for parallelizable calls.
    ...detectRetryStorms(ctx, claimed),
    ...detectSequentialCalls(ctx, claimed),
    ...detectSlowDbQueries(ctx),
    ...detectMissingInstrumentation(ctx),
    ...lintSemanticConventions(ctx),
  ];
  return findings.sort(compareFindings);
}

export interface FindingsSummary {
  findings: Capped<Finding>;
  bySeverity: Record<Severity, number>;
  byKind: Partial<Record<FindingKind, number>>;
}

/** Caps a findings list for output (most severe kept), with counts of everything found. */
export function summarizeFindings(findings: readonly Finding[], limit = 20): FindingsSummary {
  const max = checkLimit(limit, 'limit', 20);
  const bySeverity: Record<Severity, number> = { high: 0, medium: 0, low: 0 };
  const byKind: Partial<Record<FindingKind, number>> = {};
  for (const finding of findings) {
    bySeverity[finding.severity] += 1;
    byKind[finding.kind] = (byKind[finding.kind] ?? 0) + 1;
  }
  return { findings: cap([...findings].sort(compareFindings), max), bySeverity, byKind };
}
