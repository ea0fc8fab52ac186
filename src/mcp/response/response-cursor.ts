/**
 * The cursor of a cut answer. A later call with it re-runs the same tool on the same arguments at
 * the same `now` (so relative time windows do not move) and shows each cut list from where the
 * last page stopped. Fingerprints of the arguments and of each list make a cursor refuse to page
 * another call's answer, or an answer that changed since (new spans arrived), instead of silently
 * repeating or skipping rows.
 */
import { createHash } from 'node:crypto';
import { invalidArgument } from '../../model/errors.js';

export interface ResponseCursor {
  tool: string;
  /** Fingerprint of the call's arguments other than cursor and budget_tokens. */
  args: string;
  /** The first page's clock, in ms since the epoch. */
  now: number;
  /**
   * Per cut list, by its place among the answer's lists: the first row of the next page, and a
   * fingerprint of the whole list.
   */
  lists: { index: number; offset: number; fingerprint: string }[];
}

/** Arguments that may change between pages: the cursor itself, and the size of each page. */
const PAGE_ARGUMENTS = new Set(['cursor', 'budget_tokens']);

/**
 * Fingerprint lengths in base64url characters: 72 bits for the arguments, 48 for a list, far past
 * what telling one call or one list from the next needs.
 */
const ARGS_PRINT = 12;
const LIST_PRINT = 8;

export function argumentsFingerprint(args: Record<string, unknown>): string {
  const kept = Object.keys(args)
    .filter((key) => !PAGE_ARGUMENTS.has(key) && args[key] !== undefined)
    .sort()
    .map((key) => [key, args[key]]);
  return fingerprint(canonicalJson(kept), ARGS_PRINT);
}

export function listFingerprint(lines: readonly string[]): string {
  const hash = createHash('sha256');
  for (const line of lines) hash.update(line).update('\n');
  return hash.digest('base64url').slice(0, LIST_PRINT);
}

/**
 * A cursor as text, short because an answer carries it twice and a model copies it back:
 * `tool.args.now.list-offset-fingerprint…`, numbers in base 36, e.g.
 * `analyze_trace.ewZTwu1i-l2p.mh3k2l9f.0-a-IzxUtUhu.3-1-8b0dVmGL`. Base64url fingerprints may hold
 * `-` and `_` but never `.`, and each list part ends in a fixed-length fingerprint.
 */
export function encodeResponseCursor(cursor: ResponseCursor): string {
  const lists = cursor.lists.map(
    (list) => `${list.index.toString(36)}-${list.offset.toString(36)}-${list.fingerprint}`,
  );
  return [cursor.tool, cursor.args, cursor.now.toString(36), ...lists].join('.');
}

const RESEND = 'pass the next_cursor of the previous answer unchanged, with the same other arguments';

export function decodeResponseCursor(
  text: string,
  tool: string,
  args: Record<string, unknown>,
): ResponseCursor {
  const parsed = parseCursor(text);
  if (!parsed) throw invalidArgument('cursor is not one this server issued', RESEND);
  if (parsed.tool !== tool)
    throw invalidArgument(`this cursor continues ${parsed.tool}, not ${tool}`, `call ${parsed.tool} with it`);
  if (parsed.args !== argumentsFingerprint(args))
    throw invalidArgument(
      'this cursor continues a call with other arguments',
      'repeat the arguments of the call that gave the cursor (budget_tokens may change), or leave cursor out to start over',
    );
  return parsed;
}

const TOOL_NAME = /^[a-z][a-z0-9_]{0,63}$/;
const BASE36 = /^[0-9a-z]{1,12}$/;
const PRINT = /^[A-Za-z0-9_-]+$/;
/** The last instant a JavaScript Date holds. */
const MAX_DATE_MS = 8.64e15;

function parseCursor(text: string): ResponseCursor | undefined {
  const [tool, args, now, ...lists] = text.split('.');
  if (!tool || !TOOL_NAME.test(tool) || args?.length !== ARGS_PRINT || !PRINT.test(args)) return undefined;
  if (!now || !BASE36.test(now)) return undefined;
  const nowMs = parseInt(now, 36);
  // A cursor is issued only for an answer that cut a list, at a clock a Date can hold.
  if (nowMs > MAX_DATE_MS || lists.length === 0) return undefined;
  const parsedLists: ResponseCursor['lists'] = [];
  for (const list of lists) {
    const fingerprint = list.slice(-LIST_PRINT);
    const parts = list.slice(0, -LIST_PRINT).split('-');
    const [index, offset] = parts;
    if (parts.length !== 3 || parts[2] !== '' || !index || !offset) return undefined;
    if (!BASE36.test(index) || !BASE36.test(offset)) return undefined;
    if (!PRINT.test(fingerprint) || fingerprint.length !== LIST_PRINT) return undefined;
    const parsed = { index: parseInt(index, 36), offset: parseInt(offset, 36), fingerprint };
    if (parsedLists.some((seen) => seen.index === parsed.index)) return undefined;
    parsedLists.push(parsed);
  }
  return { tool, args, now: nowMs, lists: parsedLists };
}

function fingerprint(text: string, length: number): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, length);
}

/** JSON with object keys sorted, so `{a, b}` and `{b, a}` are the same arguments. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item === 'bigint') return item.toString();
    if (item === null || typeof item !== 'object' || Array.isArray(item)) return item;
    return Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  });
}
