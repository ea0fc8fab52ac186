/**
 * An error answer without a budget of its own holds at most 4,000 characters: enough for a message
 * and its next step, and a thousandth of the 10 MiB at which a client drops the connection.
 */
export const MAX_ERROR_TEXT_CHARS = 4_000;
/** A run of text without a space longer than a name may be (256) is an echoed input: clip it. */
const MAX_ECHO_CHARS = 256;

/** `value` cut to `maxChars`, saying how much was left out. */
export function clipEcho(value: string, maxChars = MAX_ECHO_CHARS): string {
  if (value.length <= maxChars) return value;
  return `${value.slice(0, maxChars)}… ${value.length - maxChars} more chars`;
}

/**
 * Error text that cannot grow with the input it complains about: every long unbroken run (a pasted
 * name, id or blob echoed back) is clipped where it stands, so the words around it and the next
 * step survive; then the whole text is capped (`capLines`).
 */
export function boundErrorText(text: string, maxChars = MAX_ERROR_TEXT_CHARS): string {
  const runs = new RegExp(String.raw`\S{${MAX_ECHO_CHARS + 1},}`, 'g');
  return capLines(
    text.replace(runs, (run) => clipEcho(run)),
    maxChars,
  );
}

/** Room kept for the line that counts what was cut (`… and 12345 more not shown`). */
const COUNT_LINE_CHARS = 40;

/**
 * `text` within `maxChars`, cut from the end of its list rather than from the end of the text: the
 * `Next:` line, which says what to do, is kept, and whole lines are dropped before it and counted
 * (a spec with 400 typos is one problem a line: `… and 340 more not shown`). Only a next step that
 * alone fills the room is cut like any text.
 */
function capLines(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const lines = text.split('\n');
  const nextAt = lines.findLastIndex((line) => line.startsWith('Next: '));
  const tail = nextAt > 0 ? lines.slice(nextAt).join('\n') : '';
  const body = nextAt > 0 ? lines.slice(0, nextAt) : lines;
  const room = maxChars - COUNT_LINE_CHARS - (tail === '' ? 0 : tail.length + 1);
  if (room < COUNT_LINE_CHARS) return clipEcho(text, maxChars);
  const kept: string[] = [];
  let used = 0;
  for (const line of body) {
    const cost = line.length + (kept.length > 0 ? 1 : 0);
    if (used + cost > room) break;
    kept.push(line);
    used += cost;
  }
  // A first line longer than the room is cut where it stands.
  if (kept.length === 0) kept.push(clipEcho(body[0] ?? '', room - COUNT_LINE_CHARS));
  const more = body.length - kept.length;
  return [
    ...kept,
    ...(more > 0 ? [`… and ${more} more not shown`] : []),
    ...(tail === '' ? [] : [tail]),
  ].join('\n');
}
