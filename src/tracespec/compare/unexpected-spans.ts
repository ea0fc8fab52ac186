/**
 * Spans that serve no entry. Without `strict` they are only listed; with `strict: true` (DESIGN.md
 * §4 rule 10) each group of them fails the spec — except spans already named as the culprit of
 * another violation (a span in the wrong service is reported once, as wrong_service).
 */
import type { Span } from '../../model/index.js';
import type { UnexpectedSpanGroup } from './comparison-result.js';
import { describeSpan, spanRef } from './evidence-format.js';
import type { Findings } from './findings.js';
import type { TraceIndex } from './trace-index.js';

interface Group {
  name: string;
  service: string;
  spans: number[];
}

function groupByNameAndService(index: TraceIndex, spans: readonly number[]): Group[] {
  const groups = new Map<string, Group>();
  for (const span of spans) {
    const actual = index.spans[span] as Span;
    const key = `${actual.serviceName}\u0000${actual.name}`;
    const group = groups.get(key);
    if (group) group.spans.push(span);
    else groups.set(key, { name: actual.name, service: actual.serviceName, spans: [span] });
  }
  return [...groups.values()].sort(
    (a, b) => b.spans.length - a.spans.length || (a.spans[0] ?? 0) - (b.spans[0] ?? 0),
  );
}

export function checkUnexpectedSpans(
  index: TraceIndex,
  isAssigned: (span: number) => boolean,
  strict: boolean,
  findings: Findings,
): { groups: UnexpectedSpanGroup[]; count: number } {
  const unassigned: number[] = [];
  for (let span = 0; span < index.spans.length; span += 1) if (!isAssigned(span)) unassigned.push(span);
  const groups = groupByNameAndService(index, unassigned).map((group) => ({
    name: group.name,
    service: group.service,
    count: group.spans.length,
    span_ids: group.spans.slice(0, 3).map((span) => (index.spans[span] as Span).spanId),
  }));
  if (strict) {
    const offending = groupByNameAndService(
      index,
      unassigned.filter((span) => !findings.culprits.has(span)),
    );
    findings.check(offending.length === 0);
    for (const group of offending) {
      const first = index.spans[group.spans[0] as number] as Span;
      const count = group.spans.length;
      findings.add(
        {
          kind: 'unexpected_span',
          path: '(trace)',
          message: `${describeSpan(first)}${count > 1 ? ` ×${count}` : ''} matches no expected span (strict)`,
          span: spanRef(first),
          fix: `remove \`${first.name}\` (${first.serviceName}) or add it to expected_spans: strict specs fail on unlisted spans`,
          ...(count > 1 ? { occurrences: count } : {}),
          ...(count > 1
            ? { other_span_ids: group.spans.slice(1, 5).map((span) => (index.spans[span] as Span).spanId) }
            : {}),
        },
        ...group.spans,
      );
    }
  }
  return { groups, count: unassigned.length };
}
