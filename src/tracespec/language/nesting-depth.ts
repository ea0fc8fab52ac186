/**
 * How deep a YAML or JSON text nests, counted on yaml's lexer tokens as the parser receives them,
 * so that it never builds a level past the limit: `[ {` flow collections by their brackets, block
 * collections (`- `, `? `, `key:`) by their indentation, as the parser itself tells them apart.
 *
 * The parser spends ~3 µs a character on deeply nested flow collections (1 MiB of `[` took 3–8 s to
 * be refused), and yaml composes nested collections recursively: ~900 block levels (`- - - …`)
 * overflow a default Node stack, which a warm process reports as an error but a fresh one could
 * crash on (V8 out of memory compiling a regex at the bottom of the stack). A spec's spans nest at
 * most 32 levels, two block levels each (a `children:` list of maps). The lexer knows quotes,
 * comments, block scalars and plain values exactly: an indicator inside any of those is part of a
 * longer token, never a token of its own.
 */

/** Deeper than any spec needs (32 span levels × a few YAML levels each), shallow enough to be cheap. */
export const MAX_FLOW_DEPTH = 256;

/**
 * A spec 32 span levels deep written all in block form is ~70 block levels (2 a span, and a tag's
 * `{ gte, lt }` or `one_of` list below the deepest); 128 block plus 256 flow levels stay far from
 * the ~900 that overflow the stack.
 */
export const MAX_BLOCK_DEPTH = 128;

/** The lexer's markers that stand for no text (document start, flow end, scalar): yaml's CST.ts. */
const DOCUMENT = '\x02';
const FLOW_END = '\x18';
const SCALAR = '\x1f';
const MARKERS = new Set([DOCUMENT, FLOW_END, SCALAR]);

export interface TooDeep {
  /** Offset in the text of the token that opens the level past the limit. */
  offset: number;
  nesting: 'flow' | 'block';
}

interface BlockCollection {
  indent: number;
  kind: 'seq' | 'map';
}

/** Follows the lexer's tokens in text order. */
export class NestingDepth {
  private flow = 0;
  private offset = 0;
  private column = 0;
  /** The open block collections, outermost first, by the column their items start at. */
  private readonly blocks: BlockCollection[] = [];
  /** The column where the node now being read on this line starts: a `key:` opens a map there. */
  private nodeColumn = 0;
  private nodeOffset = 0;
  /** Whether the next content token starts a node (at a line's start, after `- `, `? ` or `: `). */
  private awaitingNode = true;
  /** Whether the previous token was the scalar marker: this one is a value, whatever it reads. */
  private inScalar = false;

  /** Takes the next token; says where it is when it opens a level past the limit. */
  tooDeepAt(token: string): TooDeep | undefined {
    const tooDeep = this.follow(token);
    if (!MARKERS.has(token)) {
      this.offset += token.length;
      const newline = token.lastIndexOf('\n');
      this.column = newline === -1 ? this.column + token.length : token.length - newline - 1;
      // A block scalar's text ends with its last line's newline: the next token starts a line.
      if (newline !== -1 && newline === token.length - 1) this.awaitingNode = true;
    }
    return tooDeep;
  }

  private follow(token: string): TooDeep | undefined {
    const scalar = this.inScalar;
    this.inScalar = token === SCALAR;
    if (MARKERS.has(token)) return undefined;
    if (!scalar && (token === '[' || token === '{')) {
      this.startNode();
      this.flow += 1;
      return this.flow > MAX_FLOW_DEPTH ? { offset: this.offset, nesting: 'flow' } : undefined;
    }
    if (!scalar && (token === ']' || token === '}')) {
      if (this.flow > 0) this.flow -= 1;
      return undefined;
    }
    if (token === '\n') {
      this.awaitingNode = true;
      return undefined;
    }
    // Inside [ ] and { } nothing is block; a document marker closes every block collection.
    if (this.flow > 0) return undefined;
    if (!scalar && (token === '---' || token === '...')) {
      this.blocks.length = 0;
      this.awaitingNode = true;
      return undefined;
    }
    if (token.trim() === '' || token.startsWith('#') || token.startsWith('%')) return undefined;
    if (!scalar && token === '-') return this.open(this.column, this.offset, 'seq');
    if (!scalar && token === '?') return this.open(this.column, this.offset, 'map');
    if (!scalar && token === ':') {
      // `: value` at a line's start answers a `? key` at its column; `key:` opens a map at the key.
      if (this.awaitingNode) return this.open(this.column, this.offset, 'map');
      return this.open(this.nodeColumn, this.nodeOffset, 'map');
    }
    this.startNode();
    return undefined;
  }

  private startNode(): void {
    if (!this.awaitingNode) return;
    this.nodeColumn = this.column;
    this.nodeOffset = this.offset;
    this.awaitingNode = false;
  }

  /** An item of a `kind` collection at `indent`: closes what it ends, opens one if none is open there. */
  private open(indent: number, offset: number, kind: BlockCollection['kind']): TooDeep | undefined {
    this.awaitingNode = true;
    let top = this.blocks.at(-1);
    // A list may sit at its parent key's own column (`key:\n- item`); the next key there ends it.
    while (top && (top.indent > indent || (top.indent === indent && kind === 'map' && top.kind === 'seq'))) {
      this.blocks.pop();
      top = this.blocks.at(-1);
    }
    if (top?.indent === indent && top.kind === kind) return undefined;
    this.blocks.push({ indent, kind });
    return this.blocks.length > MAX_BLOCK_DEPTH ? { offset, nesting: 'block' } : undefined;
  }
}
