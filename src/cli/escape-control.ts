/**
 * Makes text safe to write as one log line on a terminal. Log messages carry names a client chose
 * (span and service names, header values): a newline in one could forge a whole log line, and an
 * ANSI escape sequence could recolour, hide or rewrite what the developer sees. Every C0 and C1
 * control character is shown escaped instead (\n, \r, \t, \x1b, \u0085); backslashes are left alone
 * so paths stay readable, since a literal "\n" cannot start a new line either.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;
const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

export function escapeControl(text: string): string {
  return text.replace(CONTROL, (char) => {
    const named = NAMED[char];
    if (named !== undefined) return named;
    const code = char.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16)}`;
  });
}
