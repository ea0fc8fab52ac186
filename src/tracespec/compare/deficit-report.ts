/**
 * Explains an entry that found fewer spans than its `count.min` (docs/spec-language.md, "Entries"):
 * plain absence, or — when a nearest candidate exists — the difference that kept it from matching
 * (other service, other parent, other kind, a tag), with the culprit span and a concrete fix.
 */
import { editDistance } from '../../model/did-you-mean.js';
import type { AttributeValue, Span } from '../../model/index.js';
import type { ScopeInstance } from './assignment-plan.js';
import type { CompiledEntry } from './compiled-spec.js';
import type { MissingSpan, Violation, ViolationKind } from './comparison-result.js';
import { describeExpected, describeSpan, formatRange, spanRef } from './evidence-format.js';
import type { Findings } from './findings.js';
import { findNearMiss, type NearMiss, type NearMissContext } from './nearest-candidate.js';
import type { TraceIndex } from './trace-index.js';
import { showAttribute } from './tag-matcher.js';

const DETAILED_DEFICITS = 50;

const CULPRIT_KINDS = new Set<ViolationKind>([
  'wrong_service',
  'wrong_parent',
  'wrong_kind',
  'tag_mismatch',
  'tag_missing',
]);

/** Returns the span that stands in for the entry when it found nothing and a near miss explains why. */
export function reportDeficit(
  context: NearMissContext,
  instance: ScopeInstance,
  entry: CompiledEntry,
  assigned: readonly number[],
  findings: Findings,
): number | undefined {
  const { index } = context;
  const found = assigned.length;
  const seen = (findings.deficits.get(entry.path) ?? 0) + 1;
  findings.deficits.set(entry.path, seen);
  const owner = instance.owner >= 0 ? (index.spans[instance.owner] as Span) : undefined;
  const where = owner
    ? `${entry.direct ? 'as a direct child of' : 'inside'} ${describeSpan(owner)}`
    : 'in the trace';
  // An orphan anchored beneath the entry says where its span went: it never arrived. For the lost
  // parent's own entry that is the explanation; a near miss found elsewhere would only send the
  // reader to rename or move a span that is fine. A higher ancestor's span may have arrived failing
  // a rule, so a near miss that explains it comes first. Each orphan explains one deficit.
  const lost =
    found === 0
      ? context.lostBeneath?.get(entry.id)?.filter((item) => !findings.lostExplained.has(item.orphan))
      : undefined;
  const direct = lost?.find((item) => item.direct);
  if (direct !== undefined) {
    reportLost(index, direct.orphan, entry, owner, where, findings);
    return undefined;
  }
  // Past 50 deficits of one entry the grouped violation shows no more detail: skip the search.
  const near =
    seen > DETAILED_DEFICITS ? undefined : nearestExplanation(context, instance, entry, assigned, findings);
  const above = lost?.[0];
  if (above !== undefined && (near === undefined || !CULPRIT_KINDS.has(near.kind as ViolationKind))) {
    reportLost(index, above.orphan, entry, owner, where, findings);
    return undefined;
  }
  if (near) findings.named.add(near.span);
  const nearKind = near?.kind as ViolationKind | undefined;
  // One span is the culprit of one missing entry at most; for another it is only evidence.
  const blamed = near !== undefined && findings.culprits.has(near.span);
  const culprit = nearKind !== undefined && CULPRIT_KINDS.has(nearKind) && !blamed ? near : undefined;
  const kind: ViolationKind = found > 0 ? 'count_too_low' : culprit ? (nearKind as ViolationKind) : 'missing';
  const expected = describeExpected(entry.name, entry.service);
  const nearSpan = near ? (index.spans[near.span] as Span) : undefined;

  let message: string;
  if (culprit && nearSpan && found === 0) message = culpritMessage(culprit, nearSpan, entry, owner);
  else {
    message =
      found === 0
        ? `no ${expected} ${where}`
        : `found ${found} ${expected} ${where}, expected ${formatRange(entry.count)}`;
    if (near && nearSpan) message += `; nearest: ${describeSpan(nearSpan)}, ${near.differences.join('; ')}`;
    else if (found === 0) message += orphanHint(context, entry);
  }
  const violation: Violation = {
    kind,
    path: entry.path,
    message,
    fix: deficitFix(kind, entry, near, nearSpan, owner, found),
  };
  if (owner) violation.under = spanRef(owner);
  if (culprit && nearSpan) {
    violation.span = spanRef(nearSpan);
    if (culprit.tag) {
      violation.tag = culprit.tag.key;
      violation.expected = culprit.tag.expected;
      if (culprit.tag.actual !== undefined) violation.actual = culprit.tag.actual;
    }
  }
  if (near && nearSpan && (!culprit || found > 0))
    violation.nearest = { span: spanRef(nearSpan), differences: near.differences };
  // A renamed span is as good a stand-in for the missing one as a misplaced one; either is
  // reported here once (strict mode does not call it unexpected as well).
  const standIn = culprit ?? (near?.kind === 'similar_name' && !blamed ? near : undefined);
  findings.add(violation, ...(standIn ? [standIn.span] : []));
  findings.missing.push(
    missingRow(entry, found, kind !== 'missing' && kind !== 'count_too_low' ? kind : undefined),
  );
  return found === 0 ? standIn?.span : undefined;
}

