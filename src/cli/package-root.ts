import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'otel-mcp';

/**
 * The directory holding otel-mcp's package.json, found by walking up from this module. The module
 * can sit in src/cli/ (tsx), dist/cli/ (tsc) or be inlined into the dist/cli/main.js bundle, so a
 * fixed number of `..` would be wrong for one of them.
 */
export function packageRoot(start = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === PACKAGE_NAME) return dir;
    if (dirname(dir) === dir) throw new Error(`no ${PACKAGE_NAME} package.json above ${start}`);
  }
}
