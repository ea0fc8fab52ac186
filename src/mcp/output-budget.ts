/**
 * Output budgets. A tool answer shares a model's context with everything else, so
 * it is bounded: ~8k tokens by default, settable per call. Tokens are estimated from characters:
 * JSON and ids run near 3.5 characters a token in common tokenizers, prose nearer 4; 3.5 errs short.
 */
export const CHARS_PER_TOKEN = 3.5;

export interface OutputBudget {
  tokens: number;
  chars: number;
}

export function budgetFromTokens(tokens: number): OutputBudget {
  return { tokens, chars: Math.floor(tokens * CHARS_PER_TOKEN) };
}

export function jsonSize(value: unknown): number {
  return JSON.stringify(value, bigintReplacer).length;
}

/** JSON.stringify replacer that writes bigints (nanosecond timestamps) as decimal strings. */
export function bigintReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

/** Cuts a long string value, saying how much was cut, so one huge attribute cannot eat the budget. */
export function clipText(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  return `${text.slice(0, maxChars)}… [${text.length - maxChars} more chars]`;
}

/** The closing lines of an answer: what was cut and how to get it, and what to do next. */
const CLOSING_LINE = /^(Cut for size|Past the limit|Not shown|Next): /;

/**
 * Cuts an answer's text to `maxChars` from the middle, keeping its closing lines whole, so a model
 * still reads the cursor to the rest and the next step.
 */
export function clipAnswerText(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const lines = text.split('\n');
  let closing = lines.length;
  while (closing > 0 && CLOSING_LINE.test(lines[closing - 1]!)) closing -= 1;
  const tail = lines.slice(closing).join('\n');
  // Closing lines that alone fill the budget are cut like any text.
  if (tail.length + 60 >= maxChars) return clipText(text, maxChars);
  const head = lines.slice(0, closing).join('\n');
  const marker = (cut: number) => `… [answer cut to fit budget_tokens: ${cut} more chars]`;
  const room = Math.max(0, maxChars - tail.length - marker(head.length).length - 1);
  return [`${head.slice(0, room)}${marker(head.length - room)}`, tail].filter(Boolean).join('\n');
}
