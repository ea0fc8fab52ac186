/**
 * Which rows of a comparison its text names, so that each problem is named once, where it can be
 * acted on, and what needs no look is counted rather than listed. An agent re-running a fix reads
 * this answer every iteration. The structured answer keeps every row; only the text leaves them out.
 */
import {
  passesFailureOn,
  unexpectedErrorSpanIds,
  type ComparisonResult,
  type EntryResult,
  type MissingSpan,
  type PerformanceIssue,
  type Violation,
} from '../../../tracespec/index.js';

export interface ComparisonTextRules {
  /** A violation is shown unless it is a span that only passed on a failure whose origin is listed. */
  violation(violation: Violation): boolean;
  /** By the origin's span id: the violations folded into its line ("passed on to …"). */
  passedOnTo: ReadonlyMap<string, readonly Violation[]>;
  /** A missing span is shown only when its violation is not listed (cut by max_violations). */
  missingSpan(item: MissingSpan): boolean;
  /** Likewise a performance issue; a violation merged over several spans (×N) covers each. */
  performanceIssue(item: PerformanceIssue): boolean;
  /** An entry is shown unless another list names it, or (in a failing answer) it matched as expected. */
  entry(entry: EntryResult): boolean;
  /** How many entries a failing answer leaves out because they matched as expected. */
  asExpected: number;
}

export function comparisonTextRules(result: ComparisonResult): ComparisonTextRules {
  const { violations, missing_spans, not_evaluated } = result;
  const listed = new Set(
    violations.flatMap((violation) => [
      findingKey(violation.kind, violation.path, violation.span?.span_id),
      findingKey(violation.kind, violation.path),
      ...((violation.occurrences ?? 1) > 1 ? [findingKey(violation.kind, violation.path, ANY_SPAN)] : []),
    ]),
  );
  const failedSpans = unexpectedErrorSpanIds(violations);
  const foldedIntoOrigin = (violation: Violation): boolean =>
    passesFailureOn(violation) && failedSpans.has(violation.caused_by!.span_id);
  const passedOnTo = new Map<string, Violation[]>();
  for (const violation of violations.filter(foldedIntoOrigin)) {
    const origin = violation.caused_by!.span_id;
    const list = passedOnTo.get(origin);
    if (list) list.push(violation);
    else passedOnTo.set(origin, [violation]);
  }
  // An entry not evaluated is named only in that list (not also as missing, lost with its service);
  // one that found nothing only by its violation.
  const unchecked = new Set(not_evaluated);
  const missingPaths = new Set(
    missing_spans.filter((item) => item.found === 0 && !unchecked.has(item.path)).map((item) => item.path),
  );
  const namedElsewhere = (entry: EntryResult): boolean =>
    !entry.evaluated ||
    unchecked.has(entry.path) ||
    (entry.found === 0 && !entry.near_miss && missingPaths.has(entry.path));
  // `satisfied` already means no violation of the entry, listed or cut by max_violations.
  const matchedAsExpected = (entry: EntryResult): boolean =>
    !result.matches_specification &&
    entry.evaluated &&
    entry.satisfied &&
    !entry.near_miss &&
    (entry.surplus ?? 0) === 0;
  return {
    violation: (violation) => !foldedIntoOrigin(violation),
    passedOnTo,
    missingSpan: (item) => {
      const kind = item.reason ?? (item.found === 0 ? 'missing' : 'count_too_low');
      return !unchecked.has(item.path) && !listed.has(findingKey(kind, item.path));
    },
    performanceIssue: (item) =>
      !listed.has(findingKey(item.kind, item.path, item.span?.span_id)) &&
      !listed.has(findingKey(item.kind, item.path, ANY_SPAN)),
    entry: (entry) => !namedElsewhere(entry) && !matchedAsExpected(entry),
    asExpected: result.entries.filter(matchedAsExpected).length,
  };
}

/** Stands for every span in a key: a violation merged over several spans covers each. */
const ANY_SPAN = '*';

/** A violation, missing span or performance issue by its kind, entry and (when it names one) span. */
function findingKey(kind: string, path: string, spanId?: string): string {
  return `${kind}\u0000${path}\u0000${spanId ?? ''}`;
}
