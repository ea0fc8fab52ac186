/**
 * What a YAML syntax error means, by the parser's error code. The parser's own message is not shown:
 * several interpolate the text (a tag, a directive, an escape, a block header), and the text may be a
 * file that is no spec at all (a `.env` linked in by mistake), whose content must not reach the output.
 */
const WORDS: Record<string, string> = {
  ALIAS_PROPS: 'an alias (*name) cannot have a tag or an anchor',
  BAD_ALIAS: 'an alias (*name) is malformed',
  BAD_DIRECTIVE: 'a % directive is not understood',
  BAD_DQ_ESCAPE: 'a double-quoted string holds an invalid \\ escape',
  BAD_INDENT: 'a line is not indented as expected, or a [ or { is not closed',
  BAD_PROP_ORDER: 'an anchor or tag is in the wrong place',
  BAD_SCALAR_START: 'a plain value starts with a reserved character; quote it',
  BLOCK_AS_IMPLICIT_KEY: 'a block value is used as a key',
  BLOCK_IN_FLOW: 'a block value is inside a [ ] or { } collection',
  DUPLICATE_KEY: 'a key appears twice in the same mapping',
  MISSING_CHAR: 'a character is missing: a closing ] or }, a comma between items, or a space after :',
  MULTILINE_IMPLICIT_KEY: 'a key spans several lines, or a line lacks its ": value"',
  MULTIPLE_ANCHORS: 'a value has more than one anchor',
  MULTIPLE_DOCS: 'the text holds more than one document',
  MULTIPLE_TAGS: 'a value has more than one tag',
  NON_STRING_KEY: 'a key is not a string',
  RESOURCE_EXHAUSTION: 'the text nests too deeply to read',
  TAB_AS_INDENT: 'a tab is used for indentation; use spaces',
  TAG_RESOLVE_FAILED: 'a !tag is not known; specs use plain YAML without tags',
  UNEXPECTED_TOKEN: 'a character or token is out of place',
  BAD_COLLECTION_TYPE: 'a !tag does not fit the value it is on',
};

export function yamlErrorWords(code: string): string {
  return WORDS[code] ?? 'the text is not well-formed';
}
