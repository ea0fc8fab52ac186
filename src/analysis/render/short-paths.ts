/**
 * Paths of `service:operation` steps joined by ` > ` (trace-diff.ts), shortened for a text answer:
 * a path five services deep is ~300 characters, and an answer that lists a dozen of them spends most
 * of its tokens on the ancestors they share. Each path keeps its last two steps, more where two
 * paths would otherwise read alike, with `… > ` where steps were left out; a step's service is named
 * only where it changes from the step before. The structured answer keeps the full paths.
 */
const SEPARATOR = ' > ';
const ELIDED = '… > ';
const KEPT_STEPS = 2;

/** The text each of `paths` is shown as, told apart from every other path in the list. */
export function shortPaths(paths: readonly string[]): Map<string, string> {
  const distinct = [...new Set(paths)];
  const steps = new Map(distinct.map((path) => [path, path.split(SEPARATOR)]));
  const kept = new Map(distinct.map((path) => [path, Math.min(KEPT_STEPS, steps.get(path)!.length)]));
  const suffix = (path: string): string => steps.get(path)!.slice(-kept.get(path)!).join(SEPARATOR);
  // Paths whose kept steps read alike take one more step each, until none do (a path's whole
  // length always tells it apart, since the paths are distinct).
  for (;;) {
    const bySuffix = new Map<string, string[]>();
    for (const path of distinct) {
      const key = `${kept.get(path)! < steps.get(path)!.length ? ELIDED : ''}${suffix(path)}`;
      const group = bySuffix.get(key);
      if (group) group.push(path);
      else bySuffix.set(key, [path]);
    }
    const alike = [...bySuffix.values()].filter((group) => group.length > 1).flat();
    const growable = alike.filter((path) => kept.get(path)! < steps.get(path)!.length);
    if (growable.length === 0) break;
    for (const path of growable) kept.set(path, kept.get(path)! + 1);
  }
  return new Map(
    distinct.map((path) => {
      const all = steps.get(path)!;
      const shown = all.slice(-kept.get(path)!);
      return [path, `${shown.length < all.length ? ELIDED : ''}${withServiceOnChange(shown)}`];
    }),
  );
}

/** `a:x > a:y > b:z` → `a:x > y > b:z`: a step names its service only where it changes. */
function withServiceOnChange(steps: readonly string[]): string {
  let previous: string | undefined;
  return steps
    .map((step) => {
      const colon = step.indexOf(':');
      const service = colon < 0 ? undefined : step.slice(0, colon);
      const shown = service !== undefined && service === previous ? step.slice(colon + 1) : step;
      previous = service;
      return shown;
    })
    .join(SEPARATOR);
}
