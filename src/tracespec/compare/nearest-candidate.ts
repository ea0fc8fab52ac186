/**
 * The "nearest candidate" for an expected entry that found too few spans: the actual span a reader
 * would point at and say "that one was meant". Score (higher is nearer):
 *   name: 20 × similarity² (same name 20; differing only in case or separators 18; a third of
 *   the letters changed 8.9) — a real rename outranks the same name elsewhere, a vague likeness
 *   does not;
 *   service: same +4;  place: inside the expected scope +3 (inside but not a direct child +2);
 *   kind: same +1;  required tags: +3 × share satisfied, and +4 more when every one holds and
 *   name, service and kind are the entry's too (the entry's own span, only misplaced);
 *   already serving another entry: −2.5 (required slot) or −1.5 (extra, or matching another entry
 *   whole without being assigned to it, as a surplus copy does) — such a span is named as
 *   evidence, never as the culprit.
 * Tags outweigh place: a span with the right name, service, kind and every tag in the wrong place is
 * the entry's span misplaced, while a span in place whose tags say it is another operation (one of an
 * N+1 loop's copies, beside the query that moved away) explains nothing. A similar name only counts
 * in the same service or the right place. The first difference, in the order name → service →
 * place → kind → tags, names the violation (wrong_service, wrong_parent, …).
 */
import type { Span } from '../../model/index.js';
import type { SpanUse } from './assignment-plan.js';
import type { CompiledEntry } from './compiled-spec.js';
import { nameSimilarity } from '../../model/did-you-mean.js';
import { describeSpan } from './evidence-format.js';
import { localMatch } from './scope-solver.js';
import { checkTag, showAttribute } from './tag-matcher.js';
import type { LostBeneath } from './orphan-anchors.js';
import { isDescendant, type TraceIndex } from './trace-index.js';

export type NearMissKind =
  'similar_name' | 'wrong_service' | 'wrong_parent' | 'wrong_kind' | 'tag_missing' | 'tag_mismatch' | 'taken';

export interface NearMiss {
  span: number;
  kind: NearMissKind;
  differences: string[];
  /**
   * The first failing required tag, for tag kinds. `settable` when the spec asks for one exact
   * value (a fix can name it); a pattern, range or list describes many values and is no fix.
   */
  tag?: { key: string; expected: string; actual?: string; settable: boolean };
  /** For wrong_parent: where the span actually sits. */
  placement?: string;
  /** The entry the span already serves, if any (`taken`: a required slot of another entry). */
  servingPath?: string;
}

export interface NearMissContext {
  index: TraceIndex;
  useOf: ReadonlyMap<number, SpanUse>;
  /** The spec's entries by operation name, to tell a span that belongs to another entry from a near miss. */
  entriesByName: ReadonlyMap<string, readonly CompiledEntry[]>;
  /** Spans matched beneath an orphan anchored to an entry (orphan-anchors.ts): theirs, not near misses. */
  withoutParent?: ReadonlySet<number>;
  /** Entry id → orphans anchored beneath it, one per lost parent span (orphan-anchors.ts). */
  lostBeneath?: ReadonlyMap<number, readonly LostBeneath[]>;
}

const MIN_SIMILARITY = 0.6;

type Place = 'ok' | 'indirect' | 'outside';

function placeOf(index: TraceIndex, entry: CompiledEntry, owner: number, span: number): Place {
  if (owner < 0) return 'ok';
  if (!isDescendant(index, owner, span)) return 'outside';
  return entry.direct && index.parent[span] !== owner ? 'indirect' : 'ok';
}

/** Where a span sits: under which parent, or why it has none. */
export function describePlacement(index: TraceIndex, span: number): string {
  const parent = index.parent[span] ?? -1;
  const actual = index.spans[span] as Span;
  if (parent >= 0) return `under ${describeSpan(index.spans[parent] as Span)}`;
  if (index.orphan[span]) {
    return `its parent span ${actual.parentSpanId ?? '?'} is missing from the trace (orphan: broken context propagation)`;
  }
  return 'a root span';
}

