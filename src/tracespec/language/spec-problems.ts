/** Problems found in a spec, each at a readable path such as `expected_spans[2].children[0].count`. */

export interface SpecProblem {
  /** `spec` for the whole document; otherwise a JSON-path-like location. */
  path: string;
  message: string;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Joins a key or index onto a path; keys with dots (attribute names) are quoted so the path stays unambiguous. */
export function joinPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  const segment = IDENTIFIER.test(key) ? key : `["${key}"]`;
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

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
