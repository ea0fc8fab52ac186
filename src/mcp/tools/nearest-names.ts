import { editDistance } from '../../spec/index.js';

/** The known names closest to a mistyped one, for "did you mean …" hints (edit distance from spec/, one implementation). */
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
