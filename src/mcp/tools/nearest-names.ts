/** The known names closest to a mistyped one, for "did you mean …" hints. */
export function nearestNames(wanted: string, known: readonly string[], count = 3): string[] {
  const target = wanted.toLowerCase();
  return known
    .map((name) => ({ name, distance: editDistance(target, name.toLowerCase()) - (name.toLowerCase().includes(target) ? 2 : 0) }))
    .sort((a, b) => a.distance - b.distance || a.name.localeCompare(b.name))
    .slice(0, count)
    .map((item) => item.name);
}

/** Levenshtein distance with one reused row: names are short, so O(n·m) is cheap. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    let diagonal = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const above = row[j] as number;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(above + 1, (row[j - 1] as number) + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return row[b.length] as number;
}
