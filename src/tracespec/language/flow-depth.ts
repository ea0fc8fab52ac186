/**
 * How deep `[` and `{` nest in a YAML or JSON text, found by a scan of its characters before the
 * parser sees it.
 *
 * The parser spends ~3 µs a character on deeply nested flow collections (1 MiB of `[` took 3 s to
 * be refused), while a spec's spans nest at most 32 levels, a few YAML levels each. Brackets inside
 * quoted strings and comments are skipped. A quote counts only where a value can start (after a
 * space, a line break, `[`, `{`, `,` or `:`), so the apostrophe in a plain value (`don't`) opens
 * nothing. Where the scan still misreads a text, it mostly counts too little (a quote inside a block
 * scalar `|` hides what follows it), which leaves the answer to the parser; only a block scalar
 * holding more than MAX_FLOW_DEPTH unclosed `[` or `{` would be refused wrongly.
 */

/** Deeper than any spec needs (32 span levels × a few YAML levels each), shallow enough to be cheap. */
export const MAX_FLOW_DEPTH = 256;

/** What may come right before a quoted value: a quote anywhere else is part of a plain value. */
const VALUE_START = new Set([' ', '\t', '\n', '\r', '[', '{', ',', ':']);

/** The offset of the bracket that opens level MAX_FLOW_DEPTH + 1, or undefined when none does. */
export function tooDeepFlowOffset(text: string): number | undefined {
  let depth = 0;
  let quote = '';
  let previous = '\n';
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index] as string;
    if (quote !== '') {
      if (quote === '"' && char === '\\') index += 1;
      else if (quote === "'" && char === "'" && text[index + 1] === "'")
        index += 1; // '' is a quote
      else if (char === quote) quote = '';
    } else if ((char === '"' || char === "'") && VALUE_START.has(previous)) {
      quote = char;
    } else if (char === '#' && /\s/.test(previous)) {
      // A comment starts at a # after a space or a line break; a # inside a plain value does not.
      const end = text.indexOf('\n', index);
      if (end < 0) break;
      index = end;
    } else if (char === '[' || char === '{') {
      depth += 1;
      if (depth > MAX_FLOW_DEPTH) return index;
    } else if ((char === ']' || char === '}') && depth > 0) {
      depth -= 1;
    }
    previous = text[index] as string;
  }
  return undefined;
}
