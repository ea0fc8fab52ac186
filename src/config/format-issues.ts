import * as z from 'zod';

/**
 * Renders zod issues as `path: message` lines that name the bad key and what would be accepted.
 * Given the schema, an unknown key also lists the keys allowed at its level and the nearest one.
 */
export function formatIssues(issues: readonly z.core.$ZodIssue[], prefix = '', schema?: z.ZodType): string[] {
  return issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || '(root)';
    switch (issue.code) {
      case 'unrecognized_keys':
        return `${path}: unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}${allowedKeysNote(issue.keys, schema && objectKeysAt(schema, issue.path))}`;
      case 'invalid_value':
        return `${path}: ${issue.message}; allowed: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
      default:
        return `${path}: ${issue.message}`;
    }
  });
}

function allowedKeysNote(unknown: readonly string[], allowed: string[] | undefined): string {
  if (!allowed || allowed.length === 0) return '';
  const guesses = unknown.map((key) => nearestKey(key, allowed)).filter((guess): guess is string => guess !== undefined);
  const guess = guesses.length > 0 ? ` (did you mean ${guesses.map((k) => `'${k}'`).join(', ')}?)` : '';
  return `${guess}; allowed here: ${allowed.join(', ')}`;
}

/** The keys of the object schema found by walking `path` through wrappers (default, optional, ...), arrays and records. */
function objectKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] | undefined {
  let node: z.ZodType | undefined = unwrap(schema);
  for (const segment of path) {
    if (node instanceof z.ZodObject) {
      node = (node.shape as Record<string, z.ZodType>)[String(segment)] ?? (node._zod.def.catchall as z.ZodType | undefined);
    } else if (node instanceof z.ZodArray) {
      node = node.element as z.ZodType;
    } else if (node instanceof z.ZodRecord) {
      node = node.valueType as z.ZodType;
    } else {
      return undefined;
    }
    node = node && unwrap(node);
  }
  return node instanceof z.ZodObject ? Object.keys(node.shape) : undefined;
}

function unwrap(schema: z.ZodType): z.ZodType {
  let node = schema;
  // default, prefault, optional, nullable and catch all keep their inner schema here.
  while ('innerType' in node._zod.def) node = node._zod.def.innerType as z.ZodType;
  return node;
}

/**
 * The allowed key a typo most likely meant, when at most a third of its letters are off ('recevier'
 * → 'receiver' is one swap); otherwise none, since a far-fetched guess misleads more than it helps.
 */
function nearestKey(key: string, allowed: readonly string[]): string | undefined {
  const wanted = key.toLowerCase();
  let best: { name: string; distance: number } | undefined;
  for (const name of allowed) {
    const distance = typoDistance(wanted, name.toLowerCase());
    if (!best || distance < best.distance) best = { name, distance };
  }
  return best && best.distance <= Math.max(1, Math.floor(wanted.length / 3)) ? best.name : undefined;
}

/** Edit distance counting an adjacent transposition as one edit (config cannot import spec's helper: layers). */
function typoDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const at = (i: number, j: number) => rows[i]![j]!;
  for (let i = 1; i <= a.length; i += 1) {
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let value = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, at(i - 2, j - 2) + 1);
      rows[i]![j] = value;
    }
  }
  return at(a.length, b.length);
}
