/**
 * A failing span and the spans above it that failed because of it are one defect: reports ask for
 * its fix once, at the span where it started, and name the spans it propagated to, instead of one
 * action per level that pushes every other fix out of a short list.
 */

export interface ChainSpan {
  name: string;
  service: string;
}

/** Spans named in the action; a deeper chain says how many more (5 HTTP hops is already a lot). */
const NAMED = 4;

function label(span: ChainSpan): string {
  return `\`${span.name}\` (${span.service})`;
}

/** The one action for an error chain that starts at `cause` and propagated to `passedOn` (top first). */
export function errorChainFix(cause: ChainSpan, passedOn: readonly ChainSpan[]): string {
  const named = passedOn.slice(0, NAMED).map(label);
  const more = passedOn.length - named.length;
  const list = more > 0 ? `${named.join(', ')} and ${more} more` : joinAnd(named);
  const above =
    passedOn.length === 0
      ? ''
      : `; it propagated to ${list}, which failed because of it and need no fix of their own`;
  return `fix the failure in ${label(cause)}, where the error chain starts${above}; or add an error_condition { operation_name: ${cause.name}, expect: error } if it is intended`;
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
