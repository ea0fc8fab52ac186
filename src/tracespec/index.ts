/**
 * The trace spec language (docs/spec-language.md), pure: parse and validate specs, compare a trace
 * with a spec, templates, version diffs and partial updates, collection summaries, and suggestions.
 */
export type {
  CountSpec,
  DurationSpec,
  ErrorCondition,
  MatcherOperator,
  NormalizedRange,
  PerformanceConstraints,
  RangeSpec,
  SpanSpec,
  SpecSpanKind,
  TagExpectation,
  TagMatcher,
  TraceSpec,
} from './language/trace-spec.js';
export {
  MATCHER_OPERATORS,
  SPEC_SPAN_KINDS,
  normalizeCount,
  normalizeDuration,
} from './language/trace-spec.js';
export {
  parseTraceSpec,
  validateTraceSpec,
  type SpecProblem,
  type SpecValidation,
} from './language/validate-spec.js';
export { compareTraceToSpec, prepareSpecComparison, type SpecComparison } from './compare/compare-trace.js';
export type {
  CompareOptions,
  ComparisonResult,
  EntryMatch,
  EntryResult,
  MissingSpan,
  NearestCandidate,
  PerformanceIssue,
  SpanOrigin,
  SpanRef,
  UnexpectedSpanGroup,
  Violation,
  ViolationKind,
} from './compare/comparison-result.js';
export {
  entryExercised,
  entrySpanCount,
  passesFailureOn,
  traceExercisesSpec,
  unexpectedErrorSpanIds,
  unexpectedGroupLabel,
} from './compare/comparison-result.js';
export { entryName, errorChainFix, groupByChain, type ChainSpan } from './report/error-chains.js';
export {
  suggestImprovements,
  type AnalysisFindingInput,
  type Improvement,
  type ImprovementCategory,
  type ImprovementSource,
} from './report/suggest-improvements.js';
export { readSpecText, type SpecTextResult } from './language/spec-text.js';
export { MAX_SPEC_ALIASES, MAX_SPEC_BYTES, MAX_SPEC_SIZE, utf8Length } from './language/spec-limits.js';
export { compileLinearRegex, type LinearRegex } from './language/linear-regex.js';
export {
  CATEGORY_ORDER,
  categoryOf,
  categoryPriority,
  type ViolationCategory,
} from './report/violation-categories.js';
export { describeOrigin, spanOrigin } from './compare/span-origin.js';
export { formatProblems } from './language/spec-problems.js';
export { didYouMean, nearestName, editDistance } from '../model/did-you-mean.js';
export { listEntryPaths, type SpecEntryPath } from './language/spec-paths.js';
export { serializeSpecFile, serializeSpecYaml, type SpecFileYaml } from './language/serialize-spec.js';
export { diffSpecs, type SpecChange, type SpecDiff } from './language/diff-specs.js';
export { mergeSpecUpdate, SPEC_UPDATE_KEYS } from './language/merge-spec-update.js';
export { TRACE_SPEC_KEYS } from './language/trace-spec.js';
export {
  summarizeCollection,
  percentile,
  type CollectionItem,
  type CollectionSummary,
} from './report/summarize-collection.js';
export { listSpecTemplates, instantiateTemplate } from './templates/template-registry.js';
export type { SpecTemplateInfo, TemplateParameter, TemplateValue } from './templates/spec-template.js';
export * from './infer/index.js';
