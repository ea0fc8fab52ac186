import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'otel-mcp';

export interface OwnPackage {
  /** The directory holding otel-mcp's package.json. */
  root: string;
  version: string;
}

/**
 * otel-mcp's package.json, found by walking up from this module. The module can sit in src/cli/
 * (tsx), dist/cli/ (tsc) or be inlined into the dist/cli/main.js bundle, so a fixed number of `..`
 * would be wrong for one of them.
 */
export function ownPackage(start = dirname(fileURLToPath(import.meta.url))): OwnPackage {
  for (let dir = start; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const manifest = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (manifest.name === PACKAGE_NAME) return { root: dir, version: String(manifest.version) };
    }
    if (dirname(dir) === dir) throw new Error(`no ${PACKAGE_NAME} package.json above ${start}`);
  }
}

export function packageRoot(): string {
  return ownPackage().root;
}
