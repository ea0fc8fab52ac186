/**
 * Reads a spec written as YAML or JSON text into plain data, with the position of a syntax error.
 * The text may come from a file nobody checked (a cloned repo's specs dir), so its size and alias
 * expansion are bounded, and no message repeats the text itself.
 */
import { Composer, type CST, type Document, Lexer, LineCounter, Parser } from 'yaml';
import { firstDuplicateKeyOffset } from './duplicate-keys.js';
import { MAX_BLOCK_DEPTH, MAX_FLOW_DEPTH, NestingDepth, type TooDeep } from './nesting-depth.js';
import { MAX_SPEC_ALIASES, MAX_SPEC_BYTES, MAX_SPEC_SIZE, utf8Length } from './spec-limits.js';
import { yamlErrorWords } from './yaml-error-words.js';

export type SpecTextResult = { ok: true; value: unknown } | { ok: false; message: string };

/** Duplicate keys are found by firstDuplicateKeyOffset: yaml's own check is quadratic in a mapping's keys. */
const YAML_OPTIONS = { uniqueKeys: false, intAsBigInt: false } as const;

/** JSON is read by the YAML 1.2 parser too: one parser, one style of error message. */
export function readSpecText(text: string): SpecTextResult {
  if (text.trim() === '')
    return { ok: false, message: 'the specification text is empty; expected YAML or JSON' };
  const bytes = utf8Length(text);
  if (bytes > MAX_SPEC_BYTES) {
    return {
      ok: false,
      message: `the specification text is ${bytes} bytes; a spec may hold at most ${MAX_SPEC_SIZE} (${MAX_SPEC_BYTES} bytes), and a real one is a few KB`,
    };
  }
  const parsed = parseDocuments(text);
  if ('tooDeep' in parsed) return { ok: false, message: tooDeepMessage(text, parsed.tooDeep) };
  const { documents, lines } = parsed;
  if (documents.length !== 1) {
    return {
      ok: false,
      message: `the specification text holds ${documents.length} YAML documents; expected one`,
    };
  }
  const [document] = documents;
  if (document === undefined) return { ok: false, message: 'the specification text holds no document' };
  const [error] = document.errors;
  if (error !== undefined) {
    const position = error.pos[0] === -1 ? undefined : lines.linePos(error.pos[0]);
    const where = position ? ` at line ${position.line}, column ${position.col}` : '';
    return {
      ok: false,
      message: `the specification is not valid YAML or JSON${where}: ${yamlErrorWords(error.code)}`,
    };
  }
  const duplicate = firstDuplicateKeyOffset(document);
  if (duplicate !== undefined) {
    return {
      ok: false,
      message: `the specification is not valid YAML or JSON ${where(text, duplicate)}: ${yamlErrorWords('DUPLICATE_KEY')}`,
    };
  }
  try {
    return { ok: true, value: document.toJS({ maxAliasCount: MAX_SPEC_ALIASES }) as unknown };
  } catch (failure) {
    const message = conversionFailure(failure);
    if (message === undefined) throw failure;
    return { ok: false, message };
  }
}

/**
 * yaml's parseAllDocuments, with the nesting counted on the same lexer tokens the parser reads:
 * counting on a lexer pass of its own cost a third of the whole read. A text nested too deep is
 * left as soon as the token that goes too deep is lexed, so the parser never reaches that level.
 */
function parseDocuments(
  text: string,
): { documents: Document.Parsed[]; lines: LineCounter } | { tooDeep: TooDeep } {
  const lines = new LineCounter();
  const parser = new Parser(lines.addNewLine);
  const depth = new NestingDepth();
  let tooDeep: TooDeep | undefined;
  function* tokens(): Generator<CST.Token> {
    lines.addNewLine(0);
    for (const token of new Lexer().lex(text)) {
      tooDeep = depth.tooDeepAt(token);
      if (tooDeep !== undefined) return;
      yield* parser.next(token);
    }
    yield* parser.end();
  }
  const documents = Array.from(new Composer(YAML_OPTIONS).compose(tokens()));
  return tooDeep === undefined ? { documents, lines } : { tooDeep };
}

function tooDeepMessage(text: string, tooDeep: TooDeep): string {
  const nesting =
    tooDeep.nesting === 'flow'
      ? `nests [ ] or { } more than ${MAX_FLOW_DEPTH} levels deep`
      : `nests lists and mappings more than ${MAX_BLOCK_DEPTH} levels deep by indentation (- item, ? key, key:)`;
  return `the specification ${nesting} ${where(text, tooDeep.offset)}; a spec's spans nest at most 32 levels`;
}

/** "at line L, column C" of an offset, both counted from 1 as yaml's own errors count them. */
function where(text: string, offset: number): string {
  let line = 1;
  let lineStart = 0;
  for (let index = text.indexOf('\n'); index >= 0 && index < offset; index = text.indexOf('\n', index + 1)) {
    line += 1;
    lineStart = index + 1;
  }
  return `at line ${line}, column ${offset - lineStart + 1}`;
}

/**
 * What toJS threw because of the text: too many aliases, an alias without anchor (yaml's message
 * names it, so it is not shown), or nesting deeper than the stack. Anything else is a bug of ours.
 */
function conversionFailure(failure: unknown): string | undefined {
  const message = failure instanceof Error ? failure.message : '';
  if (message.startsWith('Excessive alias count')) {
    return `the specification expands YAML aliases (*name) beyond the limit of ${MAX_SPEC_ALIASES} (aliases used × the values each one repeats); write the repeated parts out instead`;
  }
  if (message.startsWith('Unresolved alias')) {
    return 'the specification uses an alias (*name) whose anchor (&name) is not defined before it; define the anchor first';
  }
  if (failure instanceof RangeError) {
    return 'the specification nests too deeply to read; spans nest at most 32 levels';
  }
  return undefined;
}
