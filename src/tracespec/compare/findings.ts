/** What the rule checks of one comparison accumulate: violations, tallied checks, culprit spans. */
import type { MissingSpan, PerformanceIssue, Violation } from './comparison-result.js';

export class Findings {
  readonly violations: Violation[] = [];
  readonly performance: PerformanceIssue[] = [];
  readonly missing: MissingSpan[] = [];
  /** Span indices already named as the culprit of a violation (not reported again as unexpected). */
  readonly culprits = new Set<number>();
  /**
   * Spans reported as one too many (count_too_high, forbidden_present), so not also as spans no
   * entry expects. Kept apart from culprits: a surplus span may still be the best explanation of an
   * entry missing elsewhere (a call made from the wrong service is both), and it is reported once
   * even when same-named sibling entries each see it as surplus. Each maps to the entry (its id)
   * that counted it first, whose spans it is in a collection's duration figures.
   */
  readonly surplus = new Map<number, number>();
  passed = 0;
  total = 0;
  /** Off while checking provisional scopes, whose checks the score already counted as failed. */
  tallying = true;
  /** Spans already offered as the nearest candidate of a missing entry. */
  readonly named = new Set<number>();
  /** Deficits reported per entry path (grouped violations keep only the first few in detail). */
  readonly deficits = new Map<string, number>();
  /** Orphans already given as the reason an entry found nothing (its span was lost): once each. */
  readonly lostExplained = new Set<number>();
  /** Entries looked for in at least one scope; the rest sit under a parent entry that found nothing. */
  readonly evaluated = new Set<number>();

  check(ok: boolean, weight = 1): void {
    if (!this.tallying) return;
    this.total += weight;
    if (ok) this.passed += weight;
  }

  add(violation: Violation, ...culpritSpans: number[]): void {
    this.violations.push(violation);
    for (const span of culpritSpans) this.culprits.add(span);
  }
}
