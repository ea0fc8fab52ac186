/**
 * Regular expressions written by users and agents, on an engine that is linear in the input.
 * Node's RegExp backtracks: `^(a+)+$` against 29 "a" and a "!" takes 9 s, longer than every SDK's
 * export timeout, and the server has one thread. RE2 (here its pure-JS port) cannot take that
 * path, because it never backtracks; the price is no lookaround and no backreferences.
 */
import { RE2JS, RE2JSSyntaxException } from 're2js';
import { translateToRe2 } from './regex-dialect.js';

export interface LinearRegex {
  /** The pattern as written. */
  readonly source: string;
  /** Whether the pattern matches anywhere in `text` (as RegExp.prototype.test). */
  test(text: string): boolean;
}

export type LinearRegexCompilation = { ok: true; regex: LinearRegex } | { ok: false; reason: string };

export interface LinearRegexOptions {
  /** `^` and `$` match at every line (after and before "\n"), as the `m` flag. */
  multiline?: boolean;
}

// Compiling costs some 250 matches (60 µs against 0.25 µs, bench/regex-matching.ts) and a spec is
// compiled for every comparison, so patterns are kept compiled. 1,000 distinct patterns is far more
// than a project's specs hold; past it the cache starts over rather than grow with what agents send.
const CACHE_LIMIT = 1000;
const cache = new Map<string, LinearRegexCompilation>();

/** `source` compiled (JavaScript syntax minus lookaround and backreferences), or why it cannot be. */
export function compileLinearRegex(source: string, options: LinearRegexOptions = {}): LinearRegexCompilation {
  const key = `${options.multiline ? 'm' : '-'}${source}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const compiled = compile(source, options);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, compiled);
  return compiled;
}

function compile(source: string, options: LinearRegexOptions): LinearRegexCompilation {
  const translated = translateToRe2(source);
  if ('refused' in translated) return { ok: false, reason: translated.refused };
  try {
    const engine = RE2JS.compile(translated.pattern, options.multiline ? RE2JS.MULTILINE : 0);
    return { ok: true, regex: { source, test: (text) => engine.test(text) } };
  } catch (error) {
    return { ok: false, reason: explain(error) };
  }
}

function explain(error: unknown): string {
  if (!(error instanceof RE2JSSyntaxException)) return `invalid regular expression: ${String(error)}`;
  // The failing part may be most of a long pattern: shown cut, so a problem never repeats a spec's text.
  const input = error.input && error.input.length > 60 ? `${error.input.slice(0, 60)}…` : error.input;
  const where = input ? ` at \`${input}\`` : '';
  if (error.error === 'invalid repeat count')
    return `invalid repeat count${where}: at most {1000}, and the minimum no larger than the maximum (patterns run in linear time, RE2 syntax)`;
  return `invalid regular expression (RE2 syntax): ${error.error}${where}`;
}
