/** Shared by the comparison tests: compare a compact trace sketch with a spec written as data. */
import {
  compareTraceToSpec,
  parseTraceSpec,
  type ComparisonResult,
  type ViolationKind,
} from '../../src/tracespec/index.js';
import { buildTrace, type SpanSketch } from '../support/trace-builder.js';

export function compare(spec: unknown, roots: SpanSketch | SpanSketch[]): ComparisonResult {
  return compareTraceToSpec(buildTrace(roots), parseTraceSpec(spec));
}

export function kinds(result: ComparisonResult): ViolationKind[] {
  return result.violations.map((violation) => violation.kind);
}

/** A spec with the given expected spans and nothing else. */
export function specOf(
  expected_spans: unknown[],
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { name: 'test_spec', expected_spans, ...extra };
}
