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
 * step survive; then the whole text is capped.
 */
export function boundErrorText(text: string, maxChars = MAX_ERROR_TEXT_CHARS): string {
  const runs = new RegExp(String.raw`\S{${MAX_ECHO_CHARS + 1},}`, 'g');
  return clipEcho(
    text.replace(runs, (run) => clipEcho(run)),
    maxChars,
  );
}
