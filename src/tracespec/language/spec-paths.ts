/**
 * Entry paths such as `checkout > payment.process`: how violations, diffs and collection summaries
 * name an expected span. Siblings with the same operation name are told apart by service
 * (`db.query@orders-db`), and, if that is not enough, by position (`db.query[2]`).
 */
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
export function listEntryPaths(
  entries: readonly SpanSpec[],
  parentPath?: string,
  depth = 0,
): SpecEntryPath[] {
  const segments = siblingSegments(entries);
  return entries.flatMap((entry, index) => {
    const path =
      parentPath === undefined
        ? (segments[index] as string)
        : `${parentPath}${PATH_SEPARATOR}${segments[index]}`;
    return [{ path, entry, parentPath, depth }, ...listEntryPaths(entry.children ?? [], path, depth + 1)];
  });
}
