export {
  DEFAULT_DURATION_HEADROOM,
  DEFAULT_DURATION_SLACK_MS,
  DEFAULT_MAX_ENUM_VALUES,
  inferSpecFromTraces,
  roundUpForReading,
  type DroppedItem,
  type InferOptions,
  type InferredEntry,
  type SpecInference,
} from './infer-spec.js';
export { isIdLikeKey, isIdLikeValue } from './value-shape.js';
export { isRunSpecificValue, isValueRuleKey, runSpecificKeyReason } from './run-specific.js';
