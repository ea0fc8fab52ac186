/**
 * Spans that serve no entry. Without `strict` they are only listed; with `strict: true` each group
 * of them fails the spec — except spans already named as the culprit of another violation (a span
 * in the wrong service is reported once, as wrong_service).
 */
import { callDestination, destinationName, type Span } from '../../model/index.js';
import type { UnexpectedSpanGroup } from './comparison-result.js';
import { describeSpan, spanRef } from './evidence-format.js';
import type { Findings } from './findings.js';
import type { TraceIndex } from './trace-index.js';

interface Group {
  name: string;
  service: string;
  /** Where the calls went, when spans of this name went to several places; else ''. */
  destination: string;
  spans: number[];
}

/**
 * Spans grouped by service and name, and with `byDestination` calls of one name apart by where they
 * went (a gateway's `POST` to loans-service and its `POST` to notify-service), named as diff_traces
 * names them. The calls of an N+1 loop go to one place and stay one group with its count.
 */
function groupSpans(index: TraceIndex, spans: readonly number[], byDestination: boolean): Group[] {
  const byName = new Map<string, Map<string, number[]>>();
  for (const span of spans) {
    const actual = index.spans[span] as Span;
    const key = `${actual.serviceName}\u0000${actual.name}`;
    const destinations = byName.get(key) ?? new Map<string, number[]>();
    byName.set(key, destinations);
    const destination = byDestination ? callDestination(actual) : '';
    const members = destinations.get(destination);
    if (members) members.push(span);
    else destinations.set(destination, [span]);
  }
  const groups: Group[] = [];
  for (const destinations of byName.values()) {
    const first = index.spans[[...destinations.values()][0]?.[0] as number] as Span;
    const named = new Map<string, number[]>();
    for (const [destination, members] of destinations) {
      const name =
        destinations.size === 1
          ? ''
          : destinationName(
              destination,
              members.map((span) => ({
                span: index.spans[span] as Span,
                children: (index.children[span] ?? []).map((child) => index.spans[child] as Span),
              })),
            );
      named.set(name, [...(named.get(name) ?? []), ...members]);
    }
    for (const [destination, members] of named)
      groups.push({
        name: first.name,
        service: first.serviceName,
        destination: named.size === 1 ? '' : destination,
        spans: members.sort((a, b) => a - b),
      });
  }
  return groups.sort((a, b) => b.spans.length - a.spans.length || (a.spans[0] ?? 0) - (b.spans[0] ?? 0));
}

export function checkUnexpectedSpans(
  index: TraceIndex,
  isAssigned: (span: number) => boolean,
  strict: boolean,
  findings: Findings,
): { groups: UnexpectedSpanGroup[]; count: number } {
  const unassigned: number[] = [];
  for (let span = 0; span < index.spans.length; span += 1) if (!isAssigned(span)) unassigned.push(span);
  const groups = groupSpans(index, unassigned, true).map((group) => ({
    name: group.name,
    service: group.service,
    ...(group.destination !== '' ? { destination: group.destination } : {}),
    count: group.spans.length,
    span_ids: group.spans.slice(0, 3).map((span) => (index.spans[span] as Span).spanId),
  }));
  if (strict) {
    // One violation a name, wherever its calls went: one expected_spans entry is the fix for all.
    const offending = groupSpans(
      index,
      unassigned.filter((span) => !findings.culprits.has(span)),
      false,
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
