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
  /** Per cut list: the first row of the next page, and a fingerprint of the whole list. */
  lists: Record<string, { offset: number; fingerprint: string }>;
}

/** Arguments that may change between pages: the cursor itself, and the size of each page. */
const PAGE_ARGUMENTS = new Set(['cursor', 'budget_tokens']);

export function argumentsFingerprint(args: Record<string, unknown>): string {
  const kept = Object.keys(args)
    .filter((key) => !PAGE_ARGUMENTS.has(key) && args[key] !== undefined)
    .sort()
    .map((key) => [key, args[key]]);
  return fingerprint(canonicalJson(kept));
}

export function listFingerprint(lines: readonly string[]): string {
  const hash = createHash('sha256');
  for (const line of lines) hash.update(line).update('\n');
  return hash.digest('base64url').slice(0, 12);
}

export function encodeResponseCursor(cursor: ResponseCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

const RESEND = 'pass the next_cursor of the previous answer unchanged, with the same other arguments';

export function decodeResponseCursor(
  text: string,
  tool: string,
  args: Record<string, unknown>,
): ResponseCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw invalidArgument('cursor is not one this server issued', RESEND);
  }
  if (!isCursor(parsed)) throw invalidArgument('cursor is not one this server issued', RESEND);
  if (parsed.tool !== tool)
    throw invalidArgument(`this cursor continues ${parsed.tool}, not ${tool}`, `call ${parsed.tool} with it`);
  if (parsed.args !== argumentsFingerprint(args))
    throw invalidArgument(
      'this cursor continues a call with other arguments',
      'repeat the arguments of the call that gave the cursor (budget_tokens may change), or leave cursor out to start over',
    );
  return parsed;
}

function isCursor(value: unknown): value is ResponseCursor {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<ResponseCursor>;
  if (typeof candidate.tool !== 'string' || typeof candidate.args !== 'string') return false;
  if (typeof candidate.now !== 'number' || !Number.isFinite(candidate.now)) return false;
  if (typeof candidate.lists !== 'object' || candidate.lists === null) return false;
  return Object.values(candidate.lists).every(
    (list: unknown) =>
      typeof list === 'object' &&
      list !== null &&
      Number.isInteger((list as { offset?: unknown }).offset) &&
      (list as { offset: number }).offset >= 0 &&
      typeof (list as { fingerprint?: unknown }).fingerprint === 'string',
  );
}

function fingerprint(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 12);
}

/** JSON with object keys sorted, so `{a, b}` and `{b, a}` are the same arguments. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item === 'bigint') return item.toString();
    if (item === null || typeof item !== 'object' || Array.isArray(item)) return item;
    return Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  });
}
