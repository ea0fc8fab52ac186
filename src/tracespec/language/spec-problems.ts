/** Problems found in a spec, each at a readable path such as `expected_spans[2].children[0].count`. */

export interface SpecProblem {
  /** `spec` for the whole document; otherwise a JSON-path-like location. */
  path: string;
  message: string;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Keys are shown up to this length: the longest semantic-convention attribute names are ~45
 * characters, and a key may be a line of some file that is no spec (`SECRET=...`), not to be repeated whole.
 */
const KEY_SHOWN = 64;

/** Joins a key or index onto a path; keys with dots (attribute names) are quoted so the path stays unambiguous. */
export function joinPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  const shown = key.length > KEY_SHOWN ? `${key.slice(0, KEY_SHOWN - 3)}...` : key;
  const segment = IDENTIFIER.test(shown) ? shown : `["${shown}"]`;
  if (base === '') return segment.startsWith('[') ? `spec${segment}` : segment;
  return segment.startsWith('[') ? `${base}${segment}` : `${base}.${segment}`;
}

export function formatProblems(problems: readonly SpecProblem[]): string {
  return problems.map((problem) => `${problem.path}: ${problem.message}`).join('\n');
}

/** Shows a rejected value briefly: strings quoted, objects as compact JSON, cut at 40 characters. */
export function showValue(value: unknown): string {
  let text: string;
  if (typeof value === 'string') text = JSON.stringify(value);
  else if (value === undefined) text = 'nothing';
  else if (Array.isArray(value)) text = 'a list';
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** What a value is, without any of its content: for a document that is not a mapping at all. */
export function describeKind(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `a string of ${value.length} characters`;
  if (typeof value === 'boolean') return 'true or false';
  return `a ${typeof value}`;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
