/**
 * The one sorting of violation kinds into what an agent should do about them, in the order it
 * should do it: get the spans delivered, then errors (a thrown error often explains the rest), then
 * spans missing or too many, then spans in the wrong place, then tags, then speed. The comparison
 * orders its violations by it, improvement suggestions rank by it, and the session's next steps
 * follow it.
 */
import type { ViolationKind } from '../compare/comparison-result.js';

export type ViolationCategory = 'capture' | 'error' | 'structure' | 'placement' | 'tags' | 'performance';

export const CATEGORY_ORDER: readonly ViolationCategory[] = [
  'capture',
  'error',
  'structure',
  'placement',
  'tags',
  'performance',
];

const CATEGORY_OF: Record<ViolationKind, ViolationCategory> = {
  telemetry_lost: 'capture',
  unexpected_error: 'error',
  expected_error_missing: 'error',
  wrong_exception: 'error',
  missing: 'structure',
  count_too_low: 'structure',
  count_too_high: 'structure',
  forbidden_present: 'structure',
  unexpected_span: 'structure',
  wrong_parent: 'placement',
  wrong_service: 'placement',
  wrong_kind: 'placement',
  order: 'placement',
  links: 'placement',
  tag_mismatch: 'tags',
  tag_missing: 'tags',
  optional_tag_mismatch: 'tags',
  duration: 'performance',
  total_duration: 'performance',
  span_count: 'performance',
  depth: 'performance',
};

export function categoryOf(kind: ViolationKind): ViolationCategory {
  return CATEGORY_OF[kind];
}

/** 1 for the category to act on first. */
export function categoryPriority(category: ViolationCategory): number {
  return CATEGORY_ORDER.indexOf(category) + 1;
}
