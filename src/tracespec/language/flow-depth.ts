/**
 * How deep `[` and `{` nest in a YAML or JSON text, counted on yaml's lexer tokens as the parser
 * receives them, so that it never builds a level past the limit.
 *
 * The parser spends ~3 µs a character on deeply nested flow collections (1 MiB of `[` took 3–8 s to
 * be refused), while a spec's spans nest at most 32 levels, a few YAML levels each. The lexer knows
 * quotes, comments, block scalars and plain values exactly: a bracket inside any of those is part
 * of a longer token, never a token of its own.
 */

/** Deeper than any spec needs (32 span levels × a few YAML levels each), shallow enough to be cheap. */
export const MAX_FLOW_DEPTH = 256;

/** The lexer's markers that stand for no text (document start, flow end, scalar): yaml's CST.ts. */
const MARKERS = new Set(['\x02', '\x18', '\x1f']);

/** Follows the lexer's tokens in text order. */
export class FlowDepth {
  private depth = 0;
  private offset = 0;

  /** Takes the next token; returns its offset when it opens level MAX_FLOW_DEPTH + 1. */
  tooDeepAt(token: string): number | undefined {
    if (token === '[' || token === '{') {
      this.depth += 1;
      if (this.depth > MAX_FLOW_DEPTH) return this.offset;
    } else if ((token === ']' || token === '}') && this.depth > 0) {
      this.depth -= 1;
    }
    if (!MARKERS.has(token)) this.offset += token.length;
    return undefined;
  }
}
