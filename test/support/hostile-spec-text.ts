/** Spec texts meant to hurt a parser, shared by the tests of every place a spec is read. */

/** A fake secret: a test asserts that it never reaches any output. */
export const FAKE_SECRET = 'wJalrXUtnFEMI-K7MDENG-bPxRfiCY-EXAMPLEKEY';

/** Ten levels of nine aliases each: 9^9 ≈ 387 million strings once expanded. */
export function billionLaughs(): string {
  const lines = ['a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
  for (let level = 1; level < 10; level += 1) {
    const aliases = Array.from({ length: 9 }, () => `*a${level - 1}`).join(', ');
    lines.push(`a${level}: &a${level} [${aliases}]`);
  }
  return `${lines.join('\n')}\n`;
}

/** A spec using one alias 150 times: past the limit of 100, though tiny. */
export function manyAliases(name: string): string {
  return `name: ${name}\nexpected_spans: []\ndescription: &d x\nx: [${Array(150).fill('*d').join(', ')}]\n`;
}

/** One mapping of `keys` keys (`k0: 0` …), about 10 bytes each: wide where a spec is deep. */
export function wideMapping(keys: number): string {
  return Array.from({ length: keys }, (_, index) => `k${index}: ${index}`).join('\n');
}

/** `levels` flow lists inside each other, closed: `[[[…]]]`. */
export function deepFlowList(levels: number): string {
  return `${'['.repeat(levels)}${']'.repeat(levels)}`;
}