function missingRow(entry: CompiledEntry, found: number, reason: ViolationKind | undefined): MissingSpan {
  return {
    path: entry.path,
    operation_name: entry.name,
    ...(entry.service !== undefined ? { service_name: entry.service } : {}),
    expected: formatRange(entry.count),
    found,
    ...(reason !== undefined ? { reason } : {}),
  };
}

/** The entry found nothing and `orphan`, which it should contain, arrived without its parent. */
function reportLost(
  index: TraceIndex,
  orphan: number,
  entry: CompiledEntry,
  owner: Span | undefined,
  where: string,
  findings: Findings,
): void {
  findings.lostExplained.add(orphan);
  const beneath = index.spans[orphan] as Span;
  const service = entry.service !== undefined ? `\`${entry.service}\`'s` : 'its';
  const violation: Violation = {
    kind: 'missing',
    path: entry.path,
    message: `no ${describeExpected(entry.name, entry.service)} ${where}: ${describeSpan(beneath)}, expected beneath it, arrived without its parent span ${beneath.parentSpanId ?? '?'}, so the spans above it were most likely lost, not unmade (what arrived is checked in its place)`,
    fix: `find out why ${service} spans did not arrive (a crash, an exit before its SDK flushed, an exporter pointed elsewhere, trace context not passed to \`${beneath.serviceName}\`) before adding \`${entry.name}\``,
  };
  if (owner) violation.under = spanRef(owner);
  findings.add(violation);
  findings.missing.push(missingRow(entry, 0, undefined));
}

/**
 * The near miss to report. Spans already blamed, offered as nearest, or reported as surplus are
 * weaker explanations, so a fresh span is preferred. But when no fresh span explains the entry (the
 * nearest serves another entry), a surplus span that does is the better story: a call made from the
 * wrong service is both one too many where it is and missing where it belongs.
 */
function nearestExplanation(
  context: NearMissContext,
  instance: ScopeInstance,
  entry: CompiledEntry,
  assigned: readonly number[],
  findings: Findings,
): NearMiss | undefined {
  const claimed = [...assigned, ...findings.culprits, ...findings.named];
  const fresh = findNearMiss(
    context,
    entry,
    instance.owner,
    new Set([...claimed, ...findings.surplus.keys()]),
  );
  if (fresh === undefined || !CULPRIT_KINDS.has(fresh.kind as ViolationKind)) {
    const surplus = findNearMiss(context, entry, instance.owner, new Set(claimed));
    if (
      surplus !== undefined &&
      findings.surplus.has(surplus.span) &&
      CULPRIT_KINDS.has(surplus.kind as ViolationKind)
    )
      return surplus;
  }
  return fresh ?? findNearMiss(context, entry, instance.owner, new Set(assigned));
}

function culpritMessage(near: NearMiss, actual: Span, entry: CompiledEntry, owner: Span | undefined): string {
  const subject = describeSpan(actual);
  const rest = near.differences.slice(1);
  const also = rest.length > 0 ? `; also ${rest.join('; ')}` : '';
  switch (near.kind) {
    case 'wrong_service':
      return `\`${actual.name}\` is in \`${actual.serviceName}\`; the spec expects it in \`${entry.service ?? ''}\`${also}`;
    case 'wrong_parent': {
      const expectedPlace = `${entry.direct ? 'a direct child of' : 'inside'} ${owner ? describeSpan(owner) : 'its parent'}`;
      const placement = near.placement ?? 'elsewhere';
      return placement.startsWith('its parent')
        ? `${subject} is not ${expectedPlace}: ${placement}${also}`
        : `${subject} is ${placement}, not ${expectedPlace}${also}`;
    }
    case 'wrong_kind':
      return `${subject} has kind ${actual.kind}; expected ${entry.kind ?? ''}${also}`;
    case 'tag_mismatch':
      return `${subject} has \`${near.tag?.key ?? ''}\` = ${near.tag?.actual ?? ''}; expected ${near.tag?.expected ?? ''}${also}`;
    default:
      return `${subject} lacks \`${near.tag?.key ?? ''}\` (expected ${near.tag?.expected ?? ''})${also}`;
  }
}

/** A child that arrived without its parent points at the real cause of a missing parent entry. */
function orphanHint(context: NearMissContext, entry: CompiledEntry): string {
  const { index } = context;
  for (const child of entry.children) {
    for (const span of index.byName.get(child.name) ?? []) {
      if (!index.orphan[span]) continue;
      const actual = index.spans[span] as Span;
      return `; its expected child ${describeSpan(actual)} is in the trace, but its parent span ${actual.parentSpanId ?? '?'} is missing (orphan: the parent may not have been exported, or context propagation is broken)`;
    }
  }
  return '';
}

