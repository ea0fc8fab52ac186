/**
 * Splits a command line into the words a POSIX shell would pass as argv, for the simple commands an
 * allow-list can vouch for: plain words, 'single' and "double" quotes, and backslash escapes.
 * Anything the shell would expand or interpret — `$`, backquotes, globs, `~`, comments, operators,
 * redirections, grouping, a newline — is refused with the character named, so the argv checked is
 * exactly the argv `sh -c` runs.
 */
export type ShellWords = { words: string[] } | { refused: string };

/** Outside quotes: characters with a meaning to the shell beyond separating words. */
const SPECIAL_UNQUOTED: Record<string, string> = {
  ';': 'a command separator (;)',
  '&': 'a background or chaining operator (&)',
  '|': 'a pipe (|)',
  '<': 'a redirection (<)',
  '>': 'a redirection (>)',
  '(': 'a subshell or grouping ( ( )',
  ')': 'a subshell or grouping ( ) )',
  '{': 'a brace expansion or group ({)',
  '}': 'a brace expansion or group (})',
  $: 'an expansion ($)',
  '`': 'a command substitution (`)',
  '*': 'a glob (*)',
  '?': 'a glob (?)',
  '[': 'a glob ([)',
  '\n': 'a newline',
  '\r': 'a carriage return',
};

export function shellWords(command: string): ShellWords {
  const words: string[] = [];
  let word: string | undefined;
  let index = 0;
  const append = (text: string) => {
    word = (word ?? '') + text;
  };
  while (index < command.length) {
    const char = command[index] as string;
    if (char === ' ' || char === '\t') {
      if (word !== undefined) words.push(word);
      word = undefined;
      index += 1;
      continue;
    }
    if (word === undefined && (char === '#' || char === '~'))
      return { refused: char === '#' ? 'a comment (#)' : 'a home-directory expansion (~)' };
    const special = SPECIAL_UNQUOTED[char];
    if (special) return { refused: special };
    if (char === '\\') {
      const next = command[index + 1];
      if (next === undefined || next === '\n') return { refused: 'a line continuation (\\ at the end)' };
      append(next);
      index += 2;
      continue;
    }
    if (char === "'") {
      const end = command.indexOf("'", index + 1);
      if (end < 0) return { refused: "an unclosed single quote (')" };
      append(command.slice(index + 1, end));
      index = end + 1;
      continue;
    }
    if (char === '"') {
      let text = '';
      index += 1;
      for (;;) {
        const inner = command[index];
        if (inner === undefined) return { refused: 'an unclosed double quote (")' };
        index += 1;
        if (inner === '"') break;
        if (inner === '$' || inner === '`')
          return { refused: `an expansion inside double quotes (${inner})` };
        if (inner === '\\') {
          const next = command[index];
          // Inside double quotes a backslash escapes only these; before anything else it is literal.
          if (next === '"' || next === '\\' || next === '$' || next === '`') {
            text += next;
            index += 1;
            continue;
          }
          if (next === '\n') return { refused: 'a line continuation (\\ at the end)' };
        }
        text += inner;
      }
      append(text);
      continue;
    }
    append(char);
    index += 1;
  }
  if (word !== undefined) words.push(word);
  return { words };
}
