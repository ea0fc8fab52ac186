export type RequestId = string | number;

const ID_VALUE = String.raw`(-?\d+|"(?:[^"\\]|\\.)*")`;
/** `"id": <value>` followed only by plain top-level pairs (`"jsonrpc": "2.0"`) and the closing brace. */
const ID_AT_END = new RegExp(
  String.raw`"id"\s*:\s*${ID_VALUE}(?:\s*,\s*"[^"\\]*"\s*:\s*(?:"[^"\\]*"|-?\d+))*\s*\}\s*$`,
);
const VALUE_AFTER_KEY = new RegExp(String.raw`^\s*:\s*${ID_VALUE}`);

/**
 * The id of a JSON-RPC request from the two ends of a message too large to parse, so the refusal
 * can be answered to the request that waits for it. Clients write `id` first (most) or last (the
 * MCP SDK spreads the request and then adds `jsonrpc` and `id`), so the ends suffice; only a
 * top-level `id` counts, never one inside the params.
 */
export function recoverRequestId(head: string, tail: string): RequestId | undefined {
  return topLevelIdNearStart(head) ?? idValue(ID_AT_END.exec(tail)?.[1]);
}

/** Walks the start of the object, tracking nesting and strings, to the first key `id` at depth 1. */
function topLevelIdNearStart(head: string): RequestId | undefined {
  let depth = 0;
  for (let at = 0; at < head.length; at++) {
    const char = head[at];
    if (char === '{' || char === '[') depth++;
    else if (char === '}' || char === ']') depth--;
    else if (char === '"') {
      const end = stringEnd(head, at);
      if (end === -1) return undefined;
      if (depth === 1 && head.slice(at, end + 1) === '"id"') {
        const value = idValue(VALUE_AFTER_KEY.exec(head.slice(end + 1))?.[1]);
        if (value !== undefined) return value;
      }
      at = end;
    }
  }
  return undefined;
}

/** The index of the quote closing the string that opens at `start`, or -1 when the text ends first. */
function stringEnd(text: string, start: number): number {
  for (let at = start + 1; at < text.length; at++) {
    if (text[at] === '\\') at++;
    else if (text[at] === '"') return at;
  }
  return -1;
}

function idValue(literal: string | undefined): RequestId | undefined {
  if (literal === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(literal);
    return typeof value === 'string' || typeof value === 'number' ? value : undefined;
  } catch {
    return undefined;
  }
}
