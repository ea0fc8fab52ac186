/**
 * How deep `[` and `{` nest in a YAML or JSON text, counted on yaml's lexer tokens before the
 * parser builds anything.
 *
 * The parser spends ~3 µs a character on deeply nested flow collections (1 MiB of `[` took 3–8 s to
 * be refused), while a spec's spans nest at most 32 levels, a few YAML levels each. The lexer alone
 * is cheap (1 MiB of `[` in ~10 ms) and knows quotes, comments, block scalars and plain values
 * exactly: a bracket inside any of those is part of a longer token, never a token of its own.
 */
import { Lexer } from 'yaml';

/** Deeper than any spec needs (32 span levels × a few YAML levels each), shallow enough to be cheap. */
export const MAX_FLOW_DEPTH = 256;

/** The lexer's markers that stand for no text (document start, flow end, scalar): yaml's CST.ts. */
const MARKERS = new Set(['\x02', '\x18', '\x1f']);

/** The offset of the bracket that opens level MAX_FLOW_DEPTH + 1, or undefined when none does. */
export function tooDeepFlowOffset(text: string): number | undefined {
  // No text nests deeper than it has opening brackets; most specs have a few dozen, and the lexer
  // costs a third to a half of a whole parse.
  if (openingBrackets(text) <= MAX_FLOW_DEPTH) return undefined;
  let depth = 0;
  let offset = 0;
  for (const token of new Lexer().lex(text)) {
    if (token === '[' || token === '{') {
      depth += 1;
      if (depth > MAX_FLOW_DEPTH) return offset;
    } else if ((token === ']' || token === '}') && depth > 0) {
      depth -= 1;
    }
    if (!MARKERS.has(token)) offset += token.length;
  }
  return undefined;
}

function openingBrackets(text: string): number {
  let count = 0;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code === 0x5b || code === 0x7b) count += 1; // [ {
  }
  return count;
}
