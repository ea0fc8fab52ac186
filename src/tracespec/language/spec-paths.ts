/**
 * Entry paths such as `checkout > payment.process`: how violations, diffs and collection summaries
 * name an expected span. Siblings with the same operation name are told apart by service
 * (`db.query@orders-db`), and, if that is not enough, by position (`db.query[2]`).
 */
import { nearestName } from '../../model/did-you-mean.js';
import type { SpanSpec } from './trace-spec.js';

export const PATH_SEPARATOR = ' > ';

/** The path segment of each sibling, in order. */
export function siblingSegments(siblings: readonly SpanSpec[]): string[] {
  const byName = new Map<string, number>();
  for (const sibling of siblings)
    byName.set(sibling.operation_name, (byName.get(sibling.operation_name) ?? 0) + 1);
  const withService = siblings.map((sibling) =>
    (byName.get(sibling.operation_name) ?? 0) > 1 && sibling.service_name !== undefined
      ? `${sibling.operation_name}@${sibling.service_name}`
      : sibling.operation_name,
  );
  const seen = new Map<string, number>();
  const total = new Map<string, number>();
  for (const segment of withService) total.set(segment, (total.get(segment) ?? 0) + 1);
  return withService.map((segment) => {
    if ((total.get(segment) ?? 0) === 1) return segment;
    const position = (seen.get(segment) ?? 0) + 1;
    seen.set(segment, position);
    return `${segment}[${position}]`;
  });
}

export interface SpecEntryPath {
  path: string;
  entry: SpanSpec;
  /** Path of the parent entry; undefined for top-level entries. */
  parentPath?: string;
  depth: number;
}

/** Every entry of a spec with its path, parents before children, in listed order. */
export function listEntryPaths(entries: readonly SpanSpec[]): SpecEntryPath[] {
  const listed: SpecEntryPath[] = [];
  addEntryPaths(entries, undefined, 0, listed);
  return listed;
}

/**
 * Appends to one list: a list per level spread into its parent's copied each entry once per level
 * above it, so a spec 32 levels deep cost 32 copies of its deepest entries.
 */
function addEntryPaths(
  entries: readonly SpanSpec[],
  parentPath: string | undefined,
  depth: number,
  listed: SpecEntryPath[],
): void {
  const segments = siblingSegments(entries);
  entries.forEach((entry, index) => {
    const path =
      parentPath === undefined
        ? (segments[index] as string)
        : `${parentPath}${PATH_SEPARATOR}${segments[index]}`;
    listed.push({ path, entry, parentPath, depth });
    addEntryPaths(entry.children ?? [], path, depth + 1, listed);
  });
}

/** A path segment's operation name: without the `@service` and `[n]` that tell siblings apart. */
export function segmentOperation(segment: string): string {
  return segment.replace(/\[\d+\]$/, '').replace(/@[^@]*$/, '');
}

/** A segment's operation name folded for comparing. */
function segmentName(segment: string): string {
  return segmentOperation(segment).trim().toLowerCase();
}

/**
 * The entry path a mistyped one most likely means. A path typed with its middle left out
 * (`POST /checkout > payment.process`) names the entry by its last segment, so paths ending in that
 * operation come first (those that also begin with the typed first segment before them, then the
 * one sharing most typed segments, then the shortest); only when none ends so, the nearest path by
 * edit distance over the whole path (`nearestName`).
 */
export function nearestEntryPath(typed: string, paths: readonly string[]): string | undefined {
  const wanted = typed.split('>').map(segmentName);
  const last = wanted[wanted.length - 1] ?? '';
  const first = wanted[0] ?? '';
  const ranked = paths
    .map((path) => ({ path, segments: path.split(PATH_SEPARATOR).map(segmentName) }))
    .filter(({ segments }) => last !== '' && segments[segments.length - 1] === last)
    .map(({ path, segments }) => ({
      path,
      firstMatches: segments[0] === first ? 1 : 0,
      shared: wanted.filter((segment) => segments.includes(segment)).length,
      length: segments.length,
    }))
    .sort((a, b) => b.firstMatches - a.firstMatches || b.shared - a.shared || a.length - b.length);
  return ranked[0]?.path ?? nearestName(typed, paths);
}
