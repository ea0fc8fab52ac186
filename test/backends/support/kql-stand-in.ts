/**
 * A small KQL evaluator for the query shapes the Azure Monitor adapter sends (and nothing more):
 * `union [isfuzzy=true] T, ...` or `print C = n`, then `where` clauses (`==`, `=~`, `>=`, `<=`,
 * `between (datetime(a) .. datetime(b))`, `in ("a", ...)`, `in ((<query>))`, `isnotempty(x)`,
 * `tostring(x)`, `todouble(x)`, `Col["key"]`), `summarize N = min(Col) by Col`,
 * `top n by Col desc|asc`, `distinct Col, ...`, `take n`. Strings are read with KQL's escapes, so a value
 * stays one literal whatever it holds. Anything else is a syntax error, answered 400 like Azure's
 * BadArgumentError, so an adapter query this does not understand fails a test instead of matching.
 */
import { TABLE_COLUMNS, type ColumnType, type Row } from './app-insights-rows.js';

export interface ResultTable {
  name: string;
  columns: { name: string; type: ColumnType }[];
  rows: unknown[][];
}

interface Relation {
  columns: Record<string, ColumnType>;
  rows: Row[];
}

type Token = { kind: 'string' | 'ident' | 'number' | 'datetime' | 'punct'; text: string };

export class KqlError extends Error {}

export function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < query.length) {
    const char = query[i]!;
    if (/\s/.test(char)) {
      i++;
      continue;
    }
    if (char === '"' || char === "'") {
      let text = '';
      i++;
      while (i < query.length && query[i] !== char) {
        if (query[i] === '\\') {
          const next = query[i + 1];
          const escapes: Record<string, string> = {
            n: '\n',
            r: '\r',
            t: '\t',
            '\\': '\\',
            '"': '"',
            "'": "'",
          };
          if (next === undefined || escapes[next] === undefined) throw new KqlError(`bad escape \\${next}`);
          text += escapes[next];
          i += 2;
        } else if (query[i] === '\n') {
          throw new KqlError('a line break inside a string literal');
        } else text += query[i++];
      }
      if (i >= query.length) throw new KqlError('unterminated string literal');
      i++;
      tokens.push({ kind: 'string', text });
      continue;
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(query.slice(i));
    if (word) {
      i += word[0].length;
      if (word[0] === 'datetime' && query[i] === '(') {
        const end = query.indexOf(')', i);
        tokens.push({ kind: 'datetime', text: query.slice(i + 1, end).trim() });
        i = end + 1;
      } else tokens.push({ kind: 'ident', text: word[0] });
      continue;
    }
    const number = /^-?\d+(\.\d+)?(e[+-]?\d+)?/i.exec(query.slice(i));
    if (number) {
      tokens.push({ kind: 'number', text: number[0] });
      i += number[0].length;
      continue;
    }
    const punct = /^(==|=~|>=|<=|!=|\.\.|[|(),[\]=<>])/.exec(query.slice(i));
    if (!punct) throw new KqlError(`unexpected character ${JSON.stringify(char)}`);
    tokens.push({ kind: 'punct', text: punct[0] });
    i += punct[0].length;
  }
  return tokens;
}

/** Nanoseconds of a Kusto datetime text (up to 7 fractional digits). */
export function timeNanos(text: string): bigint {
  const match = /^(.*T\d{2}:\d{2}:\d{2})(?:\.(\d+))?Z$/.exec(text);
  if (!match) throw new KqlError(`not a datetime: ${text}`);
  return (
    BigInt(Date.parse(`${match[1]!}Z`)) * 1_000_000n + BigInt((match[2] ?? '').padEnd(9, '0').slice(0, 9))
  );
}

