/**
 * `ordered: true` (docs/spec-language.md, "Entries"): the children's matched spans start in the
 * listed order. Each child is placed at its earliest matched span; equal starts are in order. The
 * children that keep the longest in-order run stay; every other child is reported as out of order,
 * so one moved span yields one violation naming that span, not a cascade.
 */
import type { Span } from '../../model/index.js';
import type { ScopeInstance } from './assignment-plan.js';
import type { CompiledEntry } from './compiled-spec.js';
import { describeSpan, formatMs, spanRef } from './evidence-format.js';
import type { Findings } from './findings.js';
import type { TraceIndex } from './trace-index.js';

export function checkOrder(
  index: TraceIndex,
  instance: ScopeInstance,
  assignedByEntry: Map<number, number[]>,
  findings: Findings,
): void {
  const present = instance.entries.flatMap((entry) => {
    const first = assignedByEntry.get(entry.id)?.[0];
    return first === undefined
      ? []
      : [{ entry, span: first, start: (index.spans[first] as Span).startTimeUnixNano }];
  });
  const keep = longestNonDecreasing(present.map((item) => item.start));
  findings.check(keep.size === present.length);
  const ownerStart = instance.owner >= 0 ? (index.spans[instance.owner] as Span).startTimeUnixNano : 0n;
  const offset = (start: bigint): string => `+${formatMs(Number(start - ownerStart) / 1e6)}`;
  present.forEach((item, position) => {
    if (keep.has(position)) return;
    const reference = referenceFor(present, keep, position);
    const actual = index.spans[item.span] as Span;
    const relation = reference.before
      ? `before \`${reference.item.entry.name}\` (${offset(reference.item.start)}), which is listed before it`
      : `after \`${reference.item.entry.name}\` (${offset(reference.item.start)}), which is listed after it`;
    findings.add(
      {
        kind: 'order',
        path: item.entry.path,
        message: `${describeSpan(actual)} started at ${offset(item.start)}, ${relation}`,
        span: spanRef(actual),
        fix: reference.before
          ? `start \`${item.entry.name}\` after \`${reference.item.entry.name}\` (the spec lists them in that order)`
          : `start \`${item.entry.name}\` before \`${reference.item.entry.name}\` (the spec lists them in that order)`,
      },
      item.span,
    );
  });
}

type Present = { entry: CompiledEntry; span: number; start: bigint };

/** The nearest kept sibling this one is out of order with. */
function referenceFor(
  present: Present[],
  keep: Set<number>,
  position: number,
): { item: Present; before: boolean } {
  const self = present[position] as Present;
  for (let other = position - 1; other >= 0; other -= 1) {
    const item = present[other] as Present;
    if (keep.has(other) && item.start > self.start) return { item, before: true };
  }
  for (let other = position + 1; other < present.length; other += 1) {
    const item = present[other] as Present;
    if (keep.has(other) && item.start < self.start) return { item, before: false };
  }
  return { item: present[position === 0 ? 1 : 0] as Present, before: position !== 0 };
}

/** Positions of a longest non-decreasing subsequence; among equals, the one keeping earlier-listed items. */
function longestNonDecreasing(values: bigint[]): Set<number> {
  const length = values.map(() => 1);
  const previous = values.map(() => -1);
  for (let i = 0; i < values.length; i += 1) {
    for (let j = 0; j < i; j += 1) {
      if (
        (values[j] as bigint) <= (values[i] as bigint) &&
        (length[j] as number) + 1 > (length[i] as number)
      ) {
        length[i] = (length[j] as number) + 1;
        previous[i] = j;
      }
    }
  }
  let end = -1;
  for (let i = 0; i < values.length; i += 1)
    if (end < 0 || (length[i] as number) > (length[end] as number)) end = i;
  const keep = new Set<number>();
  for (let i = end; i >= 0; i = previous[i] as number) keep.add(i);
  return keep;
}