function deficitFix(
  kind: ViolationKind,
  entry: CompiledEntry,
  near: NearMiss | undefined,
  nearSpan: Span | undefined,
  owner: Span | undefined,
  found: number,
): string {
  const parentText = owner ? `, as a ${entry.direct ? 'direct ' : ''}child of \`${owner.name}\`` : '';
  const service = entry.service !== undefined ? ` in \`${entry.service}\`` : '';
  const kindText = entry.kind !== undefined ? ` (kind ${entry.kind})` : '';
  const name = entry.name;
  switch (kind) {
    case 'wrong_service': {
      const actual = nearSpan?.serviceName ?? '?';
      // One letter off (loan-service for loans-service) is the spec's typo far more often than a move.
      if (entry.service !== undefined && typoOf(entry.service, actual))
        return `span \`${name}\` is in \`${actual}\`; the spec expects it in \`${entry.service}\`, nearly the same name: correct service_name in the spec if \`${actual}\` is meant (or emit it from \`${entry.service}\`)`;
      return `span \`${name}\` is in \`${actual}\`; the spec expects it in \`${entry.service ?? '?'}\`: emit it from that service (or change service_name in the spec)`;
    }
    case 'wrong_parent':
      return near?.placement?.startsWith('its parent')
        ? `propagate the trace context into \`${name}\`: its parent span never arrived, so it cannot be placed under \`${owner?.name ?? '?'}\``
        : `start \`${name}\` ${entry.direct ? 'directly under' : 'inside'} \`${owner?.name ?? '?'}\` (it is ${near?.placement ?? 'elsewhere'})`;
    case 'wrong_kind':
      return `create \`${name}\` with span kind ${(entry.kind ?? '').toUpperCase()} (it is ${(nearSpan?.kind ?? '?').toUpperCase()})`;
    case 'tag_mismatch':
      if (near?.tag?.settable)
        return `set attribute \`${near.tag.key}\` to ${near.tag.expected} on \`${name}\` (it is ${near.tag.actual ?? '?'})`;
      // A pattern, range or list is no value to set: the span found is most likely another operation.
      return `no \`${name}\`${service}${parentText} has \`${near?.tag?.key ?? '?'}\` ${near?.tag?.expected ?? '?'}; the nearest has ${near?.tag?.actual ?? '?'}: make the operation the spec expects there, or correct the spec's \`${near?.tag?.key ?? '?'}\` if that span is the one meant`;
    case 'tag_missing': {
      const fix = near?.tag?.settable
        ? `set attribute \`${near.tag.key}\` to ${near.tag.expected} on \`${name}\``
        : `record attribute \`${near?.tag?.key ?? '?'}\` on \`${name}\` (expected ${near?.tag?.expected ?? '?'})`;
      // The span has a key one letter off (loan.days for loan.day): the spec's typo, most likely.
      const key = near?.tag?.key;
      // Keys the entry names itself are meant as they are, not typos of each other.
      const named = new Set([...entry.requiredTags, ...entry.optionalTags].map((tag) => tag.key));
      const similar =
        key !== undefined && nearSpan
          ? Object.keys(nearSpan.attributes).find((other) => !named.has(other) && typoOf(key, other))
          : undefined;
      return similar !== undefined
        ? `${fix}, or correct the spec's key if \`${similar}\` is meant: the span has \`${similar}\` = ${formatValue(nearSpan?.attributes[similar] ?? null)}`
        : fix;
    }
    case 'count_too_low':
      return `make \`${name}\` occur ${formatRange(entry.count)} times${owner ? ` under \`${owner.name}\`` : ''} (found ${found})`;
    default:
      if (near?.kind === 'similar_name' && nearSpan) {
        return `rename \`${nearSpan.name}\` to \`${name}\`${entry.service !== undefined && nearSpan.serviceName !== entry.service ? ` and emit it from \`${entry.service}\`` : ''}`;
      }
      return `add a span \`${name}\`${service}${parentText}${kindText}`;
  }
}

/** An attribute value as the comparison shows one (showAttribute), cut to 80 characters. */
function formatValue(value: AttributeValue): string {
  const text = showAttribute(value);
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}

/**
 * Whether one name is a typo of another: one edit apart, two for names of 12 characters or more
 * (`loan.day` for `loan.days`, `loan-service` for `loans-service`). Tighter than a did-you-mean:
 * `net.peer.port` and `net.peer.name`, `frontend` and `frontend-proxy` are different things.
 */
function typoOf(typed: string, actual: string): boolean {
  if (typed === actual) return false;
  const distance = editDistance(typed, actual);
  return distance <= (Math.max(typed.length, actual.length) >= 12 ? 2 : 1);
}