class Parser {
  private at = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly tables: (name: string) => Row[] | undefined,
  ) {}

  done(): boolean {
    return this.at >= this.tokens.length;
  }
  private peek(): Token | undefined {
    return this.tokens[this.at];
  }
  private next(): Token {
    const token = this.tokens[this.at++];
    if (!token) throw new KqlError('the query ends too early');
    return token;
  }
  private expect(text: string): void {
    const token = this.next();
    if (token.text !== text || token.kind === 'string')
      throw new KqlError(`expected ${text}, got ${token.text}`);
  }
  private ident(): string {
    const token = this.next();
    if (token.kind !== 'ident') throw new KqlError(`expected a name, got ${token.text}`);
    return token.text;
  }
  private integer(): number {
    const token = this.next();
    if (token.kind !== 'number' || !/^\d+$/.test(token.text))
      throw new KqlError(`expected a count, got ${token.text}`);
    return Number(token.text);
  }

  /** source ('|' stage)* — stops at ')' for a subquery. */
  query(): Relation {
    let relation = this.source();
    while (this.peek()?.text === '|') {
      this.next();
      relation = this.stage(relation);
    }
    return relation;
  }

  private source(): Relation {
    const keyword = this.ident();
    if (keyword === 'print') {
      const name = this.ident();
      this.expect('=');
      return { columns: { [name]: 'int' }, rows: [{ [name]: Number(this.next().text) }] };
    }
    if (keyword !== 'union') throw new KqlError(`unknown source ${keyword}`);
    let fuzzy = false;
    if (this.peek()?.text === 'isfuzzy') {
      this.next();
      this.expect('=');
      fuzzy = this.ident() === 'true';
    }
    const columns: Record<string, ColumnType> = {};
    const rows: Row[] = [];
    do {
      const table = this.ident();
      const schema = TABLE_COLUMNS[table];
      const stored = this.tables(table);
      if (!schema || (!stored && !fuzzy))
        throw new KqlError(`Failed to resolve table expression named '${table}'`);
      Object.assign(columns, schema);
      // Kusto strings are never null: a string column without a value reads as "".
      const strings = Object.keys(schema).filter((name) => schema[name] === 'string');
      for (const row of stored ?? []) {
        const filled = { ...row };
        for (const name of strings) filled[name] ??= '';
        rows.push(filled);
      }
    } while (this.peek()?.text === ',' && this.next());
    return { columns, rows };
  }

  private stage(input: Relation): Relation {
    const keyword = this.ident();
    switch (keyword) {
      case 'where': {
        const test = this.condition(input);
        return { columns: input.columns, rows: input.rows.filter(test) };
      }
      case 'take':
        return { columns: input.columns, rows: input.rows.slice(0, this.integer()) };
      case 'distinct': {
        const columns: string[] = [];
        do columns.push(this.column(input));
        while (this.peek()?.text === ',' && this.next());
        const seen = new Set<string>();
        const rows: Row[] = [];
        for (const row of input.rows) {
          // A column a union's table lacks reads as null, as in Kusto ('' for a string column).
          const out: Row = {};
          for (const column of columns)
            out[column] = row[column] ?? (input.columns[column] === 'string' ? '' : null);
          const key = JSON.stringify(columns.map((column) => out[column]));
          if (seen.has(key)) continue;
          seen.add(key);
          rows.push(out);
        }
        return {
          columns: Object.fromEntries(columns.map((column) => [column, input.columns[column]!])),
          rows,
        };
      }
      case 'summarize': {
        const name = this.ident();
        this.expect('=');
        if (this.ident() !== 'min') throw new KqlError('only min() is summarized');
        this.expect('(');
        const of = this.column(input);
        this.expect(')');
        if (this.ident() !== 'by') throw new KqlError('expected by');
        const by = this.column(input);
        const groups = new Map<unknown, Row>();
        for (const row of input.rows) {
          const group = groups.get(row[by]);
          if (!group || compare(row[of], group[name], input.columns[of]!) < 0)
            groups.set(row[by], { [by]: row[by], [name]: row[of] });
        }
        return {
          columns: { [by]: input.columns[by]!, [name]: input.columns[of]! },
          rows: [...groups.values()],
        };
      }
      case 'top': {
        const count = this.integer();
        if (this.ident() !== 'by') throw new KqlError('expected by');
        const column = this.column(input);
        const order = this.ident();
        if (order !== 'desc' && order !== 'asc') throw new KqlError(`expected desc or asc, got ${order}`);
        const descending = order === 'desc';
        const rows = [...input.rows].sort(
          (a, b) => compare(a[column], b[column], input.columns[column]!) * (descending ? -1 : 1),
        );
        return { columns: input.columns, rows: rows.slice(0, count) };
      }
      default:
        throw new KqlError(`unknown operator ${keyword}`);
    }
  }

  private column(input: Relation): string {
    const name = this.ident();
    if (!(name in input.columns)) throw new KqlError(`Failed to resolve column named '${name}'`);
    return name;
  }

  private condition(input: Relation): (row: Row) => boolean {
    const token = this.peek();
    if (token?.kind === 'ident' && token.text === 'isnotempty') {
      this.next();
      this.expect('(');
      const value = this.operand(input);
      this.expect(')');
      return (row) => {
        const cell = value(row);
        return cell !== undefined && cell !== null && cell !== '';
      };
    }
    const left = this.operand(input);
    const op = this.next();
    if (op.text === 'between') {
      this.expect('(');
      const from = this.next();
      this.expect('..');
      const to = this.next();
      this.expect(')');
      if (from.kind !== 'datetime' || to.kind !== 'datetime') throw new KqlError('between takes datetimes');
      const [start, end] = [timeNanos(from.text), timeNanos(to.text)];
      return (row) => {
        const cell = left(row);
        if (typeof cell !== 'string') return false;
        const nanos = timeNanos(cell);
        return nanos >= start && nanos <= end;
      };
    }
    if (op.text === 'in') {
      this.expect('(');
      let values: Set<unknown>;
      if (this.peek()?.text === '(') {
        this.next();
        const inner = this.query();
        this.expect(')');
        const column = Object.keys(inner.columns)[0]!;
        values = new Set(inner.rows.map((row) => row[column]));
      } else {
        values = new Set();
        do {
          const literal = this.next();
          if (literal.kind !== 'string') throw new KqlError('in takes string literals');
          values.add(literal.text);
        } while (this.peek()?.text === ',' && this.next());
      }
      this.expect(')');
      return (row) => values.has(left(row));
    }
    const right = this.operand(input);
    return (row) => {
      const [a, b] = [left(row), right(row)];
      if (a === undefined || a === null || b === undefined || b === null) return false;
      switch (op.text) {
        case '==':
          return a === b;
        case '=~':
          return typeof a === 'string' && typeof b === 'string' && a.toLowerCase() === b.toLowerCase();
        case '>=':
          return typeof a === 'number' && typeof b === 'number' && a >= b;
        case '<=':
          return typeof a === 'number' && typeof b === 'number' && a <= b;
        default:
          throw new KqlError(`unknown operator ${op.text}`);
      }
    };
  }

  private operand(input: Relation): (row: Row) => unknown {
    const token = this.next();
    if (token.kind === 'string') return () => token.text;
    if (token.kind === 'number') return () => Number(token.text);
    if (token.kind !== 'ident') throw new KqlError(`unexpected ${token.text}`);
    if (token.text === 'true' || token.text === 'false') return () => token.text === 'true';
    if (token.text === 'tostring' || token.text === 'todouble') {
      this.expect('(');
      const inner = this.operand(input);
      this.expect(')');
      return token.text === 'tostring'
        ? (row) => {
            const value = inner(row);
            return value === undefined || value === null
              ? ''
              : typeof value === 'object'
                ? JSON.stringify(value)
                : String(value);
          }
        : (row) => {
            const value = Number(inner(row));
            return inner(row) === undefined || inner(row) === '' || Number.isNaN(value) ? null : value;
          };
    }
    if (!(token.text in input.columns))
      throw new KqlError(`Failed to resolve scalar expression named '${token.text}'`);
    if (this.peek()?.text === '[') {
      this.next();
      const key = this.next();
      if (key.kind !== 'string') throw new KqlError('a dynamic index is a string literal');
      this.expect(']');
      return (row) => (row[token.text] as Record<string, unknown> | undefined)?.[key.text];
    }
    return (row) => row[token.text];
  }
}

