/**
 * The allow-list of execution.allowed_commands, checked on argv rather than on the string: an entry
 * names the exact leading words of a command, and what may follow them — nothing (the default),
 * further plain arguments (`positional`), and listed options. A prefix match let `npm test
 * --node-options=--require=./evil.js` through `npm test`; here an option must be listed to pass.
 */
import { shellWords } from './shell-words.js';

/** One entry as configured: `"npm test"`, `"pytest *"` (then any plain arguments), or the object form. */
export type AllowedCommandEntry =
  | string
  | {
      command: string;
      /** `none` (default): nothing after the command's words but listed options; `positional`: plain arguments too. */
      args?: 'none' | 'positional' | undefined;
      /** Options allowed after the words: `--bail` exactly, `--grep=*` with any value, `-t *` with the next word. */
      options?: readonly string[] | undefined;
    };

export interface AllowedCommand {
  /** How the entry reads in messages. */
  label: string;
  words: string[];
  positional: boolean;
  options: OptionRule[];
}

type OptionRule = { exact: string } | { withValue: string } | { withNextWord: string };

/** Turns the configured entries into rules; a malformed entry is an error naming it (raised at start-up). */
export function compileAllowList(entries: readonly AllowedCommandEntry[]): AllowedCommand[] {
  return entries.map((entry) => {
    const spec = typeof entry === 'string' ? stringEntry(entry) : entry;
    const parsed = shellWords(spec.command);
    if ('refused' in parsed || parsed.words.length === 0)
      throw new Error(
        `execution.allowed_commands entry ${JSON.stringify(spec.command)} is not a plain command (${'refused' in parsed ? parsed.refused : 'empty'}); write its words, e.g. "npm test", "pytest *" or {command: "npx vitest run", options: ["--reporter=*"]}`,
      );
    return {
      label: typeof entry === 'string' ? entry : spec.command,
      words: parsed.words,
      positional: spec.args === 'positional',
      options: (spec.options ?? []).map(optionRule),
    };
  });
}

function stringEntry(entry: string): { command: string; args: 'none' | 'positional'; options?: undefined } {
  const trimmed = entry.trim();
  return trimmed.endsWith(' *')
    ? { command: trimmed.slice(0, -2), args: 'positional' }
    : { command: trimmed, args: 'none' };
}

function optionRule(option: string): OptionRule {
  if (option.endsWith('=*')) return { withValue: option.slice(0, -1) };
  if (option.endsWith(' *')) return { withNextWord: option.slice(0, -2).trim() };
  return { exact: option };
}

/**
 * The first entry that allows `argv`, or why none does (for the message): the entry whose words
 * matched and the first word it did not allow.
 */
export function findAllowing(
  allowList: readonly AllowedCommand[],
  argv: readonly string[],
): { allowed: AllowedCommand } | { refusedWord?: { entry: AllowedCommand; word: string } } {
  let nearest: { entry: AllowedCommand; word: string } | undefined;
  for (const entry of allowList) {
    if (argv.length < entry.words.length || entry.words.some((word, index) => argv[index] !== word)) continue;
    const refused = firstRefusedWord(entry, argv.slice(entry.words.length));
    if (refused === undefined) return { allowed: entry };
    nearest ??= { entry, word: refused };
  }
  return nearest ? { refusedWord: nearest } : {};
}

function firstRefusedWord(entry: AllowedCommand, rest: readonly string[]): string | undefined {
  for (let index = 0; index < rest.length; index += 1) {
    const word = rest[index] as string;
    if (!word.startsWith('-') || word === '-') {
      if (entry.positional) continue;
      return word;
    }
    const rule = entry.options.find((option) =>
      'exact' in option
        ? option.exact === word
        : 'withValue' in option
          ? word.startsWith(option.withValue) && word.length > option.withValue.length
          : option.withNextWord === word,
    );
    if (!rule) return word;
    // The option's value is the next word, whatever it looks like.
    if ('withNextWord' in rule) {
      if (index + 1 >= rest.length) return word;
      index += 1;
    }
  }
  return undefined;
}
