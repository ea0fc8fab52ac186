/** Reads a spec written as YAML or JSON text into plain data, with the position of a syntax error. */
import { parseAllDocuments } from 'yaml';

export type SpecTextResult = { ok: true; value: unknown } | { ok: false; message: string };

/** JSON is read by the YAML 1.2 parser too: one parser, one style of error message. */
export function readSpecText(text: string): SpecTextResult {
  if (text.trim() === '')
    return { ok: false, message: 'the specification text is empty; expected YAML or JSON' };
  const documents = parseAllDocuments(text, { uniqueKeys: true, prettyErrors: true, intAsBigInt: false });
  if (!Array.isArray(documents)) return { ok: false, message: 'the specification text holds no document' };
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
    const position = error.linePos?.[0];
    const where = position ? ` at line ${position.line}, column ${position.col}` : '';
    const firstLine = (error.message.split('\n')[0] ?? error.message).replace(
      / at line \d+, column \d+:?$/,
      '',
    );
    return { ok: false, message: `the specification is not valid YAML or JSON${where}: ${firstLine}` };
  }
  return { ok: true, value: document.toJS({ maxAliasCount: 100 }) as unknown };
}
