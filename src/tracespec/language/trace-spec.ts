/**
 * The trace spec language (docs/spec-language.md): the shapes a validated spec has. Field names are
 * the project plan's, in snake_case, because specs are written by people and AI agents in
 * YAML/JSON. Extensions beyond the plan are marked as such.
 */
import type { AttributeValue } from '../../model/index.js';

/** The span kinds a spec may name; `unspecified` is deliberately absent (it is never expected). */
export type SpecSpanKind = 'server' | 'client' | 'producer' | 'consumer' | 'internal';
export const SPEC_SPAN_KINDS: readonly SpecSpanKind[] = [
  'server',
  'client',
  'producer',
  'consumer',
  'internal',
];

/** A numeric range; both ends inclusive, either may be absent. */
export interface RangeSpec {
  min?: number;
  max?: number;
}

/** `count: 2` means exactly two; `{ min, max }` a range; default `{ min: 1 }` (no maximum). */
export type CountSpec = number | RangeSpec;

/** `expected_duration_ms: 250` is read as `{ max: 250 }` (the usual meaning of a budget). */
export type DurationSpec = number | RangeSpec;

export const MATCHER_OPERATORS = [
  'eq',
  'ne',
  'regex',
  'exists',
  'gt',
  'gte',
  'lt',
  'lte',
  'in',
  'contains',
] as const;
export type MatcherOperator = (typeof MATCHER_OPERATORS)[number];

/** Several operators in one object must all hold (`{ gte: 200, lt: 300 }`). */
export interface TagMatcher {
  eq?: AttributeValue;
  ne?: AttributeValue;
  /**
   * A regular expression in JavaScript syntax run in linear time (RE2: no lookaround, no
   * backreferences), unanchored: write `^…$` for a whole-value match.
   */
  regex?: string;
  exists?: boolean;
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
  in?: AttributeValue[];
  /** Substring of a string value, or an element of an array value. */
  contains?: AttributeValue;
}

/** A scalar (equality after type coercion) or a matcher object. */
export type TagExpectation = string | number | boolean | AttributeValue[] | TagMatcher;

export interface SpanSpec {
  operation_name: string;
  /** Absent: any service. */
  service_name?: string;
  kind?: SpecSpanKind;
  expected_duration_ms?: DurationSpec;
  required_tags?: Record<string, TagExpectation>;
  optional_tags?: Record<string, TagExpectation>;
  count?: CountSpec;
  children?: SpanSpec[];
  /** The span must be an immediate child of its parent's match, not any descendant. */
  direct?: boolean;
  /** The children's matched spans must start in the listed order. */
  ordered?: boolean;
  /** Extension: how many span links the matched span carries (queue consumers link to producers). */
  links?: CountSpec;
  /** Extension: a note for humans; ignored by the comparison. */
  description?: string;
}

export interface PerformanceConstraints {
  max_total_duration_ms?: number;
  max_span_count?: number;
  max_depth?: number;
}

export interface ErrorCondition {
  /** Required with `expect: error`; with `allow_errors` it narrows the allowance to this operation. */
  operation_name?: string;
  service_name?: string;
  expect: 'error' | 'allow_errors';
  /** Only with `expect: error`: matched against exception events' `exception.type`. */
  exception_type?: string;
}

export interface TraceSpec {
  name: string;
  description?: string;
  strict?: boolean;
  expected_spans: SpanSpec[];
  performance_constraints?: PerformanceConstraints;
  error_conditions?: ErrorCondition[];
}

/** The keys each object accepts, in the order a serialized spec lists them. */
export const TRACE_SPEC_KEYS = [
  'name',
  'description',
  'strict',
  'expected_spans',
  'performance_constraints',
  'error_conditions',
] as const;
export const SPAN_SPEC_KEYS = [
  'operation_name',
  'service_name',
  'kind',
  'description',
  'count',
  'direct',
  'expected_duration_ms',
  'required_tags',
  'optional_tags',
  'links',
  'ordered',
  'children',
] as const;
export const PERFORMANCE_CONSTRAINT_KEYS = ['max_total_duration_ms', 'max_span_count', 'max_depth'] as const;
export const ERROR_CONDITION_KEYS = ['operation_name', 'service_name', 'expect', 'exception_type'] as const;

/** A count as a closed range; `max` is `Infinity` when unbounded. */
export interface NormalizedRange {
  min: number;
  max: number;
}

export function normalizeCount(count: CountSpec | undefined): NormalizedRange {
  if (count === undefined) return { min: 1, max: Infinity };
  if (typeof count === 'number') return { min: count, max: count };
  return { min: count.min ?? (count.max === 0 ? 0 : 1), max: count.max ?? Infinity };
}

export function normalizeDuration(duration: DurationSpec | undefined): NormalizedRange | undefined {
  if (duration === undefined) return undefined;
  if (typeof duration === 'number') return { min: 0, max: duration };
  return { min: duration.min ?? 0, max: duration.max ?? Infinity };
}

/** `links: 1` means at least one (a consumer may link to several producers). */
export function normalizeLinks(links: CountSpec | undefined): NormalizedRange | undefined {
  if (links === undefined) return undefined;
  if (typeof links === 'number') return { min: links, max: Infinity };
  return { min: links.min ?? 0, max: links.max ?? Infinity };
}