function compare(a: unknown, b: unknown, type: ColumnType): number {
  if (a === b) return 0;
  if (a === undefined || a === null) return -1;
  if (b === undefined || b === null) return 1;
  if (type === 'datetime') {
    const [x, y] = [timeNanos(String(a)), timeNanos(String(b))];
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return (a as number) < (b as number) ? -1 : 1;
}

/** Runs a query over the stored rows, the timespan bounding every table's time column as the API does. */
export function runKql(
  query: string,
  tables: Record<string, Row[]>,
  timespan: { start: bigint; end: bigint } | undefined,
): ResultTable {
  const inSpan = (rows: Row[]) =>
    timespan
      ? rows.filter((row) => {
          const time = (row.TimeGenerated ?? row.timestamp) as string;
          const nanos = timeNanos(time);
          return nanos >= timespan.start && nanos <= timespan.end;
        })
      : rows;
  const parser = new Parser(tokenize(query), (name) => (tables[name] ? inSpan(tables[name]) : undefined));
  const relation = parser.query();
  if (!parser.done()) throw new KqlError('unexpected text after the query');
  const names = Object.keys(relation.columns);
  return {
    name: 'PrimaryResult',
    columns: names.map((name) => ({ name, type: relation.columns[name]! })),
    // The API sends dynamic cells as JSON text.
    rows: relation.rows.map((row) =>
      names.map((name) => {
        const cell = row[name];
        if (cell === undefined) return null;
        return relation.columns[name] === 'dynamic' ? JSON.stringify(cell) : cell;
      }),
    ),
  };
}
