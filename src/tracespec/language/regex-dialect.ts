/**
 * Spec patterns were JavaScript regular expressions and now run on RE2, which is linear in the
 * input. A pattern both engines accept must keep its answer, so the constructs whose meaning
 * differs are rewritten to the JavaScript meaning, and the ones RE2 lacks (lookaround,
 * backreferences) are refused here with the reason, before RE2 would say only "invalid escape".
 */

export type Re2Translation = { pattern: string } | { refused: string };

const LINEAR = 'patterns run in linear time (RE2 syntax)';

// JavaScript's \s is Unicode white space and line terminators; RE2's is only [\t\n\f\r ].
const JS_SPACE =
  '\\t\\n\\v\\f\\r \\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}\\x{feff}';
// JavaScript's `.` stops at every line terminator; RE2's only at \n.
const JS_DOT = '[^\\n\\r\\x{2028}\\x{2029}]';
// A flag group that turns on `s` (RE2 only): its author asked for RE2's `.`, so dots stay as written.
const SETS_DOT_ALL = /\(\?[imsU]*s[imsU]*(?:-[imsU]*)?[:)]/;

function refuse(construct: string, hint: string): Re2Translation {
  return { refused: `${construct} is not supported: ${LINEAR}; ${hint}` };
}

const LOOKAROUND_HINT =
  'match the text itself, and put a second condition in the same matcher (e.g. { regex: "^/api/", ne: "/api/health" })';

/** `source` in JavaScript syntax (no flags) as an RE2 pattern with the same matches, or why not. */
export function translateToRe2(source: string): Re2Translation {
  const keepDots = SETS_DOT_ALL.test(source);
  let out = '';
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i] as string;
    if (ch === '\\') {
      const next = source[i + 1];
      if (next === undefined) return { pattern: out + ch }; // RE2 names the trailing backslash
      i++;
      if (next === 's') out += inClass ? JS_SPACE : `[${JS_SPACE}]`;
      else if (next === 'S' && inClass)
        return refuse('\\S inside a character class', 'write it outside the class, e.g. (?:\\S|[-_])');
      else if (next === 'S') out += `[^${JS_SPACE}]`;
      else if ((!inClass && next >= '1' && next <= '9') || (next === 'k' && source[i + 1] === '<'))
        return refuse('a backreference', 'write the repeated part out again, e.g. ([a-z]+)-[a-z]+');
      else if (next === 'u' && /^[0-9a-fA-F]{4}/.test(source.slice(i + 1, i + 5))) {
        out += `\\x{${source.slice(i + 1, i + 5)}}`;
        i += 4;
      } else out += ch + next;
      continue;
    }
    if (inClass) {
      if (ch === ']') inClass = false;
      // A `[` inside a class is a literal in JavaScript; RE2 would read `[:alpha:]` as a POSIX class.
      out += ch === '[' ? '\\[' : ch;
      continue;
    }
    if (ch === '[') {
      // JavaScript's empty class matches nothing and `[^]` anything; RE2 reads `]` there as a literal.
      if (source.startsWith('[]', i)) {
        out += '[^\\x00-\\x{10FFFF}]';
        i += 1;
      } else if (source.startsWith('[^]', i)) {
        out += '[\\x00-\\x{10FFFF}]';
        i += 2;
      } else {
        inClass = true;
        out += ch;
      }
      continue;
    }
    if (ch === '(' && source[i + 1] === '?') {
      const kind = source.slice(i + 2, i + 4);
      if (kind.startsWith('=') || kind.startsWith('!')) return refuse('lookahead', LOOKAROUND_HINT);
      if (kind === '<=' || kind === '<!') return refuse('lookbehind', LOOKAROUND_HINT);
    }
    out += ch === '.' && !keepDots ? JS_DOT : ch;
  }
  return { pattern: out };
}
