/**
 * A spec as YAML for people and version control (`trace-specs/<name>.yaml`): keys in a fixed,
 * readable order, small ranges and matchers on one line (`count: { min: 1, max: 3 }`).
 * parseTraceSpec(serializeSpecYaml(spec)) gives back an equal spec.
 */
import { Document, isMap, isScalar, isSeq } from 'yaml';
import { forEachCollection } from './yaml-collections.js';
import {
  ERROR_CONDITION_KEYS,
  PERFORMANCE_CONSTRAINT_KEYS,
  SPAN_SPEC_KEYS,
  TRACE_SPEC_KEYS,
  type ErrorCondition,
  type SpanSpec,
  type TraceSpec,
} from './trace-spec.js';

function ordered<T extends object>(value: T, keys: readonly string[]): Record<string, unknown> {
  const source = value as Record<string, unknown>;
  const result: Record<string, unknown> = {};
  for (const key of keys) if (source[key] !== undefined) result[key] = source[key];
  return result;
}

function orderSpan(span: SpanSpec): Record<string, unknown> {
  const result = ordered(span, SPAN_SPEC_KEYS);
  if (span.children) result.children = span.children.map(orderSpan);
  return result;
}

/** A spec with its keys in the canonical order (also used before diffing and storing). */
export function canonicalSpec(spec: TraceSpec): Record<string, unknown> {
  const result = ordered(spec, TRACE_SPEC_KEYS);
  result.expected_spans = spec.expected_spans.map(orderSpan);
  if (spec.performance_constraints)
    result.performance_constraints = ordered(spec.performance_constraints, PERFORMANCE_CONSTRAINT_KEYS);
  if (spec.error_conditions) {
    result.error_conditions = spec.error_conditions.map((condition: ErrorCondition) =>
      ordered(condition, ERROR_CONDITION_KEYS),
    );
  }
  return result;
}

const ONE_LINE_KEYS = new Set(['count', 'expected_duration_ms', 'links']);
const TAG_KEYS = new Set(['required_tags', 'optional_tags']);

export function serializeSpecYaml(spec: TraceSpec): string {
  const document = new Document(canonicalSpec(spec));
  forEachCollection(document.contents, (map) => {
    if (!isMap(map)) return;
    for (const pair of map.items) {
      if (!isScalar(pair.key)) continue;
      const key = String(pair.key.value);
      if (ONE_LINE_KEYS.has(key) && isMap(pair.value)) pair.value.flow = true;
      if (TAG_KEYS.has(key) && isMap(pair.value)) {
        for (const tag of pair.value.items) {
          if (isMap(tag.value) || isSeq(tag.value)) tag.value.flow = true;
        }
      }
    }
  });
  return document.toString({ lineWidth: 0, flowCollectionPadding: true });
}