export function findNearMiss(
  context: NearMissContext,
  entry: CompiledEntry,
  owner: number,
  skip: ReadonlySet<number>,
): NearMiss | undefined {
  const { index } = context;
  const pool = new Map<number, number>(); // span → name similarity
  for (const span of index.byName.get(entry.name) ?? []) pool.set(span, 1);
  for (const [name, spans] of index.byName) {
    if (name === entry.name) continue;
    const similarity = nameSimilarity(entry.name, name);
    if (similarity < MIN_SIMILARITY) continue;
    for (const span of spans) pool.set(span, similarity);
  }
  // The owner and its ancestors cannot be their own descendant.
  for (let ancestor = owner; ancestor >= 0; ancestor = index.parent[ancestor] ?? -1) pool.delete(ancestor);
  let best: { span: number; score: number; place: Place } | undefined;
  for (const [span, similarity] of pool) {
    // A span this entry matched in another scope is in its right place, not a near miss.
    if (skip.has(span) || context.withoutParent?.has(span) || context.useOf.get(span)?.entry.id === entry.id)
      continue;
    const actual = index.spans[span] as Span;
    const sameService = entry.service === undefined || actual.serviceName === entry.service;
    const place = placeOf(index, entry, owner, span);
    if (similarity < 1 && !sameService && place === 'outside') continue;
    const satisfied = entry.requiredTags.filter((tag) => checkTag(actual, tag).ok).length;
    const sameKind = entry.kind === undefined || actual.kind === entry.kind;
    // The entry's own span, only misplaced: it would match if it sat in the scope.
    const whole = similarity === 1 && sameService && sameKind && satisfied === entry.requiredTags.length;
    const use = context.useOf.get(span);
    const owned = use === undefined && otherOwner(context, entry, actual) !== undefined;
    const score =
      20 * similarity * similarity +
      (sameService ? 4 : 0) +
      (place === 'ok' ? 3 : place === 'indirect' ? 2 : 0) +
      (sameKind ? 1 : 0) +
      (entry.requiredTags.length === 0 ? 3 : (3 * satisfied) / entry.requiredTags.length + (whole ? 4 : 0)) -
      (use !== undefined ? (use.required ? 2.5 : 1.5) : owned ? 1.5 : 0);
    const better =
      best === undefined ||
      score > best.score + 1e-9 ||
      (Math.abs(score - best.score) <= 1e-9 &&
        (index.startRank[span] ?? 0) < (index.startRank[best.span] ?? 0));
    if (better) best = { span, score, place };
  }
  return best === undefined ? undefined : classify(context, entry, owner, best.span, best.place);
}

/** Another entry of the same name that this span matches whole (name, service, kind, every required tag). */
function otherOwner(context: NearMissContext, entry: CompiledEntry, span: Span): CompiledEntry | undefined {
  // By name, not over every entry: 19,000 entries missing from a small trace took 0.4 s of 1.3 s.
  for (const other of context.entriesByName.get(span.name) ?? []) {
    if (other.id === entry.id || other.requiredTags.length === 0) continue;
    if (localMatch(other, span)) return other;
  }
  return undefined;
}

function classify(
  context: NearMissContext,
  entry: CompiledEntry,
  owner: number,
  span: number,
  place: Place,
): NearMiss {
  const { index } = context;
  const actual = index.spans[span] as Span;
  const differences: string[] = [];
  const kinds: NearMissKind[] = [];
  if (actual.name !== entry.name) {
    kinds.push('similar_name');
    differences.push(`named \`${actual.name}\` (expected \`${entry.name}\`)`);
  }
  if (entry.service !== undefined && actual.serviceName !== entry.service) {
    kinds.push('wrong_service');
    differences.push(`in \`${actual.serviceName}\` (expected \`${entry.service}\`)`);
  }
  let placement: string | undefined;
  if (place !== 'ok') {
    kinds.push('wrong_parent');
    placement = describePlacement(index, span);
    const ownerSpan = index.spans[owner] as Span;
    const expectation =
      place === 'indirect'
        ? `a direct child of ${describeSpan(ownerSpan)}`
        : `inside ${describeSpan(ownerSpan)}`;
    differences.push(`${placement} (expected ${expectation})`);
  }
  if (entry.kind !== undefined && actual.kind !== entry.kind) {
    kinds.push('wrong_kind');
    differences.push(`kind ${actual.kind} (expected ${entry.kind})`);
  }
  let tag: NearMiss['tag'];
  for (const required of entry.requiredTags) {
    const outcome = checkTag(actual, required);
    if (outcome.ok) continue;
    const found = outcome.found;
    const shown = found
      ? `${showAttribute(found.value)}${found.alias ? ` (as \`${found.alias.name}\`)` : ''}${found.source === 'resource' ? ' (resource)' : ''}`
      : undefined;
    tag ??= { key: required.key, expected: required.describe, actual: shown, settable: required.exact };
    kinds.push(found ? 'tag_mismatch' : 'tag_missing');
    differences.push(
      found
        ? `\`${required.key}\` = ${shown} (expected ${required.describe})`
        : `\`${required.key}\` missing (expected ${required.describe})`,
    );
  }
  const use = context.useOf.get(span);
  const belongsTo = use === undefined ? otherOwner(context, entry, actual) : undefined;
  let servingPath: string | undefined;
  if (use !== undefined) {
    servingPath = use.entry.path;
    const servingOwner = use.instance.owner;
    const where = servingOwner >= 0 ? ` under ${describeSpan(index.spans[servingOwner] as Span)}` : '';
    differences.push(`already serves \`${use.entry.path}\`${where}`);
  } else if (belongsTo !== undefined) {
    servingPath = belongsTo.path;
    differences.push(`is one of \`${belongsTo.path}\`'s spans (it matches that entry whole)`);
  }
  // A span the spec accounts for elsewhere is evidence, not a culprit: changing it would break
  // the entry it serves (or, for a surplus copy, turn one defect into another).
  const kind = servingPath !== undefined ? 'taken' : (kinds[0] ?? 'taken');
  return { span, kind, differences, tag, placement, servingPath };
}
