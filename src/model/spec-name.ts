import { OtelMcpError } from './errors.js';

/**
 * The one rule for spec names, in the language, the store and every tool. Spec names become file
 * names (`trace-specs/<name>.yaml`) on every platform a project is cloned to: lower case (macOS and
 * Windows fold case, so `Checkout` and `checkout` would share a file), no `/` or `\`, and a leading
 * letter or digit so `..` and hidden files are impossible. 64 characters leave room under the
 * 255-byte file name limit for the suffix and a temp-file tail.
 */
export const SPEC_NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;
export const SPEC_NAME_MAX_LENGTH = 64;
export const SPEC_NAME_RULE =
  'a lower-case letter or digit, then up to 63 of a-z 0-9 . _ - (it becomes the file name <name>.yaml)';

export function isSpecName(name: string): boolean {
  return SPEC_NAME_PATTERN.test(name);
}

export function checkSpecName(name: string): void {
  if (!isSpecName(name)) {
    throw new OtelMcpError(
      'INVALID_ARGUMENT',
      `spec name ${JSON.stringify(name)} is not accepted`,
      `use ${SPEC_NAME_RULE}, e.g. checkout_flow`,
    );
  }
}
