/**
 * Trace analysis: pure functions over the normalized model. No I/O, no clock.
 */
export type { Capped } from './capped.js';
export { cap, capMap, clip } from './capped.js';
export type { SpanRef } from './span-ref.js';
export { spanRef } from './span-ref.js';
export type { SpanNode, SpanTree } from '../model/span-tree.js';
export { buildSpanTree, descendantCounts, primaryTop } from '../model/span-tree.js';
export type { CriticalPathSegment } from './critical-path.js';
export { criticalPath } from './critical-path.js';
export type { Gap } from './self-time.js';
export { largestGap, selfTimeNs, selfTimes } from './self-time.js';
export type { SpanFailure } from './span-failure.js';
export { spanFailure } from './span-failure.js';
export type { ExceptionInfo } from './exceptions.js';
export { exceptionsOf, firstStackFrame } from './exceptions.js';
export * from './semantic-conventions.js';
export type { ServiceEdge } from './service-graph.js';
export { serviceGraph } from './service-graph.js';
export type { ClockRelation, ClockSkew } from './clock-skew.js';
export { DEFAULT_CLOCK_SKEW_TOLERANCE_MS, findClockSkew } from './clock-skew.js';
export type { Orphan, TraceStructure } from './structure.js';
export type { Contributor, CriticalPathStep, TraceCriticalPath, TracePerformance } from './performance.js';
export type { ErrorSpan, ExceptionGroup, RootCause, TraceErrors } from './errors.js';
export { failureOrigins } from './errors.js';
export type { AnalyzeTraceOptions, TraceAnalysis } from './analyze-trace.js';
export { analyzeTrace, DEFAULT_MAX_ITEMS } from './analyze-trace.js';

export type { DetectorThresholds } from './detectors/thresholds.js';
export { DEFAULT_THRESHOLDS, resolveThresholds } from './detectors/thresholds.js';
export type { Finding, FindingKind, Measurement, Severity } from './detectors/finding.js';
export type { DetectOptions, FindingsSummary } from './detectors/detect-performance-issues.js';
export {
  compareFindings,
  detectPerformanceIssues,
  summarizeFindings,
} from './detectors/detect-performance-issues.js';
export type { CallTarget } from './detectors/call-target.js';
export {
  callTarget,
  exactCallKey,
  httpRoutePattern,
  normalizeStatement,
  normalizeUrlPath,
} from './detectors/call-target.js';
export type { SecretHit, SecretKeyCache } from './detectors/secret-attributes.js';
export { findSecretAttributes } from './detectors/secret-attributes.js';

export type { RenderedTree, RenderTreeOptions } from './render/render-trace-tree.js';
export {
  DEFAULT_TREE_BUDGET_CHARS,
  MIN_TREE_BUDGET_CHARS,
  renderTraceTree,
} from './render/render-trace-tree.js';
export { formatDuration } from './render/format-duration.js';
export { shortPaths } from './render/short-paths.js';

export * from './regressions/index.js';
export {
  diffTraces,
  type DiffSide,
  type DiffStatus,
  type PathDiff,
  type TraceDiff,
  type TraceDiffOptions,
} from './trace-diff.js';
export {
  buildTransactionPicture,
  outgoingLinks,
  valueCarriers,
  type FoundBy,
  type LinkConnection,
  type SpanPoint,
  type TransactionMember,
  type TransactionPicture,
  type ValueCarrier,
} from './transaction-picture.js';
export * from './trends/index.js';
