/**
 * A failing span and the spans above it that failed because of it are one defect: reports ask for
 * its fix once, at the span where it started, and name the spans it propagated to and the expected
 * spans it stopped from running, instead of one action per level (or per span the failure kept
 * from running) that pushes every other fix out of a short list.
 */
import { PATH_SEPARATOR, segmentOperation } from '../language/spec-paths.js';

export interface ChainSpan {
  name: string;
  service: string;
}

/** Spans named in the action; a deeper chain says how many more (5 HTTP hops is already a lot). */
const NAMED = 4;

function label(span: ChainSpan): string {
  return `\`${span.name}\` (${span.service})`;
}

/**
 * The one action for an error chain that starts at `cause` and propagated to `passedOn` (top first);
 * `neverRan` are the expected spans (by name) missing beneath its spans, which the failure stopped.
 */
export function errorChainFix(
  cause: ChainSpan,
  passedOn: readonly ChainSpan[],
  neverRan: readonly string[] = [],
): string {
  const above =
    passedOn.length === 0
      ? ''
      : `; it propagated to ${listed(passedOn.map(label))}, which failed because of it and need no fix of their own`;
  const stopped =
    neverRan.length === 0 ? '' : `; ${listed(neverRan.map((name) => `\`${name}\``))} then never ran`;
  return `fix the failure in ${label(cause)}, where the error chain starts${above}${stopped}; or add an error_condition { operation_name: ${cause.name}, expect: error } if it is intended`;
}

function listed(labels: readonly string[]): string {
  const named = labels.slice(0, NAMED);
  const more = labels.length - named.length;
  return more > 0 ? `${named.join(', ')} and ${more} more` : joinAnd(named);
}

/** How a chain's action names a `missing` entry it folds in: its operation (`INSERT reservations`). */
export function entryName(path: string): string {
  return segmentOperation(path.split(PATH_SEPARATOR).at(-1) ?? path);
}

function joinAnd(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/**
 * Error findings grouped by the span where their chain starts (`causeOf` gives it, undefined for a
 * finding that is not part of a chain: it stays alone), in the order of their first member.
 */
export function groupByChain<T>(
  items: readonly T[],
  causeOf: (item: T) => { key: string; span: ChainSpan } | undefined,
): { cause?: { key: string; span: ChainSpan }; members: T[] }[] {
  const groups: { cause?: { key: string; span: ChainSpan }; members: T[] }[] = [];
  const byKey = new Map<string, { cause?: { key: string; span: ChainSpan }; members: T[] }>();
  for (const item of items) {
    const cause = causeOf(item);
    const existing = cause ? byKey.get(cause.key) : undefined;
    if (existing) {
      existing.members.push(item);
      continue;
    }
    const group = cause ? { cause, members: [item] } : { members: [item] };
    if (cause) byKey.set(cause.key, group);
    groups.push(group);
  }
  return groups;
}
