export { erfc, mannWhitneyU, median, type MannWhitneyResult } from './mann-whitney.js';
export {
  detectRegressions,
  traceKindOf,
  type DurationEnvelope,
  type EnvelopeBreach,
  type LatencyShift,
  type NotJudged,
  type RegressionOptions,
  type RegressionReport,
  type SideStats,
  type StructuralChange,
  type StructuralKind,
  type TraceKindCount,
} from './detect-regressions.js';
