/** Edit distance and nearest-name helpers, for "did you mean …?" hints (config keys, spec fields, tool inputs) and near-miss spans. */

/** Levenshtein distance (insert, delete, substitute; each costs 1). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  let current = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i += 1) {
    current[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    [previous, current] = [current, previous];
  }
  return previous[b.length] ?? 0;
}

/** Case, `_`, `-`, `.`, `/` and spaces do not make two names different to a reader. */
function folded(name: string): string {
  return name.toLowerCase().replace(/[\s_\-./]+/g, '');
}

/**
 * How alike two names are, 0..1: 1 for equal, 0.95 when they differ only in case or separators
 * (`db query` vs `db.query`), otherwise 1 − distance / longer length.
 */
export function nameSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  const fa = folded(a);
  const fb = folded(b);
  if (fa.length > 0 && fa === fb) return 0.95;
  const longer = Math.max(a.length, b.length);
  return longer === 0 ? 1 : 1 - editDistance(a.toLowerCase(), b.toLowerCase()) / longer;
}

/**
 * The valid name a typed one is a typo of: equal but for case and separators, or within the
 * allowance (more than a third of the longer name would have to change, with at least 2 edits
 * allowed, is no typo). Strict enough to read the typed key's value as the valid key's.
 */
export function typoOf(typed: string, valid: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  const ft = folded(typed);
  for (const candidate of valid) {
    if (folded(candidate) === ft) return candidate;
    const distance = editDistance(typed.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      bestDistance = distance;
      best = candidate;
    }
  }
  if (best === undefined) return undefined;
  const allowed = Math.max(2, Math.floor(Math.max(typed.length, best.length) / 3));
  return bestDistance <= allowed ? best : undefined;
}

/**
 * The valid name nearest to a typed one, for a hint: a typo (`typoOf`), else a name the typed one
 * begins or is begun by. Only a guess then (`expect` begins `expected_duration_ms`): name it, but
 * do not read the typed key's value as it.
 */
export function nearestName(typed: string, valid: readonly string[]): string | undefined {
  const typo = typoOf(typed, valid);
  if (typo !== undefined) return typo;
  const ft = folded(typed);
  // `minimum` for `min`, `service` for `service_name`: one name begins the other.
  return valid.find((candidate) => {
    const fc = folded(candidate);
    return Math.min(fc.length, ft.length) >= 3 && (fc.startsWith(ft) || ft.startsWith(fc));
  });
}

/** "did you mean x?" or the accepted list when nothing is near. */
export function didYouMean(typed: string, valid: readonly string[]): string {
  const nearest = nearestName(typed, valid);
  return nearest !== undefined ? `did you mean ${nearest}?` : `accepted: ${valid.join(', ')}`;
}

/** The `count` known names closest to a mistyped one (a name containing it counts as 2 edits nearer), for "did you mean …" lists. */
export function nearestNames(wanted: string, known: readonly string[], count = 3): string[] {
  const target = wanted.toLowerCase();
  return known
    .map((name) => ({
      name,
      distance: editDistance(target, name.toLowerCase()) - (name.toLowerCase().includes(target) ? 2 : 0),
    }))
    .sort((a, b) => a.distance - b.distance || a.name.localeCompare(b.name))
    .slice(0, count)
    .map((item) => item.name);
}
